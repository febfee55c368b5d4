import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playEpisodes } from '../experiments/run-episodes.ts';
import { gradeEpisodeAsync } from '../outcomes/grade.ts';
import { oraclePolicy } from '../policies/oracle.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { snap } from '../scaffolds/snap.ts';
import { RegistryReference } from '../spec/index.ts';
import { datasetFixtureOptions } from './dataset-fixture.ts';
import { dataset } from './dataset.ts';
import { getFamily } from './registry.ts';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'overseer-dataset-family-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('the dataset family', () => {
  it('asks the samples in file order, letters the choices and grades with the default graders', async () => {
    const family = dataset({
      file: await file(
        'mixed.jsonl',
        [
          '{"id": "sum", "input": "What is 6*7?", "target": "42"}',
          '{"id": "prime", "input": "Which is prime?", "choices": ["4", "7"], "target": "7"}',
        ].join('\n'),
      ),
    });
    const problems = family.generate({ seed: 0, count: 3, split: 'test' });
    expect(problems.map((problem) => problem.id)).toEqual([
      'dataset/test/sum',
      'dataset/test/prime',
      'dataset/test/sum#1',
    ]);
    expect(problems[1].question).toBe(
      'Which is prime?\n\nA) 4\nB) 7\n\nAnswer with the letter of the right choice, as "ANSWER: <letter>".',
    );
    expect(problems[1].answer).toBe('B');
    // With choices in the file, the default grader is `choice`.
    expect(family.grade(problems[1], 'ANSWER: B')).toMatchObject({
      correct: true,
      expected: '7',
      info: { grader: 'choice', extracted: 'B', sample: 'prime' },
    });
    expect(family.grade(problems[0], 'the answer is 42')).toMatchObject({ correct: false });
  });

  it('grades with the grader the options name, and shows what it extracted', async () => {
    const family = dataset({
      file: await file('numbers.csv', 'question,answer\nWhat is 6*7?,42\n'),
      fields: { input: 'question', target: 'answer' },
      grader: { name: 'match', options: { location: 'last' } },
    });
    const [problem] = family.generate({ seed: 0, count: 1, split: 'test' });
    expect(family.grade(problem, '6*7 = 40 + 2 = 42')).toMatchObject({
      answer: '6*7 = 40 + 2 = 42',
      correct: true,
      reward: 1,
      info: { grader: 'match', extracted: '42' },
    });
    expect(family.grade(problem, null)).toMatchObject({
      correct: false,
      info: { extracted: null },
    });
    expect(family.options).toMatchObject({
      grader: { name: 'match' },
      fields: { input: 'question' },
    });
  });

  it('reads a chain of thought up to its ANSWER line, and checks answer steps', async () => {
    const family = dataset({ file: await file('one.json', '[{"input": "6*7?", "target": "42"}]') });
    const format = family.chainOfThought;
    expect(format?.parse('6*7 is 42\nANSWER: 42')).toEqual({
      thoughts: ['6*7 is 42'],
      answer: '42',
    });
    expect(format?.parse('just 41')).toEqual({ thoughts: [], answer: 'just 41' });
    expect(format?.trace('6*7?')).toEqual(['ANSWER: 42']);
    const step = {
      family: 'dataset',
      question: '6*7?',
      previous: [],
      context: '6*7?',
    };
    expect(family.checkStep({ ...step, kind: 'answer', action: '42' }).rating).toBe(1);
    expect(family.checkStep({ ...step, kind: 'answer', action: '41' })).toMatchObject({
      rating: -1,
      expected: '42',
    });
    expect(family.checkStep({ ...step, kind: 'thought', action: 'hmm' }).rating).toBe(0);
  });

  it('refuses a bad file before anything runs, and a model grader it cannot wait for', async () => {
    await expect(
      (async () => dataset({ file: await file('bad.jsonl', '{"input": "x"}\n') }))(),
    ).rejects.toThrow(/line 1, field target: required/);
    const family = dataset({
      file: await file('graded.jsonl', '{"input": "x", "target": "y"}\n'),
      grader: { name: 'includes' },
    });
    expect(family.isCorrect('x', 'so: Y')).toBe(true);
    expect(() =>
      dataset({ file: join(directory, 'graded.jsonl'), grader: 'model-graded' }),
    ).toThrow(/Bad options for grader model-graded: policy: required/);
  });

  it('is registered, so a run that recorded it rebuilds the same family', () => {
    const family = getFamily('dataset', datasetFixtureOptions());
    const reference = RegistryReference.parse({ name: 'dataset', options: family.options });
    const again = getFamily(reference.name, reference.options);
    expect(again.generate({ seed: 1, count: 30, split: 'train' })).toEqual(
      family.generate({ seed: 1, count: 30, split: 'train' }),
    );
    expect(() => getFamily('dataset')).toThrow(/file/);
    expect(() => getFamily('dataset', { ...datasetFixtureOptions(), size: 8 })).toThrow(/"size"/);
  });

  it('keeps a question family’s contract on the fixture: disjoint splits, checked steps, a covering alphabet', () => {
    const family = dataset(datasetFixtureOptions());
    const train = family.generate({ seed: 0, count: 12, split: 'train' });
    const test = family.generate({ seed: 0, count: 12, split: 'test' });
    const trainQuestions = new Set(train.map((problem) => problem.question));
    expect(trainQuestions.size).toBeGreaterThan(0);
    for (const problem of test) expect(trainQuestions.has(problem.question)).toBe(false);
    for (const problem of [...train, ...test]) {
      const step = { family: 'dataset', question: problem.question, previous: [], context: '' };
      const right = family.oracle(problem.question);
      expect(family.grade(problem, right)).toMatchObject({ correct: true });
      expect(family.checkStep({ ...step, kind: 'answer', action: right }).rating).toBe(1);
      expect(family.checkStep({ ...step, kind: 'answer', action: `${right}1` }).rating).toBe(-1);
      for (const character of problem.question + right) {
        expect(family.alphabet.includes(character), character).toBe(true);
      }
    }
    const byDifficulty = family.generate({ seed: 0, count: 4, split: 'test', difficulty: 2 });
    for (const problem of byDifficulty) expect(problem.difficulty).toBe(2);
  });

  it('grades with a model grader by awaiting its policy, and records the grading call', async () => {
    // The grading policy says C when the submission names the reference, else I.
    const grading = scriptedPolicy((request) => {
      const submission = request.prompt.split('[Submission]\n')[1].split('\n\n')[0];
      const reference = request.prompt.split('[Reference]\n')[1].split('\n\n')[0];
      return submission.includes(reference) ? 'Same number.\nGRADE: C' : 'Differs.\nGRADE: I';
    }, 'scripted-grader');
    const family = dataset(
      {
        file: await file('graded-by-model.jsonl', '{"id": "s", "input": "6*7?", "target": "42"}\n'),
        grader: { name: 'model-graded', options: { policy: 'scripted-grader' } },
      },
      { policy: grading },
    );
    const [problem] = family.generate({ seed: 0, count: 1, split: 'test' });
    expect(() => family.grade(problem, '42')).toThrow(/can only be awaited/);
    expect(grading.requests).toHaveLength(0);
    expect(
      family.checkStep({
        family: 'dataset',
        question: problem.question,
        kind: 'answer',
        previous: [],
        context: '',
        action: '42',
      }).rating,
    ).toBe(0);
    expect(await family.gradeAsync!(problem, 'it is 42')).toMatchObject({
      correct: true,
      reward: 1,
      info: {
        grader: 'model-graded',
        extracted: 'it is 42',
        explanation: 'GRADE: C',
        graderCall: { policy: 'scripted-grader', completion: 'Same number.\nGRADE: C' },
      },
    });
    expect(await family.gradeAsync!(problem, '41')).toMatchObject({ correct: false });
    expect(await family.gradeAsync!(problem, null)).toMatchObject({ correct: false });
    expect(grading.requests).toHaveLength(2);

    // Played episodes are graded through the awaited path.
    const [played] = await playEpisodes({
      family,
      scaffold: snap(),
      policy: oraclePolicy(family),
      problems: [problem],
      ids: ['e0'],
      seed: 0,
    });
    expect(played.episode.status).toBe('finished');
    expect(played.outcome).toMatchObject({ correct: true, info: { grader: 'model-graded' } });
    expect(await gradeEpisodeAsync(family, played.episode)).toMatchObject({ correct: true });
  });
});
