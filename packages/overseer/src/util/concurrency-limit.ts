/**
 * A concurrency limit: at most `limit` tasks run at once, the rest wait their turn in arrival
 * order. Backends limit their calls with it, scaffolds their policy calls, the loop its episodes.
 */

/**
 * Runs tasks with at most `limit` in flight; `inFlight`, `waiting` (tasks queued for a slot) and
 * `peak` are for accounting and tests.
 */
export interface ConcurrencyLimit {
  <T>(task: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly waiting: number;
  readonly peak: number;
}

/** A limit of `limit` tasks at once (a whole number ≥ 1). */
export function concurrencyLimit(limit: number): ConcurrencyLimit {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in
    // between and exceed the limit.
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    peak = Math.max(peak, active);
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active -= 1;
      else next();
    }
  };
  Object.defineProperties(run, {
    inFlight: { get: () => active },
    waiting: { get: () => waiting.length },
    peak: { get: () => peak },
  });
  return run as ConcurrencyLimit;
}
