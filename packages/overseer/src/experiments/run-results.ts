/**
 * From the units of a run (arm × seed) to `Results`: each arm's final metrics as the mean over
 * the seeds that finished (each seed's kept too), its parameters, its status and error, the
 * learning curves per seed and the representative transcripts.
 */
import { armParameters } from './config.ts';
import type { ExpandedArm, Experiment } from './config.ts';
import type { ArmResult, Curve, MetricValues, Results, Transcript } from './report.ts';
import { RESULTS_VERSION } from './report.ts';
import type { UnitState } from './run-state.ts';
import { unitKey } from './run-state.ts';

/** One experiment of the run with its expanded arms. */
export interface PlannedExperiment {
  experiment: Experiment;
  arms: ExpandedArm[];
}

/** What the results are made from. */
export interface ResultsInput {
  planned: readonly PlannedExperiment[];
  units: readonly UnitState[];
  source: string;
  command: string;
}

function meanMetrics(list: readonly MetricValues[]): MetricValues {
  const sums = new Map<string, { sum: number; count: number }>();
  for (const metrics of list) {
    for (const [name, value] of Object.entries(metrics)) {
      const entry = sums.get(name) ?? { sum: 0, count: 0 };
      entry.sum += value;
      entry.count += 1;
      sums.set(name, entry);
    }
  }
  return Object.fromEntries([...sums].map(([name, { sum, count }]) => [name, sum / count]));
}

/** The results of the units so far. */
export function buildResults(input: ResultsInput): Results {
  const byKey = new Map(input.units.map((unit) => [unit.key, unit]));
  const arms: ArmResult[] = [];
  const curves: Curve[] = [];
  const transcripts: Transcript[] = [];
  const experiments: Results['experiments'] = [];
  for (const { experiment, arms: expanded } of input.planned) {
    let experimentSeconds = 0;
    for (const arm of expanded) {
      const units = experiment.seeds
        .map((seed) => byKey.get(unitKey(experiment.name, arm.name, seed)))
        .filter((unit): unit is UnitState => unit !== undefined);
      const finished = units.filter((unit) => unit.status === 'finished');
      const failed = units.filter((unit) => unit.status === 'failed');
      experimentSeconds += units.reduce((sum, unit) => sum + unit.wallSeconds, 0);
      if (finished.length === 0 && failed.length === 0) continue;
      arms.push({
        experiment: experiment.name,
        arm: arm.name,
        ...(arm.description === '' ? {} : { description: arm.description }),
        parameters: armParameters(arm),
        metrics: meanMetrics(finished.map((unit) => unit.metrics)),
        seeds: finished.map((unit) => ({ seed: unit.seed, metrics: unit.metrics })),
        status: failed.length > 0 ? 'failed' : 'finished',
        ...(failed[0]?.error === undefined ? {} : { error: failed[0].error }),
        wallSeconds: units.reduce((sum, unit) => sum + unit.wallSeconds, 0),
      });
      for (const unit of finished) {
        for (const [metric, points] of Object.entries(unit.curves)) {
          curves.push({
            experiment: experiment.name,
            arm: arm.name,
            metric,
            seed: unit.seed,
            points,
          });
        }
        transcripts.push(...unit.transcripts);
      }
    }
    experiments.push({
      name: experiment.name,
      description: experiment.description,
      metrics: experiment.metrics,
      seeds: experiment.seeds,
      wallSeconds: experimentSeconds,
      ...(expanded[0] === undefined
        ? {}
        : { evaluationSplit: expanded[0].config.evaluation.split }),
    });
  }
  return {
    version: RESULTS_VERSION,
    title: `Overseer run of ${input.source}`,
    source: input.source,
    command: input.command,
    createdAt: new Date().toISOString(),
    experiments,
    arms,
    curves,
    transcripts,
  };
}
