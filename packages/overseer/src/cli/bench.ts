/**
 * `overseer bench`: performance measurements. Each benchmark is a sub-verb (`overseer bench
 * train`, …); a plain `overseer bench` lists them. To add one, append a `BenchSubVerb` to
 * `benchSubVerbs`.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { sampleBenchSizes, trainBenchSizes } from '../bench/sizes.ts';
import {
  KernelsName,
  integerArgument,
  kernelsOption,
  listArgument,
  verbOptions,
  wholeNumberListArgument,
} from './arguments.ts';
import type { Verb } from './verbs.ts';

/** A benchmark under `overseer bench`: adds its sub-command to the `bench` command. */
export interface BenchSubVerb {
  register(bench: Command): void;
}

/** The flags of `overseer bench train`, as commander gives them. */
const BenchTrainFlags = z.object({
  json: z.boolean().optional(),
  sizes: z.string(),
  steps: z.number().optional(),
  warmup: z.number(),
  threads: z.number(),
  kernels: KernelsName,
  torch: z.boolean(),
  python: z.string(),
});

const trainBench: BenchSubVerb = {
  register(bench) {
    bench
      .command('train')
      .description(
        'train the embedded GPT on random tokens and compare tokens/s with PyTorch on the same model',
      )
      .option('--json', 'print one JSON line instead of a table')
      .option(
        '--sizes <list>',
        `comma-separated sizes (${trainBenchSizes.map((s) => s.name).join(', ')})`,
        'S,M',
      )
      .option('--steps <n>', 'timed steps per size (default: per size)', integerArgument(1))
      .option('--warmup <n>', 'untimed warm-up steps', integerArgument(0), 3)
      .option('--threads <n>', 'CPU threads of the native kernels', integerArgument(1), 2)
      // A benchmark measures the native kernels unless told otherwise.
      .addOption(kernelsOption('native'))
      .option('--no-torch', 'skip the PyTorch peer')
      .option('--python <path>', 'Python interpreter that has torch', '/usr/bin/python3')
      .action(async (given: unknown) => {
        const options = verbOptions(BenchTrainFlags, given);
        const { formatTrainBench, runTrainBench } = await import('../bench/train-bench.ts');
        const result = await runTrainBench(
          {
            sizes: listArgument(options.sizes),
            steps: options.steps,
            warmup: options.warmup,
            threads: options.threads,
            kernels: options.kernels,
            torch: options.torch,
            python: options.python,
          },
          options.json ? undefined : (line) => process.stderr.write(`${line}\n`),
        );
        process.stdout.write(
          options.json ? `${JSON.stringify(result)}\n` : `${formatTrainBench(result)}\n`,
        );
      });
  },
};

/** The flags of `overseer bench sample`, as commander gives them. */
const BenchSampleFlags = z.object({
  json: z.boolean().optional(),
  sizes: z.string(),
  repeats: z.number().optional(),
  warmup: z.number(),
  threads: z.number(),
  kernels: KernelsName,
  kvCache: z.boolean(),
  torch: z.boolean(),
  python: z.string(),
});

const sampleBench: BenchSubVerb = {
  register(bench) {
    bench
      .command('sample')
      .description(
        'sample 64 completions at a time from the embedded GPT and compare generated tokens/s with PyTorch (KV cache) on the same model size',
      )
      .option('--json', 'print one JSON line instead of a table')
      .option(
        '--sizes <list>',
        `comma-separated sizes (${sampleBenchSizes.map((s) => s.name).join(', ')})`,
        'S,M',
      )
      .option(
        '--repeats <n>',
        'timed sample calls per size (default: per size)',
        integerArgument(1),
      )
      .option('--warmup <n>', 'untimed sample calls', integerArgument(0), 1)
      .option('--threads <n>', 'CPU threads of the native kernels', integerArgument(1), 2)
      .addOption(kernelsOption('native'))
      .option(
        '--no-kv-cache',
        'recompute the whole sequence per token (the speed before the cache)',
      )
      .option('--no-torch', 'skip the PyTorch peer')
      .option('--python <path>', 'Python interpreter that has torch', '/usr/bin/python3')
      .action(async (given: unknown) => {
        const { json, sizes, repeats, ...options } = verbOptions(BenchSampleFlags, given);
        const { formatSampleBench, runSampleBench } = await import('../bench/sample-bench.ts');
        const result = await runSampleBench(
          {
            ...options,
            sizes: listArgument(sizes),
            ...(repeats === undefined ? {} : { repeats }),
          },
          json ? undefined : (line) => process.stderr.write(`${line}\n`),
        );
        process.stdout.write(
          json ? `${JSON.stringify(result)}\n` : `${formatSampleBench(result)}\n`,
        );
      });
  },
};

/** `overseer bench queue`: the queue executor's scale-out over worker processes, on loopback. */
const queueBench: BenchSubVerb = {
  register(bench) {
    bench
      .command('queue')
      .description(
        'Episodes per second over 1/2/4/8 `overseer worker` processes against a fake OpenAI-compatible server with a fixed latency (loopback, a local redis-server), and under a shared quota.',
      )
      .option('--json', 'print one JSON line instead of a table')
      .option('--episodes <n>', 'episodes per configuration', integerArgument(1), 64)
      .option('--latency <ms>', 'the fake server’s latency per call', integerArgument(1), 50)
      .option(
        '--concurrency <list>',
        'episodes each worker plays at once, one series per value',
        wholeNumberListArgument('--concurrency'),
        [1, 4],
      )
      .action(
        async (options: {
          json?: boolean;
          episodes: number;
          latency: number;
          concurrency: number[];
        }) => {
          const { runQueueBench } = await import('../bench/queue-bench.ts');
          const result = await runQueueBench({
            episodes: options.episodes,
            latencyMs: options.latency,
            concurrency: options.concurrency,
          });
          if (result.workerCode === 'sources') {
            process.stderr.write(
              'the workers ran the TypeScript sources through tsx (dist/ is older than src/): `npm run build -w overseer` measures the compiled CLI\n',
            );
          }
          if (options.json) {
            process.stdout.write(`${JSON.stringify(result)}\n`);
            return;
          }
          const lines = result.points.map(
            (point) =>
              `${point.workers} workers × ${point.concurrency}${point.quotaPerSecond === undefined ? '' : ` (quota ${point.quotaPerSecond}/s)`}: ${point.episodesPerSecond} episodes/s of ${point.idealPerSecond} ideal, enqueue→start median ${point.enqueueToStartMs.median} ms, job median ${point.jobMs.median} ms, ${point.duplicates} duplicates, ${point.refused} 429s`,
          );
          process.stdout.write(
            `${result.cores} cores, ${result.latencyMs} ms per call, ${result.workerCode} workers\n${lines.join('\n')}\n`,
          );
        },
      );
  },
};

/** Every `overseer bench` sub-verb, in the order `overseer bench` lists them. */
export const benchSubVerbs: BenchSubVerb[] = [trainBench, sampleBench, queueBench];

/** `overseer bench`: the group of benchmark sub-verbs. */
export const benchVerb: Verb = {
  register(program) {
    const bench = program
      .command('bench')
      .description('measure performance (run `overseer bench` to list the benchmarks)');
    for (const subVerb of benchSubVerbs) subVerb.register(bench);
    bench.action(() => {
      process.stdout.write(bench.helpInformation());
    });
  },
};
