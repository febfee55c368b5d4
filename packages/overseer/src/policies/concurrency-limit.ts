/**
 * A concurrency limit for calls to one backend: at most `limit` run at once, the rest wait their
 * turn in arrival order. (scaffolds/ has its own for policy calls; policies/ may not import it.)
 */

/** Runs tasks with at most `limit` in flight; `inFlight` and `peak` are for accounting and tests. */
export interface ConcurrencyLimit {
  <T>(task: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly peak: number;
}

/** A limit of `limit` tasks at once (a whole number ≥ 1). */
export function concurrencyLimit(limit: number): ConcurrencyLimit {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so no newcomer slips in.
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
    peak: { get: () => peak },
  });
  return run as ConcurrencyLimit;
}
