import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueExecutor } from '../executor/queue-executor.ts';
import type { Policy } from '../spec/index.ts';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
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
});
