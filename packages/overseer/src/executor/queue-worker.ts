/**
 * A worker of the episode queue: takes jobs, rebuilds their work from the job's data through the
 * handler it is given (the CLI gives it the loop's episode handler) and returns the result as
 * the job's return value. A handler that reports a provider's rate limit (`RateLimited`) pauses
 * the whole queue for the time asked and puts the job back without spending an attempt.
 */
import { Queue, Worker } from 'bullmq';
import { OverseerError } from '../errors.ts';
import type { JsonObject, JsonValue } from '../spec/index.ts';
import { DEFAULT_PREFIX, redisConnections, EPISODE_QUEUE } from './queue-connection.ts';
import type { QueueLocation } from './queue-connection.ts';
import type { QueuedJobData } from './queue-executor.ts';

/** Thrown by a handler when a provider answered 429: the queue pauses for `delayMs`. */
export class RateLimited extends OverseerError {
  /** How long the queue pauses. */
  readonly delayMs: number;

  constructor(delayMs: number, cause?: unknown) {
    super('queue.rate-limited', `the provider is rate limiting; pausing the queue ${delayMs} ms.`, {
      cause,
    });
    this.delayMs = delayMs;
  }
}

/** What a handler is told about the job it runs. */
export interface JobContext {
  group: string;
  key: string;
  /** When the job was enqueued, and when this attempt started (ms since the epoch). */
  enqueuedAt: number;
  startedAt: number;
  /** Attempts already made before this one (0 on the first). */
  attemptsMade: number;
}

/** Runs one job's work from its data; its result becomes the job's return value. */
export type JobHandler = (data: JsonObject, context: JobContext) => Promise<JsonValue>;

/** Options of `startQueueWorker`. */
export interface QueueWorkerOptions extends QueueLocation {
  handler: JobHandler;
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal; a dead worker's job re-runs after it (default 30 s). */
  lockDuration?: number;
  /** How often stalled jobs are looked for (default 30 s). */
  stalledInterval?: number;
  /** Times a job may stall (its worker died) and still be re-run (default 3). */
  maxStalledCount?: number;
}

/** A running worker. */
export interface QueueWorker {
  /** Finishes the jobs in hand and disconnects. */
  close(): Promise<void>;
  /** The BullMQ worker (for events). */
  readonly worker: Worker<QueuedJobData, JsonValue>;
}

/** Starts a worker on the episode queue. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const name = options.queue ?? EPISODE_QUEUE;
  const connections = redisConnections(options.target);
  const connection = connections.open();
  // The queue handle through which a 429 pauses every worker of the queue.
  const queue = new Queue(name, { connection, prefix });
  const worker = new Worker<QueuedJobData, JsonValue>(
    name,
    async (job) => {
      try {
        return await options.handler(job.data.data, {
          group: job.data.group,
          key: job.data.key,
          enqueuedAt: job.data.enqueuedAt,
          startedAt: Date.now(),
          attemptsMade: job.attemptsMade,
        });
      } catch (error) {
        if (error instanceof RateLimited) {
          await queue.rateLimit(error.delayMs);
          throw Worker.RateLimitError();
        }
        throw error;
      }
    },
    {
      connection: connections.open(),
      prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDuration ?? 30_000,
      stalledInterval: options.stalledInterval ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 3,
    },
  );
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
      connections.disconnect();
    },
  };
}
