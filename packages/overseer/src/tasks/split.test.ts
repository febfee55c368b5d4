import { describe, expect, it } from 'vitest';
import { partitionQuestions, splitOf } from './split.ts';

describe('splits', () => {
  it('partitions listed questions disjointly with both sides non-empty', () => {
    const questions = Array.from({ length: 10 }, (_, index) => `q${index}`);
    const split = partitionQuestions(questions, 0.2, 'salt');
    expect(split.test).toHaveLength(2);
    expect([...split.train, ...split.test].sort()).toEqual([...questions].sort());
    expect(partitionQuestions(['a', 'b'], 0.01, 'salt').test).toHaveLength(1);
    expect(partitionQuestions(['a', 'b'], 0.99, 'salt').train).toHaveLength(1);
    expect(partitionQuestions(['a'], 0.5, 'salt')).toEqual({ train: ['a'], test: [] });
    const sides = questions.map((question) => splitOf(question, 0.5, 'salt'));
    expect(sides).toEqual(questions.map((question) => splitOf(question, 0.5, 'salt')));
  });
});
