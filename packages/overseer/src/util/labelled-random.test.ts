import { describe, expect, it } from 'vitest';
import { createRandom, hashString } from './labelled-random.ts';

describe('seeded randomness named by labels', () => {
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
});
