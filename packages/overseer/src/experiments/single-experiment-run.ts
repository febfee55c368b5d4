/**
 * The frame of a runner of its own (`kind: control`, `kind: judge-vs-writer`): a file holding one
 * experiment, its seeds played one after another by the runner's own code. The frame records the
 * run and its arms in the store, shows progress, and ends with results.json, the report and the
 * run finished; the runner says what a seed plays and how its seeds become results.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadKernels } from '../model/kernels.ts';
import { ExperimentRunConfiguration } from '../spec/index.ts';
import { RunStore, defaultStoreDirectory } from '../store/index.ts';
import { writeReport } from './report.ts';
import type { ArmResult, Results } from './report.ts';
import { RESULTS_VERSION } from './report.ts';
import type { RunOptions, RunOutcome } from './run.ts';
import { createProgress, progressModeFor } from './run-progress.ts';
import type { ProgressReporter } from './run-progress.ts';
import { writeJsonAtomic } from './run-state.ts';

/** What a runner of its own knows of its one experiment when it writes its results. */
export interface SingleExperiment {
  name: string;
  description: string;
  metrics: string[];
  seeds: number[];
}

/** Where a run of the file came from, as results.json records it. */
export interface RunSource {
  file: string;
  command: string;
  wallSeconds: number;
}

/** What the frame needs of a runner of its own. */
export interface SingleExperimentPlan<Seed> {
  name: string;
  seeds: readonly number[];
  metrics: readonly string[];
  /** Each arm with the configuration recorded for it. */
  arms: ReadonlyArray<{ name: string; config: unknown }>;
  /** The kinds of training work and their steps over all seeds, for the progress display. */
  work: ReadonlyArray<{ kind: string; steps: number }>;
  /** Plays one seed; `log` is the line the progress display prints when it ends. */
  playSeed(
    seed: number,
    reporter: ProgressReporter,
    kernels: ReturnType<typeof loadKernels>,
  ): Promise<{ result: Seed; log: string }>;
  /** The results of every seed played. */
  results(seeds: Seed[], source: RunSource): Results;
}

/** Runs every seed of a one-experiment file through `plan`, recorded as `overseer run` records. */
export async function runSingleExperiment<Seed>(
  options: RunOptions & { directory: string },
  plan: SingleExperimentPlan<Seed>,
): Promise<RunOutcome> {
  const started = performance.now();
  const directory = resolve(options.directory);
  await mkdir(directory, { recursive: true });
  const command = options.command ?? `overseer run ${options.file}`;
  const storeDirectory = resolve(options.store ?? defaultStoreDirectory());
  const store = RunStore.open(storeDirectory);
  try {
    const runId = store.createRun(
      ExperimentRunConfiguration.parse({
        command,
        source: options.file,
        directory,
        experiments: [
          {
            name: plan.name,
            seeds: plan.seeds,
            metrics: plan.metrics,
            arms: plan.arms.map(({ name, config }) => ({
              name,
              declared: name,
              sweep: {},
              config,
            })),
          },
        ],
      }),
    );
    const reporter =
      options.reporter ??
      createProgress({ mode: options.progress ?? progressModeFor(process.stderr, false) });
    reporter.start(plan.work.map(({ kind, steps }) => ({ kind, steps, done: 0 })));
    const kernels = loadKernels(options.kernels ?? 'auto');
    const seeds: Seed[] = [];
    try {
      for (const seed of plan.seeds) {
        const { result, log } = await plan.playSeed(seed, reporter, kernels);
        seeds.push(result);
        reporter.log(`${plan.name} seed ${seed}: ${log}`);
      }
    } finally {
      reporter.stop();
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const results = plan.results(seeds, { file: options.file, command, wallSeconds });
    const resultsPath = join(directory, 'results.json');
    await writeJsonAtomic(resultsPath, results);
    const report = await writeReport(results, directory);
    store.finishRun(runId, { results: resultsPath, units: seeds.length, failedUnits: 0 });
    return {
      results,
      directory,
      resultsPath,
      report,
      runId,
      storeDirectory,
      resumed: false,
      failed: [],
      wallSeconds,
    };
  } finally {
    store.close();
  }
}

/** The results of a file holding one experiment, its arms measured by a runner of its own. */
export function singleExperimentResults(
  experiment: SingleExperiment,
  arms: ArmResult[],
  source: RunSource,
): Results {
  return {
    version: RESULTS_VERSION,
    title: `Overseer run of ${source.file}`,
    source: source.file,
    command: source.command,
    createdAt: new Date().toISOString(),
    experiments: [{ ...experiment, wallSeconds: source.wallSeconds }],
    arms,
    curves: [],
    transcripts: [],
  };
}
