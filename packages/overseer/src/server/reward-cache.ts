/**
 * The reward service's memory of what it has scored: finished results by key (least recently used
 * first out, so a long run cannot grow it without bound) and the results still being computed, so
 * a trainer's retry or a duplicate sample joins the work already under way instead of repeating it.
 */

/** Where a result came from: computed now, remembered from before, or shared with a computation in flight. */
export type CacheSource = 'computed' | 'cached' | 'joined';

/** Options of {@link rewardCache}. */
export interface RewardCacheOptions<T> {
  /** Most finished results kept (0 keeps none; requests in flight are still shared). */
  capacity: number;
  /** Whether a finished result may be remembered (a transient failure should be retried, not replayed). */
  keep: (value: T) => boolean;
}

/** Results by key, with in-flight sharing. */
export interface RewardCache<T> {
  /** The result for `key`, computing it with `compute` only when it is neither remembered nor in flight. */
  get(key: string, compute: () => Promise<T>): Promise<{ value: T; source: CacheSource }>;
  /** Finished results remembered. */
  readonly size: number;
  /** Keys being computed now. */
  readonly pending: number;
}

/** A cache of at most `capacity` finished results that shares computations in flight. */
export function rewardCache<T>(options: RewardCacheOptions<T>): RewardCache<T> {
  const finished = new Map<string, T>();
  const inFlight = new Map<string, Promise<T>>();
  const remember = (key: string, value: T): void => {
    if (options.capacity === 0 || !options.keep(value)) return;
    finished.set(key, value);
    // A Map iterates in insertion order, so its first key is the least recently used one.
    if (finished.size > options.capacity) finished.delete(finished.keys().next().value as string);
  };
  return {
    async get(key, compute) {
      if (finished.has(key)) {
        const value = finished.get(key) as T;
        finished.delete(key);
        finished.set(key, value);
        return { value, source: 'cached' };
      }
      const running = inFlight.get(key);
      if (running !== undefined) return { value: await running, source: 'joined' };
      const computing = compute();
      inFlight.set(key, computing);
      try {
        const value = await computing;
        remember(key, value);
        return { value, source: 'computed' };
      } finally {
        inFlight.delete(key);
      }
    },
    get size() {
      return finished.size;
    },
    get pending() {
      return inFlight.size;
    },
  };
}
