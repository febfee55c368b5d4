import { describe, expect, it } from 'vitest';
import { createRandom, hashString } from './random.ts';
import { partitionQuestions, splitOf } from './split.ts';

describe('seeded randomness and splits', () => {
  it('repeats for the same parts and differs for others', () => {
    const draw = (...parts: Array<string | number>) => {
      const random = createRandom(...parts);
      return Array.from({ length: 8 }, () => random.integer(1000));
    };
    expect(draw('a', 1)).toEqual(draw('a', 1));
    expect(draw('a', 1)).not.toEqual(draw('a', 2));
    expect(draw('a', 1)).not.toEqual(draw('a1'));
    expect(hashString('abc')).toBe(hashString('abc'));
    const random = createRandom('range');
    for (let index = 0; index < 1000; index += 1) {
      const value = random.between(3, 5);
      expect(value >= 3 && value <= 5).toBe(true);
    }
    expect(() => random.pick([])).toThrow(RangeError);
    expect(random.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });

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
