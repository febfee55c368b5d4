/**
 * The contract every question family keeps, run over every registered question family (and a
 * paper-sized world for the IDA ones): deterministic generation, disjoint splits, a decomposition
 * that is exact given exact sub-answers, a step checker that accepts the expert's own steps and
 * catches injected errors, a correct grader, and an alphabet that covers every text.
 */
import { describe, expect, it } from 'vitest';
import type { Problem, ProposedStep } from '../spec/index.ts';
import { Problem as ProblemSchema } from '../spec/index.ts';
import type { QuestionFamily } from './family.ts';
import { runDecomposition } from './family.ts';
import { getFamily, listFamilies } from './registry.ts';

const cases: Array<{ label: string; family: QuestionFamily }> = [];
for (const { name, kind, grading } of listFamilies()) {
  // A dataset is read, not generated: its questions do not vary with the seed and it has no
  // decomposition, so it keeps its own contract in dataset.test.ts.
  if (kind !== 'question' || name === 'dataset') continue;
  // A family graded in the sandbox has no synchronous grade: trojan-functions.test.ts keeps its
  // contract, grading through outcomes/code-tests.ts.
  if (grading === 'sandbox') continue;
  cases.push({ label: name, family: getFamily(name) as QuestionFamily });
  // Addition and word arithmetic have no world of items to size.
  if (name !== 'addition' && name !== 'word-arithmetic') {
    cases.push({
      label: `${name} (64 items, world 3)`,
      family: getFamily(name, { size: 64, worldSeed: 3 }) as QuestionFamily,
    });
  }
}

/** Every difficulty of the family, mixed: the broadest sample of its questions. */
function allDifficulties(family: QuestionFamily): number[] {
  const list: number[] = [];
  const top = Math.min(family.difficulties.max, family.difficulties.min + 6);
  for (let difficulty = family.difficulties.min; difficulty <= top; difficulty += 1) {
    list.push(difficulty);
  }
  return list;
}

function sample(family: QuestionFamily, split: 'train' | 'test', count = 150): Problem[] {
  return family.generate({ seed: 11, count, split, difficulty: allDifficulties(family) });
}

function step(
  family: QuestionFamily,
  question: string,
  kind: ProposedStep['kind'],
  action: string,
  previous: ProposedStep['previous'] = [],
): ProposedStep {
  return { family: family.name, question, kind, previous, context: question, action };
}

/** An answer the family would not accept for a question. */
function wrongAnswer(family: QuestionFamily, question: string, isRight: (a: string) => boolean) {
  const space = family.answerSpace(question);
  for (let index = 0; index < space.size; index += 1) {
    if (!isRight(space.at(index))) return space.at(index);
  }
  throw new Error(`no wrong answer in the space of ${question}`);
}

describe.each(cases)('question family $label', ({ family }) => {
  const train = sample(family, 'train');
  const test = sample(family, 'test');

  it('generates valid problems deterministically, and seeds matter', () => {
    for (const problem of [...train, ...test])
      expect(ProblemSchema.parse(problem)).toEqual(problem);
    expect(sample(family, 'train')).toEqual(train);
    const other = family.generate({
      seed: 12,
      count: 150,
      split: 'train',
      difficulty: allDifficulties(family),
    });
    expect(other.map((problem) => problem.question)).not.toEqual(
      train.map((problem) => problem.question),
    );
    expect(new Set(train.map((problem) => problem.id)).size).toBe(train.length);
  });

  it('keeps train and test questions disjoint', () => {
    const trainQuestions = new Set(train.map((problem) => problem.question));
    expect(test.length).toBeGreaterThan(0);
    for (const problem of test) expect(trainQuestions.has(problem.question)).toBe(false);
  });

  it('generates each difficulty as asked and rejects difficulties out of range', () => {
    const difficulty = family.difficulties.default;
    for (const problem of family.generate({ seed: 1, count: 20, split: 'train', difficulty })) {
      expect(problem.difficulty).toBe(difficulty);
    }
    expect(() =>
      family.generate({
        seed: 1,
        count: 1,
        split: 'train',
        difficulty: family.difficulties.max + 1,
      }),
    ).toThrow(/difficulty must be an integer/);
  });

  it('decomposes exactly: combine(oracle(sub-questions)) = oracle(question)', () => {
    let splits = 0;
    for (const problem of [...train, ...test]) {
      const decomposition = family.decompose(problem.question);
      const result = runDecomposition(decomposition, (subQuestion) => family.oracle(subQuestion));
      expect(result.answer, problem.question).toBe(family.oracle(problem.question));
      expect(result.answer).toBe(problem.answer);
      if (decomposition.kind === 'split') {
        splits += 1;
        expect(result.subQuestions.length).toBeGreaterThan(0);
      }
    }
    expect(splits).toBeGreaterThan(0);
  });

  it('accepts the expert’s own steps and catches injected errors', () => {
    const others = train.map((problem) => problem.question);
    let splitsChecked = 0;
    for (const problem of train.slice(0, 60)) {
      const { question } = problem;
      const decomposition = family.decompose(question);
      const right = (answer: string) => family.isCorrect(question, answer);
      if (decomposition.kind === 'base') {
        expect(
          family.checkStep(step(family, question, 'answer', decomposition.answer)).rating,
        ).toBe(1);
        const wrong = wrongAnswer(family, question, right);
        const check = family.checkStep(step(family, question, 'answer', wrong));
        expect(check.rating).toBe(-1);
        expect(check.expected).toBe(decomposition.answer);
        expect(family.checkStep(step(family, question, 'subquestion', others[0])).rating).toBe(-1);
        continue;
      }
      splitsChecked += 1;
      const previous: ProposedStep['previous'] = [];
      for (;;) {
        const next = decomposition.next(previous.map((prior) => prior.answer ?? ''));
        if (next === null) break;
        expect(family.checkStep(step(family, question, 'subquestion', next, previous)).rating).toBe(
          1,
        );
        const detour = others.find((other) => other !== next) ?? `${next}x`;
        const caught = family.checkStep(step(family, question, 'subquestion', detour, previous));
        expect(caught.rating).toBe(-1);
        expect(caught.expected).toBe(next);
        // Answering before the plan is finished is caught too.
        expect(
          family.checkStep(step(family, question, 'answer', family.oracle(question), previous))
            .rating,
        ).toBe(previous.length === 0 ? 0 : -1);
        previous.push({ kind: 'subquestion', text: next, answer: family.oracle(next) });
      }
      const answer = family.oracle(question);
      expect(family.checkStep(step(family, question, 'answer', answer, previous)).rating).toBe(1);
      const wrong = wrongAnswer(family, question, right);
      expect(family.checkStep(step(family, question, 'answer', wrong, previous)).rating).toBe(-1);
      expect(
        family.checkStep(step(family, question, 'subquestion', others[0], previous)).rating,
      ).toBe(-1);
    }
    expect(splitsChecked).toBeGreaterThan(0);
  });

  it('grades right answers right and wrong ones wrong', () => {
    for (const problem of test.slice(0, 40)) {
      const right = family.grade(problem, ` ${problem.answer} `);
      expect(right).toMatchObject({ kind: 'grade', correct: true, reward: 1 });
      const wrong = wrongAnswer(family, problem.question, (answer) =>
        family.isCorrect(problem.question, answer),
      );
      expect(family.grade(problem, wrong)).toMatchObject({ correct: false, reward: 0 });
      expect(family.grade(problem, null)).toMatchObject({ correct: false, answer: null });
    }
  });

  it('has an answer space that holds the answers', () => {
    for (const problem of test.slice(0, 40)) {
      const space = family.answerSpace(problem.question);
      const answers = new Set<string>();
      if (space.size <= 5000) {
        for (let index = 0; index < space.size; index += 1) answers.add(space.at(index));
        expect(answers.has(problem.answer ?? '')).toBe(true);
      } else {
        expect(space.at(Number(problem.answer))).toBe(problem.answer);
      }
    }
  });

  it('has an alphabet that covers every prompt, completion and sub-question', () => {
    const alphabet = new Set(family.alphabet);
    const texts: string[] = [];
    for (const split of ['train', 'test'] as const) {
      for (const example of family.supervised({ seed: 5, count: 60, split })) {
        texts.push(example.prompt, example.completion);
      }
      if (family.chainOfThought !== undefined) {
        const examples = family.supervised({
          seed: 5,
          count: 30,
          split,
          format: 'chain-of-thought',
        });
        for (const example of examples) texts.push(example.prompt, example.completion);
      }
    }
    for (const problem of train) {
      const result = runDecomposition(family.decompose(problem.question), (sub) =>
        family.oracle(sub),
      );
      texts.push(family.prompt(problem.question), ...result.subQuestions, ...result.subAnswers);
    }
    for (const text of texts) {
      for (const character of text)
        expect(alphabet.has(character), JSON.stringify(text)).toBe(true);
    }
  });

  it('rejects malformed questions and steps of other families', () => {
    expect(() => family.oracle('#not a question')).toThrow(/not a question of this family/);
    expect(() =>
      family.checkStep({ ...step(family, 'x', 'answer', 'y'), family: 'other' }),
    ).toThrow(/asked to check a step/);
    expect(family.checkStep(step(family, '#', 'answer', 'y')).rating).toBe(0);
  });
});
