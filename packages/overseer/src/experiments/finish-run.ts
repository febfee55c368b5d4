/**
 * How a runner of its own (`kind: control`, `kind: judge-vs-writer`) ends a run: its results.json
 * written atomically, the report beside it, and the run finished in the store.
 */
import { join } from 'node:path';
import type { RunStore } from '../store/index.ts';
import { writeReport } from './report.ts';
import type { ArmResult, Results } from './report.ts';
import { RESULTS_VERSION } from './report.ts';
import type { RunOutcome } from './run.ts';
import { writeJsonAtomic } from './run-state.ts';

/** Writes `results` and their report into `directory` and finishes `runId`; one unit per seed. */
export async function finishRun(
  store: RunStore,
  run: { runId: string; storeDirectory: string; directory: string; units: number },
  results: Results,
  wallSeconds: number,
): Promise<RunOutcome> {
  const resultsPath = join(run.directory, 'results.json');
  await writeJsonAtomic(resultsPath, results);
  const report = await writeReport(results, run.directory);
  store.finishRun(run.runId, { results: resultsPath, units: run.units, failedUnits: 0 });
  return {
    results,
    directory: run.directory,
    resultsPath,
    report,
    runId: run.runId,
    storeDirectory: run.storeDirectory,
    resumed: false,
    failed: [],
    wallSeconds,
  };
}

/** What a runner of its own knows of its one experiment when it writes its results. */
export interface SingleExperiment {
  name: string;
  description: string;
  metrics: string[];
  seeds: number[];
}

/** The results of a file holding one experiment, its arms measured by a runner of its own. */
export function singleExperimentResults(
  experiment: SingleExperiment,
  arms: ArmResult[],
  source: { file: string; command: string; wallSeconds: number },
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
