/**
 * `overseer run FILE`: an experiment file becomes one run. Every arm of every experiment runs
 * once per seed (a "unit"), each as rounds of amplify → oversee → distill → evaluate
 * (loop/run-unit.ts), with its events in the run store and its progress in DIR/run-state.json. Killed
 * at any point, the same command resumes: finished units and rounds are not redone, and a round
 * cut off halfway is redone from its starting checkpoint with the same seeds, so the results are
 * those of an uninterrupted run. At the end: DIR/results.json, DIR/report.md, DIR/report.html.
 */
import { rm } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { OverseerError } from '../errors.ts';
import { loadKernels } from '../model/kernels.ts';
import type { KernelPreference } from '../model/kernels.ts';
import { ExperimentRunConfiguration, toErrorRecord } from '../spec/index.ts';
import { RunStore, defaultStoreDirectory } from '../store/index.ts';
import { applyOverrides, expandArms, parseExperimentFile } from './config.ts';
import { writeReport } from './report.ts';
import type { Results, WrittenReport } from './report.ts';
import { runUnit } from './loop/run-unit.ts';
import { checkArm, unitSteps, workKinds } from './loop/setup.ts';
import type { UnitContext } from './loop/setup.ts';
import { createProgress, progressModeFor } from './run-progress.ts';
import type { ProgressMode, ProgressReporter } from './run-progress.ts';
import { buildResults } from './run-results.ts';
import type { PlannedExperiment } from './run-results.ts';
import {
  RUN_STATE_FILE,
  RUN_STATE_VERSION,
  fingerprint,
  pendingUnit,
  readRunState,
  unitKey,
  writeJsonAtomic,
  writeRunState,
} from './run-state.ts';
import type { RunState, UnitState } from './run-state.ts';

/** Options of `runExperiments`. */
export interface RunOptions {
  /** The experiment file. */
  file: string;
  /** The run directory (default `runs/<file name without .yaml>`). */
  out?: string;
  /** The store directory (default `.overseer/`). */
  store?: string;
  /** Run only this seed. */
  seed?: number;
  /** `key.path=value` overrides of every arm. */
  set?: string[];
  /** Forget the saved progress in the run directory and start over. */
  restart?: boolean;
  /** How progress is shown (default: a bar on a terminal, lines otherwise). */
  progress?: ProgressMode;
  /** A reporter to use instead (tests). */
  reporter?: ProgressReporter;
  /** The command line, recorded in the results so a reader can reproduce them. */
  command?: string;
  kernels?: KernelPreference;
  /** Aborting stops the run at the next safe point; rerunning resumes it. */
  signal?: AbortSignal;
  /** Called after every training update (tests abort from here). */
  onUpdate?: UnitContext['onUpdate'];
}

/** What a run produced. */
export interface RunOutcome {
  results: Results;
  /** The run directory (absolute). */
  directory: string;
  resultsPath: string;
  report: WrittenReport;
  runId: string;
  storeDirectory: string;
  /** Whether the run continued from saved progress. */
  resumed: boolean;
  /** Units (arm × seed) that failed. */
  failed: UnitState[];
  wallSeconds: number;
}

/** The run directory a file runs into by default: `runs/<name>`. */
export function defaultRunDirectory(file: string): string {
  return join('runs', basename(file, extname(file)));
}

/** Parses the file, applies the overrides and expands every experiment's arms. */
export async function planRun(
  file: string,
  overrides: { seed?: number; set?: string[] } = {},
): Promise<PlannedExperiment[]> {
  const parsed = await parseExperimentFile(file);
  const planned = parsed.experiments.map((experiment) => {
    const overridden =
      overrides.seed === undefined && (overrides.set ?? []).length === 0
        ? experiment
        : applyOverrides(experiment, {
            ...(overrides.seed === undefined ? {} : { seed: overrides.seed }),
            ...(overrides.set === undefined ? {} : { set: overrides.set }),
          });
    return { experiment: overridden, arms: expandArms(overridden) };
  });
  const problems: string[] = [];
  for (const { arms } of planned) {
    for (const arm of arms) {
      try {
        checkArm(arm);
      } catch (error) {
        problems.push(`  ${arm.experiment}/${arm.name}: ${(error as Error).message}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new OverseerError(
      'run.invalid-arm',
      `${file}: ${problems.length} arm(s) cannot run:\n${problems.join('\n')}`,
      { hint: 'docs/experiments.md lists what each key accepts' },
    );
  }
  return planned;
}

/** Runs (or resumes) every arm of every experiment of a file, then writes results and reports. */
export async function runExperiments(options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const planned = await planRun(options.file, options);
  const directory = resolve(options.out ?? defaultRunDirectory(options.file));
  const storeDirectory = resolve(options.store ?? defaultStoreDirectory());
  const command = options.command ?? `overseer run ${options.file}`;
  const units = planned.flatMap(({ experiment, arms }) =>
    arms.flatMap((arm) => experiment.seeds.map((seed) => ({ arm, seed, experiment }))),
  );
  const plan = fingerprint(
    units.map(({ arm, seed }) => ({
      experiment: arm.experiment,
      arm: arm.name,
      seed,
      config: arm.config,
    })),
  );

  if (options.restart) {
    await rm(join(directory, RUN_STATE_FILE), { force: true });
    await rm(join(directory, 'checkpoints'), { recursive: true, force: true });
  }
  const saved = await readRunState(directory);
  if (saved !== undefined && saved.fingerprint !== plan) {
    throw new OverseerError(
      'run.different-plan',
      `${directory} holds a run of a different configuration (the file, --seed or --set changed since it started)`,
      {
        hint: 'rerun with --restart to discard it and start over, or pass another --out folder',
      },
    );
  }

  const store = RunStore.open(storeDirectory);
  try {
    let state: RunState;
    if (saved !== undefined) {
      if (store.getRun(saved.runId) === undefined) {
        throw new OverseerError(
          'run.store-mismatch',
          `${directory} belongs to run ${saved.runId}, which is not in the store ${storeDirectory}`,
          { hint: `pass --store ${saved.store}, or rerun with --restart to start over` },
        );
      }
      store.resumeRun(saved.runId);
      state = saved;
    } else {
      const runId = store.createRun(runConfig(options.file, command, directory, planned));
      state = {
        version: RUN_STATE_VERSION,
        fingerprint: plan,
        runId,
        store: storeDirectory,
        source: options.file,
        createdAt: new Date().toISOString(),
        units: units.map(({ arm, seed }) => pendingUnit(arm.experiment, arm.name, seed)),
      };
      await writeRunState(directory, state);
    }
    const resumed = saved !== undefined;
    const { runId } = state;
    const byKey = new Map(state.units.map((unit) => [unit.key, unit]));
    const save = (): Promise<void> => writeRunState(directory, state);
    const resultsPath = join(directory, 'results.json');
    const writeResults = async (): Promise<Results> => {
      const results = buildResults({ planned, units: state.units, source: options.file, command });
      await writeJsonAtomic(resultsPath, results);
      return results;
    };

    const reporter =
      options.reporter ??
      createProgress({ mode: options.progress ?? progressModeFor(process.stderr, false) });
    const doneSteps = (unit: UnitState, arm: (typeof units)[number]['arm']): number =>
      unit.status === 'finished'
        ? unitSteps(arm)
        : (unit.checkpoint === undefined ? 0 : arm.config.pretrain.steps) +
          unit.roundsDone * arm.config.stepsPerRound;
    reporter.start(
      units.flatMap(({ arm, seed }) => {
        const unit = byKey.get(unitKey(arm.experiment, arm.name, seed))!;
        const kinds = workKinds(arm);
        const finished = unit.status === 'finished';
        const pretrained = finished || unit.checkpoint !== undefined;
        const { pretrain, rounds, stepsPerRound } = arm.config;
        return [
          { kind: kinds.pretrain, steps: pretrain.steps, done: pretrained ? pretrain.steps : 0 },
          {
            kind: kinds.rounds,
            steps: rounds * stepsPerRound,
            done: finished ? rounds * stepsPerRound : unit.roundsDone * stepsPerRound,
          },
        ];
      }),
    );
    if (resumed) {
      const finished = state.units.filter((unit) => unit.status === 'finished').length;
      reporter.log(
        `Resuming run ${runId}: ${finished} of ${state.units.length} arm × seed units already finished.`,
      );
    }

    const kernels = loadKernels(options.kernels ?? 'auto');
    const completedEpisodes = store.completedEpisodeKeys(runId);
    const loggedCheckpoints = new Set(store.checkpoints(runId).map((record) => record.path));
    const firstSeed = new Map(
      planned.map(({ experiment }) => [experiment.name, experiment.seeds[0]]),
    );
    try {
      for (const { arm, seed, experiment } of units) {
        const unit = byKey.get(unitKey(arm.experiment, arm.name, seed))!;
        if (unit.status === 'finished') continue;
        const before = doneSteps(unit, arm);
        unit.status = 'running';
        delete unit.error;
        await save();
        const unitStarted = performance.now();
        let advanced = 0;
        const progress: ProgressReporter = {
          ...reporter,
          advance(steps, timed) {
            advanced += steps;
            reporter.advance(steps, timed);
          },
        };
        try {
          await runUnit({
            arm,
            seed,
            unit,
            directory,
            store,
            runId,
            completedEpisodes,
            loggedCheckpoints,
            kernels,
            progress,
            curveMetrics: experiment.metrics,
            keepTranscripts: firstSeed.get(experiment.name) === seed,
            save,
            ...(options.signal === undefined ? {} : { signal: options.signal }),
            ...(options.onUpdate === undefined ? {} : { onUpdate: options.onUpdate }),
          });
          unit.status = 'finished';
          reporter.log(`${unit.key}: finished (${describeMetrics(unit, experiment.metrics)})`);
        } catch (error) {
          if (options.signal?.aborted) throw error;
          // One arm's failure is recorded and the run goes on; rerunning the command retries it.
          unit.status = 'failed';
          unit.error = toErrorRecord(error);
          unit.wallSeconds += (performance.now() - unitStarted) / 1000;
          reporter.log(`${unit.key}: failed: ${unit.error.message}`);
          reporter.advance(Math.max(0, unitSteps(arm) - before - advanced), false);
        }
        await save();
        await writeResults();
      }
    } finally {
      reporter.stop();
    }

    const results = await writeResults();
    const report = await writeReport(results, directory);
    const failed = state.units.filter((unit) => unit.status === 'failed');
    store.finishRun(runId, {
      results: relative(process.cwd(), resultsPath) || resultsPath,
      units: state.units.length,
      failedUnits: failed.length,
    });
    return {
      results,
      directory,
      resultsPath,
      report,
      runId,
      storeDirectory,
      resumed,
      failed,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    store.close();
  }
}

/**
 * What the store records as the run's configuration: every arm exactly as it runs, checked against
 * the spec's `ExperimentRunConfiguration` as the run starts.
 */
function runConfig(
  file: string,
  command: string,
  directory: string,
  planned: readonly PlannedExperiment[],
): ExperimentRunConfiguration {
  return ExperimentRunConfiguration.parse({
    command,
    source: file,
    directory,
    experiments: planned.map(({ experiment, arms }) => ({
      name: experiment.name,
      seeds: experiment.seeds,
      metrics: experiment.metrics,
      arms: arms.map((arm) => ({
        name: arm.name,
        declared: arm.declared,
        sweep: arm.sweep,
        config: arm.config,
      })),
    })),
  });
}

function describeMetrics(unit: UnitState, metrics: readonly string[]): string {
  return metrics
    .filter((metric) => unit.metrics[metric] !== undefined)
    .map((metric) => {
      const value = unit.metrics[metric];
      return `${metric} ${Number.isInteger(value) ? value : value.toFixed(3)}`;
    })
    .join(', ');
}
