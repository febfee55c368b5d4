/**
 * The default executor: every job in this process, at most `concurrency` at once — the loop's
 * in-process pool, whose episodes' policy calls batch together.
 */
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import type { Executor, ExecutorJob } from './executor.ts';

/** Options of `localExecutor`. */
export interface LocalExecutorOptions {
  /** Jobs in flight at once (default 64). */
  concurrency?: number;
}

/** Runs jobs in this process with a concurrency limit. */
export function localExecutor(options: LocalExecutorOptions = {}): Executor {
  const limit = concurrencyLimit(options.concurrency ?? 64);
  return {
    kind: 'local',
    execute: <Result>(job: ExecutorJob<Result>) => limit(() => job.local()),
    close: async () => {},
  };
}
