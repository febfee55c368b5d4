import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExecutor } from '../executor/local-executor.ts';
import { queueExecutor } from '../executor/queue-executor.ts';
import type { Executor } from '../executor/executor.ts';
import { startQueueWorker } from '../executor/queue-worker.ts';
import { RunStore } from '../store/index.ts';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
import { episodeJobHandler } from './episode-job.ts';
import { buildEpisodeParts } from './episode-recipe.ts';
import type { EpisodeRecipe } from './episode-recipe.ts';
import { playEpisodes } from './run-episodes.ts';

const recipe: EpisodeRecipe = {
  task: { name: 'addition', options: {} },
  scaffold: { name: 'decompose', options: {} },
  policy: { kind: 'registry', reference: { name: 'uniform', options: { seed: 3 } } },
  overseer: { kind: 'registry', reference: { name: 'program', options: {} } },
};

/** What a run's store holds of its episodes, without times. */
function contents(store: RunStore, runId: string): unknown[] {
  return [...store.episodeRecords(runId)]
    .map((record) => ({
      id: record.episode.id,
      status: record.episode.status,
      answer: record.episode.answer,
      steps: record.episode.steps.map((step) => [
        step.id,
        step.parentId,
        step.kind,
        step.input,
        step.output,
      ]),
      outcome: record.outcome,
      judgments: record.judgments.map((entry) => [entry.stepId, entry.judgment.rating]),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Plays `count` episodes of the recipe through `executor`, recorded as a new run. */
async function playRun(store: RunStore, executor: Executor, count: number, seed = 11) {
  const parts = await buildEpisodeParts(recipe);
  const problems = parts.family.generate({ seed, count, split: 'test' });
  const runId = store.createRun({ command: 'test' });
  const played = await playEpisodes({
    ...parts,
    problems,
    ids: problems.map((_, index) => `e${index}`),
    seed,
    executor,
    recipe,
    recorder: { store, runId, completed: new Set() },
  });
  return { runId, played };
}

describe.skipIf(skipWithoutRedis())('episodes on the queue', () => {
  let redis: RedisServerFixture;
  let directory: string;
  let store: RunStore;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
    directory = await mkdtemp(path.join(tmpdir(), 'overseer-queue-store-'));
    store = RunStore.open(directory);
  });
  afterAll(async () => {
    store.close();
    await redis.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('records the same 200 episodes as the local path', async () => {
    const local = await playRun(store, localExecutor(), 200);
    const prefix = `${redis.prefix}-same`;
    const worker = await startQueueWorker({
      target: redis.socket,
      prefix,
      concurrency: 16,
      handler: episodeJobHandler(),
    });
    const executor = await queueExecutor({ target: redis.socket, prefix });
    try {
      const queued = await playRun(store, executor, 200);
      const expected = contents(store, local.runId);
      expect(expected).toHaveLength(200);
      expect(contents(store, queued.runId)).toEqual(expected);
      // Not all alike: the uniform policy's answers differ, and the overseer judged steps.
      expect(new Set(local.played.map((entry) => entry.episode.answer)).size).toBeGreaterThan(10);
      expect(local.played.every((entry) => entry.judgments.length > 0)).toBe(true);
    } finally {
      await executor.close();
      await worker.close();
    }
  }, 120_000);

  it('records every episode exactly once when a worker is killed mid-job', async () => {
    const prefix = `${redis.prefix}-kill`;
    const fixture = fileURLToPath(new URL('./episode-worker-fixture.ts', import.meta.url));
    const startWorker = async (): Promise<ChildProcess> => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fixture, redis.socket, prefix, '200'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
      return child;
    };
    const events = new QueueEvents('episodes', { connection: redis.client(), prefix });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const first = await startWorker();
    const killed = new Promise<void>((resolve) => {
      events.once('active', () => {
        first.kill('SIGKILL');
        resolve();
      });
    });
    const executor = await queueExecutor({ target: redis.socket, prefix });
    let second: ChildProcess | undefined;
    try {
      const running = playRun(store, executor, 12, 5);
      await killed;
      second = await startWorker();
      const { runId, played } = await running;
      const ids = store.episodes(runId).map((summary) => summary.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect(played.every((entry) => entry.episode.status === 'finished')).toBe(true);
      // The killed worker's jobs were found stalled and run again.
      expect(stalled.length).toBeGreaterThan(0);
    } finally {
      await executor.close();
      await events.close();
      second?.kill('SIGTERM');
      first.kill('SIGKILL');
    }
  }, 120_000);
});
