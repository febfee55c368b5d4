/**
 * The queue executor: each job goes onto a BullMQ queue in Redis, with its key as the job id
 * (adding a job id twice is a no-op, so a resumed or repeated run never enqueues an episode twice),
 * and its result comes back through the queue's events. BullMQ runs a job at least once (a killed
 * worker's job is re-run once its lock lapses); the caller records each result once, so records
 * are effectively-once. A job without `data` cannot leave this process and runs here. The jobs
 * asked for in one turn of the event loop (a round's episodes) go to Redis as one `addBulk`, and
 * every result arrives through one `QueueEvents` stream (no polling).
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Job, JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { OverseerError } from '../errors.ts';
import type { JsonObject } from '../spec/index.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import type { Executor, ExecutorJob } from './executor.ts';
import { DEFAULT_PREFIX, redisConnections, EPISODE_QUEUE, jobId } from './queue-connection.ts';
import type { QueueLocation } from './queue-connection.ts';

/** What a queued job carries: its group and key (for status and records) and the work's data. */
export interface QueuedJobData {
  group: string;
  key: string;
  data: JsonObject;
  /** When the job was enqueued (ms since the epoch), for enqueue-to-start latency. */
  enqueuedAt: number;
}

/** Options of `queueExecutor`. */
export interface QueueExecutorOptions extends QueueLocation {
  /** Attempts of a job whose handler throws (default 3); an episode's own failure is a result. */
  attempts?: number;
  /** Jobs that must run here (no `data`) in flight at once (default 64). */
  localConcurrency?: number;
  /**
   * The queue of each job from its data (e.g. one per policy: `episodeQueueOf`); default: every
   * job on `queue`.
   */
  queueOf?: (data: JsonObject) => string;
}

/** One queue the executor adds to, with the events its results come back through. */
interface OpenQueue {
  queue: Queue<QueuedJobData>;
  events: QueueEvents;
  add: (data: QueuedJobData, options: JobsOptions) => Promise<Job<QueuedJobData>>;
}

/** An executor that runs jobs on `overseer worker` processes through a BullMQ queue. */
export async function queueExecutor(options: QueueExecutorOptions): Promise<Executor> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const connections = redisConnections(options.target);
  const opened = new Map<string, Promise<OpenQueue>>();
  const open = (name: string): Promise<OpenQueue> => {
    let entry = opened.get(name);
    if (entry === undefined) {
      entry = openQueue(name, prefix, connections.open(), connections.open());
      opened.set(name, entry);
    }
    return entry;
  };
  const close = async () => {
    const queues = await Promise.allSettled(opened.values());
    await Promise.allSettled(
      queues.flatMap((entry) =>
        entry.status === 'fulfilled' ? [entry.value.events.close(), entry.value.queue.close()] : [],
      ),
    );
    connections.disconnect();
  };
  const name = options.queue ?? EPISODE_QUEUE;
  try {
    await open(name);
  } catch (error) {
    await close();
    throw new OverseerError('queue.unreachable', `cannot reach Redis at ${options.target}.`, {
      cause: error,
      hint: 'start redis-server there, or check the --queue URL or socket path',
    });
  }
  const local = concurrencyLimit(options.localConcurrency ?? 64);
  return {
    kind: 'queue',
    async execute<Result>(job: ExecutorJob<Result>): Promise<Result> {
      if (job.data === undefined) return local(() => job.local());
      const { queue, events, add } = await open(options.queueOf?.(job.data) ?? name);
      const added = await add(
        { group: job.group, key: job.key, data: job.data, enqueuedAt: Date.now() },
        {
          jobId: jobId(job.group, job.key),
          attempts: options.attempts ?? 3,
          backoff: { type: 'exponential', delay: 1000 },
        },
      );
      // A failed attempt that will be retried is not the end: wait on until the job settles.
      for (;;) {
        try {
          return (await added.waitUntilFinished(events)) as Result;
        } catch (error) {
          const state = await queue.getJobState(added.id!);
          if (state === 'failed' || state === 'unknown') throw error;
        }
      }
    },
    close,
  };
}

/** Opens the queue `name` and its events, ready (rejects when Redis cannot be reached). */
async function openQueue(
  name: string,
  prefix: string,
  connection: Redis,
  eventsConnection: Redis,
): Promise<OpenQueue> {
  const queue = new Queue<QueuedJobData>(name, { connection, prefix });
  const events = new QueueEvents(name, { connection: eventsConnection, prefix });
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  } catch (error) {
    await Promise.allSettled([queue.close(), events.close()]);
    throw error;
  }
  // Every job awaited holds one 'closing' listener on the queue (BullMQ's waitUntilFinished):
  // thousands in flight are expected, not a leak.
  queue.setMaxListeners(0);
  return { queue, events, add: bulkAdder(queue) };
}

/** Most jobs in one `addBulk` (one MULTI in Redis). */
const MAXIMUM_BULK = 1000;

/**
 * Adds jobs to `queue`, those asked for in the same turn of the event loop together through
 * `addBulk`: one round trip and one MULTI for a round's episodes instead of one per episode.
 */
function bulkAdder(
  queue: Queue<QueuedJobData>,
): (data: QueuedJobData, options: JobsOptions) => Promise<Job<QueuedJobData>> {
  let pending: Array<{
    job: { name: string; data: QueuedJobData; opts: JobsOptions };
    resolve(job: Job<QueuedJobData>): void;
    reject(error: unknown): void;
  }> = [];
  const flush = (): void => {
    const taken = pending;
    pending = [];
    for (let start = 0; start < taken.length; start += MAXIMUM_BULK) {
      const batch = taken.slice(start, start + MAXIMUM_BULK);
      queue.addBulk(batch.map((entry) => entry.job)).then(
        (jobs) => batch.forEach((entry, index) => entry.resolve(jobs[index])),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      );
    }
  };
  return (data, options) =>
    new Promise((resolve, reject) => {
      // setImmediate runs after every pending promise continuation: all jobs asked for in this
      // turn join the batch.
      if (pending.length === 0) setImmediate(flush);
      pending.push({ job: { name: 'episode', data, opts: options }, resolve, reject });
    });
}
