import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from './concurrency-limit.ts';

/** A promise with its resolver, so a test decides when each task ends. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** Lets every queued microtask run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('concurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the waiters in arrival order', async () => {
    const limit = concurrencyLimit(2);
    const gates = [0, 1, 2, 3].map(() => deferred<number>());
    const started: number[] = [];
    const results = gates.map((gate, index) =>
      limit(async () => {
        started.push(index);
        return gate.promise;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect(limit.inFlight).toBe(2);
    expect(limit.waiting).toBe(2);
    gates[1].resolve(1);
    await settle();
    expect(started).toEqual([0, 1, 2]);
    expect(limit.inFlight).toBe(2);
    expect(limit.waiting).toBe(1);
    gates[0].resolve(0);
    gates[2].resolve(2);
    gates[3].resolve(3);
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limit.inFlight).toBe(0);
    expect(limit.waiting).toBe(0);
    expect(limit.peak).toBe(2);
  });

  it('frees the slot of a task that throws, and passes its error on', async () => {
    const limit = concurrencyLimit(1);
    const failed = limit(async () => {
      throw new Error('boom');
    });
    const next = limit(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
    expect(limit.inFlight).toBe(0);
    expect(limit.peak).toBe(1);
  });
});
