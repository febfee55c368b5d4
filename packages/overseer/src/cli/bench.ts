/**
 * `overseer bench`: performance measurements. Each benchmark is a sub-verb (`overseer bench
 * train`, …); a plain `overseer bench` lists them. To add one, append a `BenchSubVerb` to
 * `benchSubVerbs`.
 */
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { KernelPreference } from '../model/kernels.ts';
import { formatTrainBench, runTrainBench, trainBenchSizes } from '../bench/train-bench.ts';
import { formatSampleBench, runSampleBench, sampleBenchSizes } from '../bench/sample-bench.ts';
import type { Verb } from './verbs.ts';

/** A benchmark under `overseer bench`: adds its sub-command to the `bench` command. */
export interface BenchSubVerb {
  register(bench: Command): void;
}

function positiveInteger(minimum: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < minimum) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${minimum}, got "${value}"`);
    }
    return number;
  };
}

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
      .option('--steps <n>', 'timed steps per size (default: per size)', positiveInteger(1))
      .option('--warmup <n>', 'untimed warm-up steps', positiveInteger(0), 3)
      .option('--threads <n>', 'CPU threads of the native kernels', positiveInteger(1), 2)
      .option('--kernels <name>', 'auto, native or reference', 'native')
      .option('--no-torch', 'skip the PyTorch peer')
      .option('--python <path>', 'Python interpreter that has torch', '/usr/bin/python3')
      .action(
        async (options: {
          json?: boolean;
          sizes: string;
          steps?: number;
          warmup: number;
          threads: number;
          kernels: string;
          torch: boolean;
          python: string;
        }) => {
          const result = await runTrainBench(
            {
              sizes: options.sizes
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
              steps: options.steps,
              warmup: options.warmup,
              threads: options.threads,
              kernels: options.kernels as KernelPreference,
              torch: options.torch,
              python: options.python,
            },
            options.json ? undefined : (line) => process.stderr.write(`${line}\n`),
          );
          process.stdout.write(
            options.json ? `${JSON.stringify(result)}\n` : `${formatTrainBench(result)}\n`,
          );
        },
      );
  },
};

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
        positiveInteger(1),
      )
      .option('--warmup <n>', 'untimed sample calls', positiveInteger(0), 1)
      .option('--threads <n>', 'CPU threads of the native kernels', positiveInteger(1), 2)
      .option('--kernels <name>', 'auto, native or reference', 'native')
      .option(
        '--no-kv-cache',
        'recompute the whole sequence per token (the speed before the cache)',
      )
      .option('--no-torch', 'skip the PyTorch peer')
      .option('--python <path>', 'Python interpreter that has torch', '/usr/bin/python3')
      .action(
        async (options: {
          json?: boolean;
          sizes: string;
          repeats?: number;
          warmup: number;
          threads: number;
          kernels: string;
          kvCache: boolean;
          torch: boolean;
          python: string;
        }) => {
          const result = await runSampleBench(
            {
              ...options,
              sizes: options.sizes
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
              kernels: options.kernels as KernelPreference,
            },
            options.json ? undefined : (line) => process.stderr.write(`${line}\n`),
          );
          process.stdout.write(
            options.json ? `${JSON.stringify(result)}\n` : `${formatSampleBench(result)}\n`,
          );
        },
      );
  },
};

/** Every `overseer bench` sub-verb, in the order `overseer bench` lists them. */
export const benchSubVerbs: BenchSubVerb[] = [trainBench, sampleBench];

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
