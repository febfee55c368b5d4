import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyQueueName } from '../executor/queue-connection.ts';
import { queueExecutor } from '../executor/queue-executor.ts';
import type { Policy } from '../spec/index.ts';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
import { episodeQueueOf } from './episode-job.ts';
import { buildEpisodeParts } from './episode-recipe.ts';
import type { EpisodeRecipe } from './episode-recipe.ts';
import { startEpisodeWorker } from './episode-worker.ts';
import { playEpisodes } from './run-episodes.ts';

const recipe: EpisodeRecipe = {
  task: { name: 'addition', options: {} },
  scaffold: { name: 'snap', options: {} },
  policy: { kind: 'registry', reference: { name: 'oracle', options: {} } },
};

/** A provider that answers its first `refusals` calls with HTTP 429, as the SDKs raise it. */
function refusing(policy: Policy, refusals: number): Policy & { calls: number } {
  let calls = 0;
  return {
    reference: policy.reference,
    get calls() {
      return calls;
    },
    async generate(requests) {
      calls += 1;
      if (calls <= refusals) {
        throw Object.assign(new Error('429 Too Many Requests'), { status: 429 });
      }
      return policy.generate(requests);
    },
  };
}

describe.skipIf(skipWithoutRedis())('an episode worker', () => {
  let redis: RedisServerFixture;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('turns a provider’s 429 into a pause of the queue, spending no attempt', async () => {
    const prefix = `${redis.prefix}-429`;
    let provider: (Policy & { calls: number }) | undefined;
    const worker = await startEpisodeWorker({
      target: redis.socket,
      prefix,
      rateLimitPauseMs: 100,
      wrapPolicy: (policy) => (provider ??= refusing(policy, 2)),
    });
    // One attempt per job: a 429 that spent it would fail the episode.
    const executor = await queueExecutor({ target: redis.socket, prefix, attempts: 1 });
    try {
      const parts = await buildEpisodeParts(recipe);
      const problems = parts.family.generate({ seed: 1, count: 1, split: 'test' });
      const [played] = await playEpisodes({
        ...parts,
        problems,
        ids: ['e0'],
        seed: 1,
        executor,
        recipe,
      });
      expect(played.episode.error).toBeUndefined();
      expect(played.episode.status).toBe('finished');
      expect(played.outcome?.kind === 'grade' && played.outcome.correct).toBe(true);
      expect(provider?.calls).toBe(3);
    } finally {
      await executor.close();
      await worker.close();
    }
  }, 60_000);

  it('keeps each policy’s episodes on its own queue, played by that queue’s workers', async () => {
    const prefix = `${redis.prefix}-per-policy`;
    const names = ['oracle', 'uniform'];
    const seen = new Map<string, Set<string>>(names.map((name) => [name, new Set<string>()]));
    const workers = await Promise.all(
      names.map((name) =>
        startEpisodeWorker({
          target: redis.socket,
          prefix,
          queue: policyQueueName(name),
          wrapPolicy: (policy) => {
            seen.get(name)!.add(policy.reference.name);
            return policy;
          },
        }),
      ),
    );
    const executor = await queueExecutor({ target: redis.socket, prefix, queueOf: episodeQueueOf });
    const queues = names.map(
      (name) => new Queue(policyQueueName(name), { connection: redis.client(), prefix }),
    );
    try {
      for (const name of names) {
        const mine: EpisodeRecipe = {
          ...recipe,
          policy: { kind: 'registry', reference: { name, options: {} } },
        };
        const parts = await buildEpisodeParts(mine);
        const problems = parts.family.generate({ seed: 2, count: 4, split: 'test' });
        const played = await playEpisodes({
          ...parts,
          problems,
          ids: problems.map((_, index) => `${name}-${index}`),
          seed: 2,
          executor,
          recipe: mine,
        });
        expect(played.map((entry) => entry.episode.status)).toEqual(Array(4).fill('finished'));
        expect(played.map((entry) => entry.episode.policy.name)).toEqual(Array(4).fill(name));
      }
      expect(policyQueueName('openai:gpt-4o-mini')).toBe('episodes-openai%3Agpt-4o-mini');
      // Each worker built only its own queue's policy, and each queue ran its four episodes.
      expect(seen).toEqual(new Map(names.map((name) => [name, new Set([name])])));
      for (const queue of queues) {
        expect(await queue.getJobCounts('completed', 'waiting', 'failed')).toEqual({
          completed: 4,
          waiting: 0,
          failed: 0,
        });
      }
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
      await executor.close();
      await Promise.all(workers.map((worker) => worker.close()));
    }
  }, 60_000);
});
