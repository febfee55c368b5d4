/**
 * The one evaluation path: a policy answers problems through a scaffold, every episode is graded,
 * judged by the overseer (when there is one) and recorded (when there is a recorder), and the
 * episodes become `metrics.ts`'s evaluation metrics. The loop's held-out evaluation and
 * `overseer eval` both measure this way, so their numbers mean the same thing.
 */
import { evaluationMetrics } from './metrics.ts';
import type { MetricValues } from './report.ts';
import { playEpisodes } from './run-episodes.ts';
import type { PlayedEpisode, PlayOptions } from './run-episodes.ts';

/**
 * Options of `evaluate`: what `playEpisodes` plays (family, scaffold, policy, overseer, problems,
 * ids, seed, recorder …), and the difficulties the policy was trained on, when known, which split
 * accuracy into in and out of distribution.
 */
export type EvaluateOptions = PlayOptions & { trainedDifficulties?: readonly number[] };

/** What an evaluation measured, and the episodes it measured it on (for transcripts and extras). */
export interface Evaluation {
  metrics: MetricValues;
  played: PlayedEpisode[];
}

/** Plays, grades, judges and records the episodes and measures them; one episode's failure counts, never throws. */
export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const played = await playEpisodes(options);
  return {
    metrics: evaluationMetrics(options.family, played, options.trainedDifficulties),
    played,
  };
}
