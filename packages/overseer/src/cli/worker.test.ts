import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEpisodeWorker } from '../experiments/episode-worker.ts';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
import { runCli } from './run-cli-fixture.ts';

describe.skipIf(skipWithoutRedis())('overseer eval --queue, worker and queue status', () => {
  let redis: RedisServerFixture;
  let directory: string;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
    directory = await mkdtemp(path.join(tmpdir(), 'overseer-worker-cli-'));
  });
  afterAll(async () => {
    await redis.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('evaluates on a worker what it evaluates here, and the queue counts the run’s jobs', async () => {
    const flags = [
      'eval',
      '--task',
      'addition',
      '--scaffold',
      'chain-of-thought',
      '--policy',
      'uniform',
    ];
    const common = [...flags, '--n', '30', '--overseer', 'program', '--json'];
    const here = await runCli(common);
    expect(here.code).toBe(0);
    // The CLI uses the default key prefix: this file has its own redis-server.
    const worker = await startEpisodeWorker({ target: redis.socket, concurrency: 8 });
    try {
      const queued = await runCli([...common, '--queue', redis.socket, '--store', directory]);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      const { durationMs: _a, ...expected } = JSON.parse(here.stdout) as Record<string, unknown>;
      const {
        durationMs: _b,
        runId,
        ...got
      } = JSON.parse(queued.stdout) as Record<string, unknown>;
      expect(got).toEqual(expected);
      const status = await runCli(['queue', 'status', '--queue', redis.socket, '--json']);
      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.stdout) as {
        runs: Array<{ runId: string; completed: number; failed: number }>;
      };
      expect(parsed.runs).toEqual([
        { runId, waiting: 0, active: 0, delayed: 0, completed: 30, failed: 0 },
      ]);
      const table = await runCli(['queue', 'status', '--queue', redis.socket]);
      expect(table.stdout).toContain(`${String(runId)}`);
    } finally {
      await worker.close();
    }
  }, 120_000);

  it('shows the queue of one policy with --policy-queue', async () => {
    const flags = ['--policy-queue', 'openai:gpt-4o-mini', '--json'];
    const status = await runCli(['queue', 'status', '--queue', redis.socket, ...flags]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      queue: 'episodes-openai%3Agpt-4o-mini',
      runs: [],
    });
  });

  it('says what to give when --queue is neither a URL nor a socket path', async () => {
    const result = await runCli(['queue', 'status', '--queue', 'localhost']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('redis://HOST:6379');
  });
});
