import { describe, expect, it } from 'vitest';
import { rewardCache } from './reward-cache.ts';

describe('rewardCache', () => {
  it('remembers results, joins computations in flight and forgets the least recently used', async () => {
    const cache = rewardCache<string>({ capacity: 2, keep: () => true });
    let computed = 0;
    const compute = (value: string) => async () => {
      computed += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return value;
    };
    const [first, second] = await Promise.all([
      cache.get('a', compute('A')),
      cache.get('a', compute('X')),
    ]);
    expect(first).toEqual({ value: 'A', source: 'computed' });
    expect(second).toEqual({ value: 'A', source: 'joined' });
    expect(computed).toBe(1);
    expect(cache.pending).toBe(0);
    expect(await cache.get('a', compute('X'))).toEqual({ value: 'A', source: 'cached' });
    // Order of use, oldest first: a, b → b, a (a touched) → a, c (b evicted when c arrives).
    await cache.get('b', compute('B'));
    await cache.get('a', compute('X'));
    await cache.get('c', compute('C'));
    expect(cache.size).toBe(2);
    expect(await cache.get('a', compute('X'))).toEqual({ value: 'A', source: 'cached' });
    expect(await cache.get('b', compute('B2'))).toEqual({ value: 'B2', source: 'computed' });
    expect(computed).toBe(4);
  });

  it('does not remember what `keep` refuses, and shares a failure only with those in flight', async () => {
    const cache = rewardCache<number>({ capacity: 10, keep: (value) => value >= 0 });
    expect((await cache.get('bad', async () => -1)).source).toBe('computed');
    expect((await cache.get('bad', async () => -1)).source).toBe('computed');
    expect(cache.size).toBe(0);

    let attempts = 0;
    const failing = async (): Promise<number> => {
      attempts += 1;
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('judge unreachable');
    };
    const outcomes = await Promise.allSettled([cache.get('x', failing), cache.get('x', failing)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(attempts).toBe(1);
    expect(cache.pending).toBe(0);
    expect(await cache.get('x', async () => 7)).toEqual({ value: 7, source: 'computed' });
  });

  it('with capacity 0 remembers nothing but still joins', async () => {
    const cache = rewardCache<number>({ capacity: 0, keep: () => true });
    const slow = async (): Promise<number> => {
      await new Promise((resolve) => setImmediate(resolve));
      return 1;
    };
    const sources = await Promise.all([cache.get('k', slow), cache.get('k', slow)]);
    expect(sources.map((result) => result.source)).toEqual(['computed', 'joined']);
    expect((await cache.get('k', slow)).source).toBe('computed');
  });
});
