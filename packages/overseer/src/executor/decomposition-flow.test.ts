import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
import { decompositionFlow } from './decomposition-flow.ts';
import type { DecompositionSteps } from './decomposition-flow.ts';

/** Sums of number lists (`1,2,3`), split in halves down to single numbers. */
function summing(): DecompositionSteps & { leaves: string[] } {
  const leaves: string[] = [];
  return {
    leaves,
    split: async (question) => {
      const numbers = question.split(',');
      if (numbers.length === 1) return [];
      const half = numbers.length / 2;
      return [numbers.slice(0, half).join(','), numbers.slice(half).join(',')];
    },
    answer: async (question) => {
      leaves.push(question);
      return question;
    },
    combine: async (_question, answers) =>
      String(answers.reduce((sum, answer) => sum + Number(answer), 0)),
  };
}

describe.skipIf(skipWithoutRedis())('a decomposition tree as a BullMQ flow', () => {
  let redis: RedisServerFixture;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('grows a depth-3 tree at run time and folds it with the children’s values', async () => {
    const steps = summing();
    const flow = await decompositionFlow({
      target: redis.socket,
      prefix: `${redis.prefix}-sum`,
      steps,
    });
    try {
      expect(await flow.solve('1,2,3,4,5,6,7,8')).toBe('36');
      expect(flow.deepest).toBe(3);
      expect([...steps.leaves].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    } finally {
      await flow.close();
    }
  }, 60_000);

  it('asks a repeated sub-question once, and a solved question not again', async () => {
    const steps = summing();
    const flow = await decompositionFlow({
      target: redis.socket,
      prefix: `${redis.prefix}-memo`,
      steps,
    });
    try {
      expect(await flow.solve('1,2,1,2,1,2,1,2')).toBe('12');
      // Root, one "1,2,1,2", one "1,2", and the leaves "1" and "2": identical siblings are one
      // job; the three nodes that split run twice (split, then combine).
      expect(flow.runs).toBe(3 * 2 + 2);
      expect([...steps.leaves].sort()).toEqual(['1', '2']);
      const before = flow.runs;
      expect(await flow.solve('1,2,1,2,1,2,1,2')).toBe('12');
      expect(await flow.solve('1,2,1,2')).toBe('6');
      expect(flow.runs).toBe(before);
    } finally {
      await flow.close();
    }
  }, 60_000);
});
