import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../store/index.ts';
import { skipWithoutRedis, startRedisServer } from '../util/redis-server-fixture.ts';
import type { RedisServerFixture } from '../util/redis-server-fixture.ts';
import { startEpisodeWorker } from './episode-worker.ts';
import { runExperiments } from './run.ts';

const TINY = `name: tiny
task: { name: permutation-powering, options: { size: 4, maxBits: 2 }, difficulty: [1, 2] }
model: { layers: 1, width: 16, heads: 2, contextLength: 16 }
scaffold: { name: decompose, options: { maxDepth: 2 } }
overseer: { name: program }
trainer: { name: imitation, options: { batchSize: 4 } }
stepsPerRound: 2
rounds: 2
evaluation: { size: 4, scaffold: { name: snap }, split: train }
metrics: [accuracy, expertCalls]
arms:
  - name: ida-imitation
`;

/** Every episode of the store's only run, without times. */
function contents(directory: string): unknown[] {
  const store = RunStore.open(directory, { readOnly: true });
  try {
    const [run] = store.listRuns();
    return [...store.episodeRecords(run.id)]
      .map((record) => ({
        id: record.episode.id,
        phase: record.phase,
        policy: record.episode.policy,
        answer: record.episode.answer,
        error: record.episode.error?.message,
        steps: record.episode.steps.map((step) => [step.kind, step.input, step.output]),
        outcome: record.outcome,
        judgments: record.judgments.map((entry) => [entry.stepId, entry.judgment.rating]),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    store.close();
  }
}

describe.skipIf(skipWithoutRedis())('overseer run --queue', () => {
  let redis: RedisServerFixture;
  let root: string;
  beforeAll(async () => {
    redis = await startRedisServer(import.meta.url);
    root = await mkdtemp(join(tmpdir(), 'overseer-run-queue-'));
    await writeFile(join(root, 'tiny.yaml'), TINY);
  });
  afterAll(async () => {
    await redis.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('records the episodes a local run records, played from checkpoints by a worker', async () => {
    const run = (name: string, queue?: string) =>
      runExperiments({
        file: join(root, 'tiny.yaml'),
        out: join(root, name, 'out'),
        store: join(root, name, 'store'),
        progress: 'quiet',
        ...(queue === undefined ? {} : { queue }),
      });
    await run('local');
    const worker = await startEpisodeWorker({ target: redis.socket, concurrency: 4 });
    let jobs = 0;
    worker.worker.on('completed', () => (jobs += 1));
    try {
      await run('queued', redis.socket);
    } finally {
      await worker.close();
    }
    const expected = contents(join(root, 'local', 'store'));
    expect(expected.length).toBeGreaterThan(10);
    expect(contents(join(root, 'queued', 'store'))).toEqual(expected);
    // Amplification and the evaluations of saved checkpoints went through the queue.
    expect(jobs).toBeGreaterThan(0);
  }, 240_000);
});
