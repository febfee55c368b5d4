/**
 * Held-out evaluation inside the loop: the trained model answers problems through the evaluation
 * scaffold (IDA: `snap`, the distilled model alone), every episode is graded and judged by the
 * exact weak expert (fallibility is for training; a measurement should not be noisy) and recorded,
 * and the episodes become the metrics of the headline table and the best and worst transcripts.
 */
import { environmentRewards } from '../outcomes/environment.ts';
import { gradeTrace, hasWrongStep } from '../outcomes/trace.ts';
import { fullHorizon, myopic } from '../rewards/credit.ts';
import { dial } from '../rewards/dial.ts';
import { stepRewards } from '../rewards/step-rewards.ts';
import { trueRewardOf } from '../spec/index.ts';
import type { Judgment } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import type { MetricValues, Transcript } from './report.ts';
import type { PlayedEpisode } from './run-episodes.ts';

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Whether an episode has graded steps besides its final answer (a trace that can be wrong). */
function hasTrace(played: PlayedEpisode, family: TaskFamily): boolean {
  const root = played.episode.steps.find((step) => step.parentId === null)?.id;
  const finalAnswers = new Set(
    played.episode.steps
      .filter((step) => step.parentId === root && step.kind === 'answer')
      .map((step) => step.id),
  );
  return gradeTrace(family, played.episode).some(
    (grade) => grade.correct !== null && !finalAnswers.has(grade.stepId),
  );
}

/**
 * The metrics of a batch of evaluation episodes. Questions: `accuracy` (a failed episode counts
 * as wrong), `finalAnswerError`, and `traceError` — among right answers with a trace, the share
 * reached through a wrong step (Uesato et al. 2022), graded against the exact solution — when
 * any answer has a trace. Environments: `hackRate`, `intendedRate` (over all episodes),
 * `trueReturn` and `proxyReturn` (means over finished ones). Both: `meanSteps`, `failedEpisodes`.
 */
export function evaluationMetrics(
  family: TaskFamily,
  played: readonly PlayedEpisode[],
): MetricValues {
  const n = played.length;
  const finished = played.filter((entry) => entry.outcome !== undefined);
  const metrics: MetricValues = {
    meanSteps: mean(played.map((entry) => Math.max(0, entry.episode.steps.length - 1))),
    failedEpisodes: n - finished.length,
  };
  if (family.kind === 'question') {
    const right = finished.filter(
      (entry) => entry.outcome?.kind === 'grade' && entry.outcome.correct,
    );
    metrics.accuracy = n === 0 ? 0 : right.length / n;
    metrics.finalAnswerError = 1 - metrics.accuracy;
    const traced = right.filter((entry) => hasTrace(entry, family));
    if (traced.length > 0) {
      metrics.traceError =
        traced.filter((entry) => hasWrongStep(gradeTrace(family, entry.episode))).length /
        traced.length;
    }
  } else {
    const outcomes = finished.map((entry) => entry.outcome!);
    const share = (label: string): number =>
      n === 0
        ? 0
        : outcomes.filter(
            (outcome) => outcome.kind === 'return' && outcome.classification === label,
          ).length / n;
    metrics.hackRate = share('hack');
    metrics.intendedRate = share('intended');
    metrics.trueReturn = mean(outcomes.map((outcome) => trueRewardOf(outcome)));
    metrics.proxyReturn = mean(outcomes.map((outcome) => outcome.reward));
  }
  return metrics;
}

/** How good an episode was, for picking the best and the worst: the truth first, judgments next. */
function quality(played: PlayedEpisode): number {
  const judged = mean(played.judgments.map(({ judgment }) => judgment.score));
  const outcome = played.outcome;
  if (outcome === undefined) return -1e9;
  const truth = outcome.kind === 'grade' ? (outcome.correct ? 1 : 0) : trueRewardOf(outcome);
  return truth * 1000 + judged;
}

/** Options of `representativeTranscripts`. */
export interface TranscriptOptions {
  family: TaskFamily;
  experiment: string;
  arm: string;
  seed: number;
  /**
   * The dial and credit the arm trained under, for each step's reward; absent for an arm that
   * imitates, which is paid no reward.
   */
  rewards?: { lambda: number; credit: 'myopic' | 'full-horizon'; gamma: number };
}

/** The best and the worst episode of an evaluation as report transcripts (one if they coincide). */
export function representativeTranscripts(
  played: readonly PlayedEpisode[],
  options: TranscriptOptions,
): Transcript[] {
  if (played.length === 0) return [];
  const ranked = [...played].sort((a, b) => quality(b) - quality(a));
  const picks: Array<[PlayedEpisode, Transcript['label']]> = [[ranked[0], 'best']];
  if (ranked.length > 1 && quality(ranked.at(-1)!) < quality(ranked[0])) {
    picks.push([ranked.at(-1)!, 'worst']);
  }
  // Where answers have traces, also one right answer reached through a wrong step, if any.
  const { family } = options;
  const traceError = played.find(
    (entry) =>
      entry.outcome?.kind === 'grade' &&
      entry.outcome.correct &&
      hasTrace(entry, family) &&
      hasWrongStep(gradeTrace(family, entry.episode)) &&
      !picks.some(([picked]) => picked === entry),
  );
  if (traceError !== undefined) picks.push([traceError, 'trace-error']);
  return picks.map(([entry, label]) => transcriptOf(entry, label, options));
}

function transcriptOf(
  played: PlayedEpisode,
  label: Transcript['label'],
  options: TranscriptOptions,
): Transcript {
  const { episode, outcome } = played;
  const judgments = new Map<string, Judgment>(
    played.judgments.map(({ stepId, judgment }) => [stepId, judgment]),
  );
  const rewards = new Map<string, number>();
  let total: number | undefined;
  const paid = options.rewards;
  if (outcome !== undefined && paid !== undefined) {
    try {
      const immediate =
        options.family.kind === 'environment'
          ? environmentRewards(options.family, episode.problem, episode.answer ?? '').map(
              (reward) => reward.proxyReward,
            )
          : undefined;
      const computed = stepRewards({
        episode,
        judgments,
        outcome,
        ...(immediate === undefined ? {} : { immediate }),
        dial: dial(paid.lambda),
        credit: paid.credit === 'myopic' ? myopic() : fullHorizon(paid.gamma),
      });
      computed.stepIds.forEach((id, index) => rewards.set(id, computed.reward[index]));
      total = computed.reward.reduce((sum, value) => sum + value, 0);
    } catch {
      // An episode whose actions cannot be replayed is still worth showing, without rewards.
    }
  }
  return {
    experiment: options.experiment,
    arm: options.arm,
    seed: options.seed,
    label,
    episodeId: episode.id,
    problem: episode.problem,
    answer: episode.answer,
    steps: episode.steps.map((step) => {
      const judgment = judgments.get(step.id);
      const reward = rewards.get(step.id);
      return {
        id: step.id,
        parentId: step.parentId,
        kind: step.kind,
        input: step.input,
        output: step.output,
        producer: step.producer,
        ...(judgment === undefined ? {} : { judgment }),
        ...(reward === undefined ? {} : { reward }),
      };
    }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(paid === undefined ? {} : { lambda: paid.lambda }),
    ...(total === undefined ? {} : { return: total }),
  };
}
