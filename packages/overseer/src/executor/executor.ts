/**
 * Where the loop's units of work run. An `Executor` takes jobs — an episode is one: amplify and
 * oversee one problem — and returns their results: `local` runs them in this process (the
 * default; `npm start` needs no server), `queue` puts them on a BullMQ queue in Redis for
 * `overseer worker` processes on any machine. The caller records what comes back, so a store
 * never needs to be reachable from a worker.
 */
import type { JsonObject } from '../spec/index.ts';

/** One unit of work: run here by `local`, or rebuilt from `data` by a queue worker. */
export interface ExecutorJob<Result> {
  /** Unique within its group (an episode key): the queue's job id, so adding it twice is a no-op. */
  key: string;
  /** What the job belongs to (a run id): queue status counts jobs by it. */
  group: string;
  /**
   * What a worker rebuilds the work from (JSON); absent when the work cannot leave this process
   * (e.g. a model that is only in memory), and then every executor runs it here.
   */
  data?: JsonObject;
  /** The work in this process. */
  local(): Promise<Result>;
}

/** Runs jobs and hands back their results. */
export interface Executor {
  /** `local` (in this process) or `queue` (BullMQ workers). */
  readonly kind: 'local' | 'queue';
  /**
   * The result of one job. A job that cannot finish rejects; the caller decides what a failure
   * means (the loop records a failed episode).
   */
  execute<Result>(job: ExecutorJob<Result>): Promise<Result>;
  /** Releases connections (nothing for `local`). */
  close(): Promise<void>;
}
