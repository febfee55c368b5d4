import { describe, expect, it } from 'vitest';
import { Random, deriveSeed } from './random.ts';

describe('Random', () => {
  it('matches the xoshiro128** reference stream for state [1, 2, 3, 4]', () => {
    const random = Random.fromState([1, 2, 3, 4]);
    const values = Array.from({ length: 6 }, () => random.nextUint32());
    // The first outputs of the reference C implementation (prng.di.unimi.it) from this state.
    expect(values).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('resumes exactly from a saved state', () => {
    const random = new Random(3);
    random.next();
    const saved = random.state();
    const expected = [random.next(), random.normal(), random.integer(10)];
    const resumed = Random.fromState(saved);
    expect([resumed.next(), resumed.normal(), resumed.integer(10)]).toEqual(expected);
  });

  it('draws normals with about zero mean and unit variance', () => {
    const random = new Random(11);
    const count = 20000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < count; i++) {
      const value = random.normal();
      sum += value;
      squares += value * value;
    }
    const mean = sum / count;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(squares / count - mean * mean - 1)).toBeLessThan(0.04);
  });

  it('draws integers in range, covering every value', () => {
    const random = new Random(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const value = random.integer(7);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(7);
      seen.add(value);
    }
    expect(seen.size).toBe(7);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Random(1).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });

  it('rejects bad seeds, ranges and states', () => {
    expect(() => new Random(1.5)).toThrow(/integer/);
    expect(() => new Random(1).integer(0)).toThrow(/1 ≤ n/);
    expect(() => Random.fromState([0, 0, 0, 0])).toThrow(/not all zero/);
  });

  it('derives distinct, stable sub-seeds from labels', () => {
    expect(deriveSeed(1, 'init')).toBe(deriveSeed(1, 'init'));
    expect(deriveSeed(1, 'init')).not.toBe(deriveSeed(1, 'batch'));
    expect(deriveSeed(1, 'batch', 1)).not.toBe(deriveSeed(1, 'batch', 2));
    expect(deriveSeed(1, 'init')).not.toBe(deriveSeed(2, 'init'));
  });
});
