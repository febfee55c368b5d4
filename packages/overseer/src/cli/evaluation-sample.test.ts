import { describe, expect, it } from 'vitest';
import { getFamily } from '../tasks/registry.ts';
import { drawEvaluationProblems } from './evaluation-sample.ts';

const questions = (problems: ReadonlyArray<{ question: string }>) =>
  problems.map((problem) => problem.question);

describe('drawEvaluationProblems', () => {
  const family = getFamily('camera-dropbox');

  it('draws n distinct questions by default, where independent draws repeat some', () => {
    const distinct = drawEvaluationProblems(family, { n: 12, seed: 0, split: 'test' });
    expect(distinct.problems).toHaveLength(12);
    expect(new Set(questions(distinct.problems)).size).toBe(12);
    expect(distinct).toMatchObject({ distinct: 12, exhausted: false });

    const drawn = drawEvaluationProblems(family, {
      n: 12,
      seed: 0,
      split: 'test',
      withReplacement: true,
    });
    // With replacement is exactly the family's own draws, repeats and all.
    expect(questions(drawn.problems)).toEqual(
      questions(family.generate({ seed: 0, count: 12, split: 'test' })),
    );
    expect(drawn.distinct).toBe(new Set(questions(drawn.problems)).size);
    expect(drawn.distinct).toBeLessThan(12);
  });

  it('gives every question of a small split, then repeats them, and says it ran out', () => {
    const small = getFamily('permutation-powering', { size: 4, maxBits: 3 });
    const sample = drawEvaluationProblems(small, {
      n: 5,
      seed: 0,
      split: 'test',
      difficulty: [1],
    });
    expect(sample.problems).toHaveLength(5);
    expect(sample.exhausted).toBe(true);
    expect(sample.distinct).toBe(new Set(questions(sample.problems)).size);
    expect(sample.distinct).toBeLessThan(5);
    // The distinct questions come first; the repeats are later draws, with their own ids.
    expect(new Set(questions(sample.problems.slice(0, sample.distinct))).size).toBe(
      sample.distinct,
    );
    expect(new Set(sample.problems.map((problem) => problem.id)).size).toBe(5);
  });
});
