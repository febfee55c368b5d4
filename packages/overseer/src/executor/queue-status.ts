/**
 * What the episode queue holds, per run: jobs waiting, running, completed and failed (and delayed:
 * waiting out a retry's backoff). `overseer queue status` prints it.
 */
import { Queue } from 'bullmq';
import { connectRedis, DEFAULT_PREFIX, EPISODE_QUEUE } from './queue-connection.ts';
import type { QueueLocation } from './queue-connection.ts';
import type { QueuedJobData } from './queue-executor.ts';

/** The states a job is counted in. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/** Jobs of one run by state. */
export type JobCounts = Record<(typeof JOB_STATES)[number], number>;

/** The queue's jobs: in all and per run (a job's group). */
export interface QueueStatus {
  queue: string;
  /** Whether a rate limit has paused the queue, and for how long still (ms; 0: not paused). */
  rateLimitedMs: number;
  total: JobCounts;
  runs: Array<{ runId: string } & JobCounts>;
}

/** Counts the queue's jobs per run. */
export async function queueStatus(location: QueueLocation): Promise<QueueStatus> {
  const name = location.queue ?? EPISODE_QUEUE;
  const connection = connectRedis(location.target);
  const queue = new Queue<QueuedJobData>(name, {
    connection,
    prefix: location.prefix ?? DEFAULT_PREFIX,
  });
  try {
    const empty = (): JobCounts => ({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    const total = empty();
    const runs = new Map<string, JobCounts>();
    for (const state of JOB_STATES) {
      for (const job of await queue.getJobs([state])) {
        // A job may move on while being listed (it is then counted where it was seen).
        if (job === undefined || job === null) continue;
        const group = job.data.group;
        const counts = runs.get(group) ?? empty();
        counts[state] += 1;
        total[state] += 1;
        runs.set(group, counts);
      }
    }
    return {
      queue: name,
      rateLimitedMs: Math.max(0, await queue.getRateLimitTtl()),
      total,
      runs: [...runs].map(([runId, counts]) => ({ runId, ...counts })),
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
