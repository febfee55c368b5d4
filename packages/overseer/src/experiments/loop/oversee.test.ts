/**
 * What a round distils from amplified episodes: IDA by imitation keeps the answers the overseer
 * approved; behaviour cloning keeps every amplified answer, the expert's errors included.
 */
import { describe, expect, it } from 'vitest';
import { programOverseer } from '../../overseers/program.ts';
import { scriptedPolicy } from '../../policies/scripted.ts';
import { decompose } from '../../scaffolds/decompose.ts';
import { snap } from '../../scaffolds/snap.ts';
import { tools } from '../../scaffolds/tools.ts';
import { getFamily } from '../../tasks/registry.ts';
import { playEpisodes } from '../run-episodes.ts';
import { groundTruth, oversee } from './oversee.ts';

describe('oversee', () => {
  it('keeps only approved answers for imitation, every answer for behaviour cloning', async () => {
    const family = getFamily('permutation-powering', { size: 4, maxBits: 3, expertErrorRate: 0.3 });
    if (family.kind !== 'question' || family.fallibleExpert === undefined) {
      throw new Error('expected a question family with a fallible expert');
    }
    const expert = family.fallibleExpert;
    const problems = [
      ...new Map(
        family
          .generate({ seed: 1, count: 100, split: 'train' })
          .map((problem) => [problem.question, problem]),
      ).values(),
    ];
    const erring = problems.filter((problem) => expert.answer(problem.question) !== problem.answer);
    expect(erring.length).toBeGreaterThan(0);
    // Deep enough that the expert answers every question itself and the model is never asked;
    // the check catches every wrong step (q = 1).
    const played = await playEpisodes({
      family,
      scaffold: decompose({ maxDepth: 8, memo: true }),
      policy: scriptedPolicy(() => '?'),
      overseer: programOverseer(family),
      problems,
      ids: problems.map((_, index) => `e${index}`),
      seed: 1,
      iteration: 0,
    });
    const pairs = (lesson: 'approved-answers' | 'amplified-answers') =>
      new Map(
        (oversee({ family, format: 'snap', lesson }, problems, played).examples ?? []).map(
          (pair) => [pair.prompt, pair.completion],
        ),
      );
    const approved = pairs('approved-answers');
    const cloned = pairs('amplified-answers');
    for (const problem of erring) {
      const prompt = family.prompt(problem.question, 'snap');
      expect(approved.get(prompt), problem.question).toBeUndefined();
      expect(cloned.get(prompt), problem.question).toBe(expert.answer(problem.question));
    }
    for (const [prompt, completion] of approved) expect(cloned.get(prompt)).toBe(completion);
    expect(cloned.size).toBeGreaterThan(approved.size);
  });
});

describe('groundTruth', () => {
  it('teaches the leaves a decompose evaluation asks the model, else the whole questions', async () => {
    const family = getFamily('word-arithmetic');
    if (family.kind !== 'question') throw new Error('expected a question family');
    const problems = family.generate({ seed: 1, count: 3, split: 'train', difficulty: 2 });
    const leaves = groundTruth(
      { family, format: 'snap', evaluationScaffold: decompose({ maxDepth: 1 }) },
      problems,
    );
    expect(leaves.examples).toHaveLength(6);
    for (const example of leaves.examples ?? []) {
      expect(example.prompt).toMatch(/^\d+[+-]\d+=$/);
      expect(example.completion).toBe(family.oracle(example.prompt.slice(0, -1)));
    }
    const whole = groundTruth({ family, format: 'snap', evaluationScaffold: snap() }, problems);
    expect(whole.examples).toEqual(
      problems.map((problem) => ({ prompt: `${problem.question}=`, completion: problem.answer })),
    );
  });

  it('teaches the tools protocol turns a tools evaluation asks the model', () => {
    const family = getFamily('word-arithmetic');
    if (family.kind !== 'question') throw new Error('expected a question family');
    const problems = family.generate({ seed: 1, count: 3, split: 'train', difficulty: 2 });
    const turns = groundTruth(
      { family, format: 'snap', evaluationScaffold: tools({ protocol: 'text' }) },
      problems,
    );
    // Two calls and an answer line per question.
    expect(turns.examples).toHaveLength(9);
    expect(turns.labels).toBe(9);
    const [first, second, answer] = turns.examples ?? [];
    const question = (problems[0] as { question: string }).question;
    const [a, b, c] = question.match(/\d+/g) ?? [];
    const [plusOrMinus, secondOperator] = (question.match(/plus|minus/g) ?? []).map((word) =>
      word === 'plus' ? '+' : '-',
    );
    expect(first).toEqual({ prompt: `${question}\n`, completion: `calc: ${a}${plusOrMinus}${b}` });
    expect(second?.prompt).toMatch(new RegExp(`^${question}\\ncalc: ${a}[+-]${b}\\n= -?\\d+\\n$`));
    expect(second?.completion).toMatch(new RegExp(`^calc: -?\\d+\\${secondOperator}${c}$`));
    expect(answer?.completion).toBe(`answer: ${family.oracle(question)}`);
  });
});
