import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
import { EPISODE_QUEUE, jobId } from './queue-connection.ts';
import { queueExecutor } from './queue-executor.ts';
import { RateLimited, startQueueWorker } from './queue-worker.ts';

describe.skipIf(skipWithoutRedis())('the queue executor', () => {
  let redis: RedisServerFixture;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('runs a job id once: adding it again answers with the first result', async () => {
    const prefix = `${redis.prefix}-once`;
    let calls = 0;
    const worker = await startQueueWorker({
      target: redis.socket,
      prefix,
      handler: async (data) => {
        calls += 1;
        return { echo: data.text ?? null, call: calls };
      },
    });
    const executor = await queueExecutor({ target: redis.socket, prefix });
    const queue = new Queue(EPISODE_QUEUE, { connection: redis.client(), prefix });
    try {
      const job = {
        key: 'run/e:0',
        group: 'run',
        data: { text: 'hello' },
        local: async () => ({ echo: 'here', call: 0 }),
      };
      const first = await executor.execute(job);
      const again = await executor.execute({ ...job, data: { text: 'changed' } });
      expect(first).toEqual({ echo: 'hello', call: 1 });
      expect(again).toEqual(first);
      expect(calls).toBe(1);
      expect(await queue.getJobCounts('completed', 'waiting', 'active')).toEqual({
        completed: 1,
        waiting: 0,
        active: 0,
      });
      // `:` is BullMQ's separator: the id escapes it.
      expect((await queue.getJob(jobId('run', 'run/e:0')))?.data.key).toBe('run/e:0');
      // A job without data cannot leave this process, and runs here.
      expect(await executor.execute({ ...job, key: 'local', data: undefined })).toEqual({
        echo: 'here',
        call: 0,
      });
    } finally {
      await queue.close();
      await executor.close();
      await worker.close();
    }
  }, 60_000);

  it('pauses the queue on a 429 without spending the job’s attempt', async () => {
    const prefix = `${redis.prefix}-429`;
    let calls = 0;
    const queue = new Queue(EPISODE_QUEUE, { connection: redis.client(), prefix });
    const worker = await startQueueWorker({
      target: redis.socket,
      prefix,
      handler: async () => {
        calls += 1;
        if (calls <= 2) throw new RateLimited(300);
        return 'answered';
      },
    });
    // One attempt only: a 429 that spent it would fail the job.
    const executor = await queueExecutor({ target: redis.socket, prefix, attempts: 1 });
    // Watch the queue's rate-limit key: a 429 sets it, pausing every worker of the queue.
    let longestPause = 0;
    const watching = setInterval(() => {
      void queue.getRateLimitTtl().then((ttl) => (longestPause = Math.max(longestPause, ttl)));
    }, 10);
    try {
      const result = await executor.execute({
        key: 'k',
        group: 'run',
        data: {},
        local: async () => 'here',
      });
      expect(result).toBe('answered');
      expect(calls).toBe(3);
      expect(longestPause).toBeGreaterThan(0);
      const job = await queue.getJob(jobId('run', 'k'));
      expect(job?.attemptsMade).toBe(1);
      expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    } finally {
      clearInterval(watching);
      await executor.close();
      await worker.close();
      await queue.close();
    }
  }, 60_000);
});
