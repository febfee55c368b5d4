/**
 * An `overseer worker`: plays the episode jobs of the queue with the parts each job's recipe
 * names, every policy drawing on the cluster-wide quota (requests and tokens per minute, shared
 * through the same Redis), and a provider's 429 pausing the whole queue without spending the
 * job's attempt.
 */
import { connectRedis, DEFAULT_PREFIX } from '../executor/queue-connection.ts';
import type { QueueLocation } from '../executor/queue-connection.ts';
import { RateLimited, startQueueWorker } from '../executor/queue-worker.ts';
import type { QueueWorker, QueueWorkerOptions } from '../executor/queue-worker.ts';
import { isRateLimited, sharedRateLimit } from '../policies/shared-rate-limit.ts';
import type { Policy } from '../spec/index.ts';
import { episodeJobHandler } from './episode-job.ts';

/** Options of `startEpisodeWorker`. */
export interface EpisodeWorkerOptions
  extends
    QueueLocation,
    Pick<QueueWorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval'> {
  /** Requests per minute per policy across the cluster (none: unlimited). */
  requestsPerMinute?: number;
  /** Tokens per minute per policy across the cluster (none: unlimited). */
  tokensPerMinute?: number;
  /** The window the quotas are counted over, in seconds (default 60). */
  quotaWindowSeconds?: number;
  /** How long a provider's 429 pauses the queue (default 1 s). */
  rateLimitPauseMs?: number;
  /** Wraps each policy inside the quota (tests slow it down). */
  wrapPolicy?: (policy: Policy) => Policy;
}

/** Starts a worker of the episode queue. */
export async function startEpisodeWorker(options: EpisodeWorkerOptions): Promise<QueueWorker> {
  const redis = connectRedis(options.target);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const worker = await startQueueWorker({
    ...options,
    handler: episodeJobHandler({
      wrapPolicy: (policy) =>
        sharedRateLimit(options.wrapPolicy?.(policy) ?? policy, {
          redis,
          // One quota per provider/model, whichever run asks.
          key: `${prefix}:quota:${policy.reference.name}`,
          ...(options.requestsPerMinute === undefined
            ? {}
            : { requestsPerMinute: options.requestsPerMinute }),
          ...(options.tokensPerMinute === undefined
            ? {}
            : { tokensPerMinute: options.tokensPerMinute }),
          ...(options.quotaWindowSeconds === undefined
            ? {}
            : { windowSeconds: options.quotaWindowSeconds }),
        }),
      inspect(played) {
        if (played.episode.status === 'failed' && isRateLimited(played.episode.error)) {
          throw new RateLimited(options.rateLimitPauseMs ?? 1000);
        }
      },
    }),
  });
  return {
    worker: worker.worker,
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}
