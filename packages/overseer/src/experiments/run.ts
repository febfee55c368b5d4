/**
 * `overseer run FILE`: an experiment file becomes one run. Every arm of every experiment runs
 * once per seed (a "unit"), each as rounds of amplify → oversee → distill → evaluate
 * (loop/run-unit.ts), with its events in the run store and its progress in DIR/run-state.json. Killed
 * at any point, the same command resumes: finished units and rounds are not redone, and a round
 * cut off halfway is redone from its starting checkpoint with the same seeds, so the results are
 * those of an uninterrupted run. At the end: DIR/results.json, DIR/report.md, DIR/report.html.
 */
import { rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { OverseerError } from '../errors.ts';
import { loadKernels } from '../model/kernels.ts';
import type { KernelPreference } from '../model/kernels.ts';
import { ExperimentRunConfiguration, toErrorRecord } from '../spec/index.ts';
import { RunStore, defaultStoreDirectory } from '../store/index.ts';
import { applyOverrides, expandArms, parseExperimentFile } from './config.ts';
import { isControlDocument, readYamlDocument } from './control/config.ts';
import { runControlExperiment } from './control/run-control.ts';
import { isJudgeVsWriterDocument } from './review/config.ts';
import { runJudgeVsWriterExperiment } from './review/run-judge-vs-writer.ts';
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
import { redactSecrets } from '../util/redact-secrets.ts';

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
  /**
   * Play the episodes of saved checkpoints on `overseer worker`s through the queue in this Redis
   * (URL or socket path); distillation stays here.
   */
  queue?: string;
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

/** A unit of the plan: one arm of one experiment under one seed. */
interface PlannedUnit {
  arm: PlannedExperiment['arms'][number];
  seed: number;
  experiment: PlannedExperiment['experiment'];
}

/** A run about to start or resume: its plan, where it goes and what it saved before. */
interface PreparedRun {
  planned: PlannedExperiment[];
  units: PlannedUnit[];
  directory: string;
  storeDirectory: string;
  command: string;
  /** The plan's fingerprint: a saved run resumes only under the same plan. */
  plan: string;
  saved: RunState | undefined;
}

/** A run under way: what every unit of it shares. */
interface ActiveRun extends PreparedRun {
  store: RunStore;
  state: RunState;
  reporter: ProgressReporter;
  resultsPath: string;
  save(): Promise<void>;
  writeResults(): Promise<Results>;
}

/** Runs (or resumes) every arm of every experiment of a file, then writes results and reports. */
export async function runExperiments(options: RunOptions): Promise<RunOutcome> {
  const document = await readYamlDocument(options.file);
  if (isControlDocument(document)) {
    // A control experiment trains its own models and plays games: no arms of the loop.
    return runControlExperiment(document, {
      ...options,
      directory: options.out ?? defaultRunDirectory(options.file),
    });
  }
  if (isJudgeVsWriterDocument(document)) {
    // Judge vs writer trains a writer and its reviewers per width and scores held-out programs.
    return runJudgeVsWriterExperiment(document, {
      ...options,
      directory: options.out ?? defaultRunDirectory(options.file),
    });
  }
  const started = performance.now();
  const prepared = await prepareRun(options);
  const store = RunStore.open(prepared.storeDirectory);
  try {
    const state = await openRunState(prepared, store, options.file);
    const run = activeRun(prepared, store, state, options);
    if (prepared.saved !== undefined) {
      const finished = state.units.filter((unit) => unit.status === 'finished').length;
      run.reporter.log(
        `Resuming run ${state.runId}: ${finished} of ${state.units.length} arm × seed units already finished.`,
      );
    }
    // BullMQ loads only for a queued run (`npm start` stays as quick as it was).
    const executor =
      options.queue === undefined
        ? undefined
        : await (
            await import('../executor/queue-executor.ts')
          ).queueExecutor({
            target: options.queue,
          });
    const shared = {
      kernels: loadKernels(options.kernels ?? 'auto'),
      completedEpisodes: store.completedEpisodeKeys(state.runId),
      loggedCheckpoints: new Set(store.checkpoints(state.runId).map((record) => record.path)),
      ...(executor === undefined ? {} : { executor }),
    };
    try {
      for (const unit of prepared.units) await runPlannedUnit(run, unit, shared, options);
    } finally {
      run.reporter.stop();
      await executor?.close();
    }
    const results = await run.writeResults();
    const report = await writeReport(results, prepared.directory);
    const failed = state.units.filter((unit) => unit.status === 'failed');
    // Absolute: the viewer shows this path in a browser, where the shell's directory means nothing.
    store.finishRun(state.runId, {
      results: resolve(run.resultsPath),
      units: state.units.length,
      failedUnits: failed.length,
    });
    return {
      results,
      directory: prepared.directory,
      resultsPath: run.resultsPath,
      report,
      runId: state.runId,
      storeDirectory: prepared.storeDirectory,
      resumed: prepared.saved !== undefined,
      failed,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    store.close();
  }
}

/** Plans the run and reads what a previous run into the same directory saved (if the plan matches). */
async function prepareRun(options: RunOptions): Promise<PreparedRun> {
  const planned = await planRun(options.file, options);
  const directory = resolve(options.out ?? defaultRunDirectory(options.file));
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
  return {
    planned,
    units,
    directory,
    storeDirectory: resolve(options.store ?? defaultStoreDirectory()),
    command: options.command ?? `overseer run ${options.file}`,
    plan,
    saved,
  };
}

/** The saved run state, its run reopened in the store; or a new run and its first state. */
async function openRunState(run: PreparedRun, store: RunStore, file: string): Promise<RunState> {
  const { saved, directory, storeDirectory } = run;
  if (saved !== undefined) {
    if (store.getRun(saved.runId) === undefined) {
      throw new OverseerError(
        'run.store-mismatch',
        `${directory} belongs to run ${saved.runId}, which is not in the store ${storeDirectory}`,
        { hint: `pass --store ${saved.store}, or rerun with --restart to start over` },
      );
    }
    store.resumeRun(saved.runId);
    return saved;
  }
  const runId = store.createRun(runConfig(file, run.command, directory, run.planned));
  const state: RunState = {
    version: RUN_STATE_VERSION,
    fingerprint: run.plan,
    runId,
    store: storeDirectory,
    source: file,
    createdAt: new Date().toISOString(),
    units: run.units.map(({ arm, seed }) => pendingUnit(arm.experiment, arm.name, seed)),
  };
  await writeRunState(directory, state);
  return state;
}

/** The run under way: its state's writers and a progress display that knows what is done. */
function activeRun(
  prepared: PreparedRun,
  store: RunStore,
  state: RunState,
  options: RunOptions,
): ActiveRun {
  const resultsPath = join(prepared.directory, 'results.json');
  const reporter =
    options.reporter ??
    createProgress({ mode: options.progress ?? progressModeFor(process.stderr, false) });
  reporter.start(
    prepared.units.flatMap(({ arm, seed }) => unitWork(unitOf(state, arm, seed), arm)),
  );
  return {
    ...prepared,
    store,
    state,
    reporter,
    resultsPath,
    save: () => writeRunState(prepared.directory, state),
    async writeResults() {
      const { planned, command } = prepared;
      const results = buildResults({ planned, units: state.units, source: options.file, command });
      await writeJsonAtomic(resultsPath, results);
      return results;
    },
  };
}

/** The state of a planned unit. */
function unitOf(state: RunState, arm: PlannedUnit['arm'], seed: number): UnitState {
  const key = unitKey(arm.experiment, arm.name, seed);
  const unit = state.units.find((candidate) => candidate.key === key);
  if (unit === undefined) throw new OverseerError('run.state', `run state has no unit ${key}`);
  return unit;
}

/** A unit's two kinds of work (pretraining, rounds) with how much of each is done. */
function unitWork(
  unit: UnitState,
  arm: PlannedUnit['arm'],
): Array<{ kind: string; steps: number; done: number }> {
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
}

/** Steps of a unit already done (what its progress starts from). */
function doneSteps(unit: UnitState, arm: PlannedUnit['arm']): number {
  return unit.status === 'finished'
    ? unitSteps(arm)
    : (unit.checkpoint === undefined ? 0 : arm.config.pretrain.steps) +
        unit.roundsDone * arm.config.stepsPerRound;
}

/**
 * Runs one unit unless finished, recording its state and the results after it. A unit's failure
 * is recorded and the run goes on (rerunning the command retries it); an abort stops the run.
 */
async function runPlannedUnit(
  run: ActiveRun,
  { arm, seed, experiment }: PlannedUnit,
  shared: Pick<UnitContext, 'kernels' | 'completedEpisodes' | 'loggedCheckpoints' | 'executor'>,
  options: RunOptions,
): Promise<void> {
  const { reporter, state } = run;
  const unit = unitOf(state, arm, seed);
  if (unit.status === 'finished') return;
  const before = doneSteps(unit, arm);
  unit.status = 'running';
  delete unit.error;
  await run.save();
  const unitStarted = performance.now();
  let advanced = 0;
  const progress: ProgressReporter = {
    ...reporter,
    advance(steps, timed) {
      advanced += steps;
      reporter.advance(steps, timed);
    },
  };
  const firstSeed = experiment.seeds[0];
  try {
    await runUnit({
      ...shared,
      arm,
      seed,
      unit,
      directory: run.directory,
      store: run.store,
      runId: state.runId,
      progress,
      curveMetrics: experiment.metrics,
      keepTranscripts: firstSeed === seed,
      save: run.save,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onUpdate === undefined ? {} : { onUpdate: options.onUpdate }),
    });
    unit.status = 'finished';
    reporter.log(`${unit.key}: finished (${describeMetrics(unit, experiment.metrics)})`);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    unit.status = 'failed';
    unit.error = toErrorRecord(error);
    unit.wallSeconds += (performance.now() - unitStarted) / 1000;
    reporter.log(`${unit.key}: failed: ${unit.error.message}`);
    reporter.advance(Math.max(0, unitSteps(arm) - before - advanced), false);
  }
  await run.save();
  await run.writeResults();
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
        // A key written in the experiment file builds the arm's policies but is never stored.
        config: redactSecrets(arm.config),
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
