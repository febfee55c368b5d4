/**
 * Record: a unit's numbers as metric events for the store and as curve points for the report,
 * and the end of a round committed — its events, its checkpoint and the unit's state — so that a
 * resumed run logs each round once.
 */
import type { RunEvent } from '../../spec/index.ts';
import type { UpdateReport } from '../../training/trainer.ts';
import type { CurvePoint, MetricValues } from '../report.ts';
import type { Unit } from './setup.ts';

/** Metrics that are counts of the run, not measurements along it: no curve. */
const NO_CURVE = new Set(['expertCalls', 'groundTruthLabels', 'trainingFlops', 'failedEpisodes']);

/** A metric event of the unit. */
type MetricEvent = Extract<RunEvent, { type: 'metric' }>;

/** Curves by metric. */
export type Curves = Record<string, CurvePoint[]>;

/** Metric events for finite `values` at `step` (of round `round`, when in one). */
export function metricEvents(
  unit: Unit,
  values: Record<string, number | undefined>,
  step: number,
  phase: 'train' | 'evaluation',
  round?: number,
): MetricEvent[] {
  const time = new Date().toISOString();
  const tags = {
    experiment: unit.arm.experiment,
    arm: unit.arm.name,
    seed: String(unit.seed),
    phase,
  };
  return Object.entries(values)
    .filter((entry): entry is [string, number] => Number.isFinite(entry[1]))
    .map(([name, value]) => ({
      type: 'metric',
      runId: unit.runId,
      time,
      name,
      value,
      step,
      ...(round === undefined ? {} : { iteration: round }),
      ...(phase === 'evaluation' ? { split: unit.config.evaluation.split } : {}),
      tags,
    }));
}

/** `curves` with one more point per headline metric measured in `metrics`. */
export function withPoints(
  unit: Unit,
  curves: Curves,
  metrics: MetricValues,
  point: { step: number; calls: number; flops: number; round?: number },
): Curves {
  const merged: Curves = { ...curves };
  for (const metric of unit.curveMetrics) {
    if (NO_CURVE.has(metric) || metrics[metric] === undefined) continue;
    const { step, round, calls, flops } = point;
    const added = {
      step,
      ...(round === undefined ? {} : { round }),
      calls,
      flops,
      value: metrics[metric],
    };
    merged[metric] = [...(merged[metric] ?? []), added];
  }
  return merged;
}

/** An evaluation's metrics with the unit's counts so far. */
export function withCounts(
  metrics: MetricValues,
  counts: { calls: number; labels: number; flops: number },
): MetricValues {
  return {
    ...metrics,
    expertCalls: counts.calls,
    groundTruthLabels: counts.labels,
    trainingFlops: counts.flops,
  };
}

/** The numbers of an update worth logging as metrics. */
export function trainingValues(report: UpdateReport): Record<string, number | undefined> {
  return {
    loss: report.loss,
    learningRate: report.learningRate,
    gradientNorm: report.gradientNorm,
    processReward: report.processReward,
    outcomeReward: report.outcomeReward,
    mixedReturn: report.mixedReturn,
    trainAccuracy: report.accuracy,
    approvedRate: report.approvedRate,
    trainHackRate: report.hackRate,
    trainIntendedRate: report.intendedRate,
    trainTrueReturn: report.trueReturn,
    kl: report.kl,
    entropy: report.entropy,
    kept: report.kept,
  };
}

/** A `checkpoint-saved` event (with the round, when one produced it). */
export function checkpointEvent(unit: Unit, path: string, step: number, round?: number): RunEvent {
  return {
    type: 'checkpoint-saved',
    runId: unit.runId,
    time: new Date().toISOString(),
    path,
    step,
    ...(round === undefined ? {} : { iteration: round }),
    unit: unit.runUnit,
  };
}

/** Appends a round's events with its checkpoint and end, unless a resumed run logged them. */
export function commitRound(
  unit: Unit,
  round: number,
  events: RunEvent[],
  checkpoint: string,
  step: number,
): void {
  if (unit.loggedCheckpoints.has(checkpoint)) return;
  unit.store.append([
    ...events,
    checkpointEvent(unit, checkpoint, step, round),
    {
      type: 'iteration-finished',
      unit: unit.runUnit,
      runId: unit.runId,
      time: new Date().toISOString(),
      iteration: round,
    },
  ]);
}
