import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutRedis, startRedisServer } from './redis-server-fixture.ts';
import type { RedisServerFixture } from './redis-server-fixture.ts';

describe.skipIf(skipWithoutRedis())('redis-server fixture', () => {
  let redis: RedisServerFixture;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('answers on its socket, with a key prefix named for the test file', async () => {
    const client = redis.client();
    await client.set(`${redis.prefix}:key`, 'value');
    expect(await client.get(`${redis.prefix}:key`)).toBe('value');
    expect(redis.prefix).toBe('test-redis-server-fixture-test-ts');
    expect(redis.socket.endsWith('redis.sock')).toBe(true);
  });
});
