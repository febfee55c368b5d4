/**
 * `overseer bench queue`: the queue executor's scale-out on loopback, bounded. A fake
 * OpenAI-compatible server answers every call after a fixed latency; 1, 2, 4 and 8 `overseer
 * worker` processes play the same number of one-call episodes, once with each worker playing one
 * episode at a time and once with several; each configuration reports episodes per second against
 * the ideal (workers × concurrency / latency), the median and p95 time from enqueue to start and
 * of a job on its worker, and jobs run more than once. Worker processes start once per series (a
 * configuration adds to the previous one's) and play an untimed warm-up round first: a process's
 * start — loading its modules, building the recipe, the first call — is measured apart from its
 * steady throughput. With a cluster-wide quota below the server's limit, throughput plateaus at
 * the quota with (almost) no 429s.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { connectRedis, DEFAULT_PREFIX, EPISODE_QUEUE } from '../executor/queue-connection.ts';
import { queueExecutor } from '../executor/queue-executor.ts';
import type { QueuedJobData } from '../executor/queue-executor.ts';
import { buildEpisodeParts } from '../experiments/episode-recipe.ts';
import type { EpisodeRecipe } from '../experiments/episode-recipe.ts';
import { playEpisodes } from '../experiments/run-episodes.ts';
import { listen } from '../server/http.ts';
import type { RunningServer } from '../server/http.ts';
import { startRedisServer } from '../util/redis-server-fixture.ts';

/** Options of `runQueueBench`. */
export interface QueueBenchOptions {
  /** Worker process counts to measure (default 1, 2, 4, 8). */
  workers?: number[];
  /** Episodes per configuration (default 64). */
  episodes?: number;
  /** Episodes each worker process plays at once: one series of configurations per value (default 1, 4). */
  concurrency?: number[];
  /** The fake server's latency per call (default 50 ms). */
  latencyMs?: number;
  /** The server's limit, requests per second, for the rate-limited configuration (default 20). */
  serverLimitPerSecond?: number;
  /** The workers' shared quota for it, requests per second (default 10). */
  quotaPerSecond?: number;
}

/** One measured configuration. */
export interface QueueBenchPoint {
  workers: number;
  /** Episodes each worker plays at once. */
  concurrency: number;
  /** The cluster-wide quota, requests per second (none: unlimited). */
  quotaPerSecond?: number;
  episodes: number;
  seconds: number;
  episodesPerSecond: number;
  /** Workers × concurrency / latency (or the quota, when lower). */
  idealPerSecond: number;
  /** episodesPerSecond / idealPerSecond. */
  efficiency: number;
  enqueueToStartMs: { median: number; p95: number };
  /** From a job's start on its worker to its end (the episode plus the worker's own work). */
  jobMs: { median: number; p95: number };
  /** The untimed warm-up round before (new processes' start-up, first calls). */
  warmUpSeconds: number;
  /** Jobs started more than once. */
  duplicates: number;
  /** Calls the server refused with 429. */
  refused: number;
  failedEpisodes: number;
}

/** The benchmark's result. */
export interface QueueBenchResult {
  cores: number;
  /** Whether the workers ran the compiled CLI (dist/) or its TypeScript sources through tsx. */
  workerCode: 'compiled' | 'sources';
  latencyMs: number;
  points: QueueBenchPoint[];
}

/** A chat-completions server that answers after `latencyMs`, refusing calls over its limit. */
async function fakeProvider(
  latencyMs: number,
): Promise<RunningServer & { limitPerSecond?: number; refused: number }> {
  const state: { limitPerSecond?: number; refused: number; window: number; count: number } = {
    refused: 0,
    window: 0,
    count: 0,
  };
  const running = await listen((request, response) => {
    request.resume();
    request.on('end', () => {
      const second = Math.floor(Date.now() / 1000);
      if (second !== state.window) Object.assign(state, { window: second, count: 0 });
      state.count += 1;
      if (state.limitPerSecond !== undefined && state.count > state.limitPerSecond) {
        state.refused += 1;
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '200' });
        response.end(JSON.stringify({ error: { message: 'rate limited', type: 'rate_limit' } }));
        return;
      }
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            id: 'bench',
            object: 'chat.completion',
            created: 0,
            model: 'bench',
            choices: [
              { index: 0, message: { role: 'assistant', content: '42' }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
          }),
        );
      }, latencyMs);
    });
  }, 0);
  return Object.defineProperties(running, {
    limitPerSecond: {
      get: () => state.limitPerSecond,
      set: (value: number | undefined) => (state.limitPerSecond = value),
    },
    refused: { get: () => state.refused, set: (value: number) => (state.refused = value) },
  }) as RunningServer & { limitPerSecond?: number; refused: number };
}

/** Starts `overseer worker` processes and waits until each listens. */
async function startWorkers(
  socket: string,
  count: number,
  concurrency: number,
  flags: string[],
): Promise<ChildProcess[]> {
  const bin = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(
        process.execPath,
        [bin, 'worker', '--queue', socket, '--concurrency', String(concurrency), ...flags],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('worker on')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`overseer worker exited with ${code}`)));
      });
      return child;
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One measured configuration's setting: the processes, each one's concurrency, the quota. */
interface Configuration {
  workers: number;
  concurrency: number;
  quotaPerSecond?: number;
}

/**
 * The configurations, grouped into series whose processes are started once: each configuration
 * of a series adds processes to the previous one's (same flags), the quota its own series.
 */
function benchSeries(options: QueueBenchOptions): Configuration[][] {
  const counts = [...(options.workers ?? [1, 2, 4, 8])].sort((a, b) => a - b);
  return [
    ...(options.concurrency ?? [1, 4]).map((concurrency) =>
      counts.map((workers) => ({ workers, concurrency })),
    ),
    [{ workers: 8, concurrency: 1, quotaPerSecond: options.quotaPerSecond ?? 10 }],
  ];
}

/** Runs the benchmark (a minute or two on two cores, most of it starting worker processes). */
export async function runQueueBench(options: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const latencyMs = options.latencyMs ?? 50;
  const episodes = options.episodes ?? 64;
  const redis = await startRedisServer(import.meta.url);
  const provider = await fakeProvider(latencyMs);
  const recipe: EpisodeRecipe = {
    task: { name: 'addition', options: {} },
    scaffold: { name: 'snap', options: {} },
    policy: {
      kind: 'registry',
      reference: {
        name: 'openai:bench',
        options: { baseURL: `${provider.url}/v1`, apiKey: 'bench', maxRetries: 0 },
      },
    },
  };
  const parts = await buildEpisodeParts(recipe);
  const executor = await queueExecutor({ target: redis.socket });
  const connection = connectRedis(redis.socket);
  const queue = new Queue<QueuedJobData>(EPISODE_QUEUE, { connection, prefix: DEFAULT_PREFIX });
  const points: QueueBenchPoint[] = [];
  let round = 0;
  // Plays `count` episodes under fresh ids (an id already on the queue would not run again).
  const play = async (count: number) => {
    round += 1;
    const problems = parts.family.generate({ seed: round, count, split: 'test' });
    const ids = problems.map((_, position) => `r${round}/e${position}`);
    const started = performance.now();
    const played = await playEpisodes({ ...parts, problems, ids, seed: round, executor, recipe });
    return { played, seconds: (performance.now() - started) / 1000, prefix: `r${round}/` };
  };
  try {
    for (const series of benchSeries(options)) {
      const children: ChildProcess[] = [];
      try {
        for (const { workers, concurrency, quotaPerSecond } of series) {
          provider.limitPerSecond =
            quotaPerSecond === undefined ? undefined : (options.serverLimitPerSecond ?? 20);
          const flags =
            quotaPerSecond === undefined
              ? []
              : ['--requests-per-minute', String(quotaPerSecond * 60), '--quota-window', '1'];
          const added = workers - children.length;
          children.push(...(await startWorkers(redis.socket, added, concurrency, flags)));
          // Two rounds' worth of jobs, so every process (each takes at most `concurrency` at a
          // time) plays some of them and is warm before the timing starts.
          const warmUp = await play(2 * workers * concurrency);
          provider.refused = 0;
          const { played, seconds, prefix } = await play(episodes);
          const mine = (await queue.getJobs(['completed'])).filter((job) =>
            job.data.key.startsWith(prefix),
          );
          const waits = mine.map((job) => (job.processedOn ?? job.timestamp) - job.timestamp);
          const runs = mine.map((job) => (job.finishedOn ?? 0) - (job.processedOn ?? 0));
          const ideal = Math.min(
            (workers * concurrency) / (latencyMs / 1000),
            quotaPerSecond ?? Number.POSITIVE_INFINITY,
          );
          points.push({
            workers,
            concurrency,
            ...(quotaPerSecond === undefined ? {} : { quotaPerSecond }),
            episodes,
            seconds: Number(seconds.toFixed(3)),
            episodesPerSecond: Number((episodes / seconds).toFixed(2)),
            idealPerSecond: Number(ideal.toFixed(2)),
            efficiency: Number((episodes / seconds / ideal).toFixed(3)),
            enqueueToStartMs: { median: quantile(waits, 0.5), p95: quantile(waits, 0.95) },
            jobMs: { median: quantile(runs, 0.5), p95: quantile(runs, 0.95) },
            warmUpSeconds: Number(warmUp.seconds.toFixed(3)),
            duplicates: mine.filter((job) => job.attemptsStarted > 1).length,
            refused: provider.refused,
            failedEpisodes: played.filter((entry) => entry.episode.status === 'failed').length,
          });
        }
      } finally {
        await stopWorkers(children);
      }
    }
  } finally {
    await queue.close();
    connection.disconnect();
    await executor.close();
    await provider.close();
    await redis.stop();
  }
  const { availableParallelism } = await import('node:os');
  // The workers run the same bin as this process: compiled when it runs from dist/.
  const workerCode = import.meta.url.includes('/dist/') ? 'compiled' : 'sources';
  return { cores: availableParallelism(), workerCode, latencyMs, points };
}
