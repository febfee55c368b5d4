/**
 * The transcripts an evaluation shows: its best and worst episode (the truth first, judgments
 * next); where answers have traces, a right answer reached through a wrong step; and where the
 * weak expert errs, an episode that copied its error and one that corrected it — each step
 * with its judgment and, for an arm paid by the dial, its reward. The metrics of the same
 * episodes are `metrics.ts`'s.
 */
import { environmentRewards } from '../outcomes/environment.ts';
import { fullHorizon, myopic } from '../rewards/credit.ts';
import { dial } from '../rewards/dial.ts';
import { stepRewards } from '../rewards/step-rewards.ts';
import { trueRewardOf } from '../spec/index.ts';
import type { Judgment } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import {
  copiedExpertError,
  expertErrors,
  meanProcessReward,
  rightAnswer,
  rightThroughWrongStep,
} from './metrics.ts';
import type { Transcript } from './report.ts';
import type { PlayedEpisode } from './run-episodes.ts';

/**
 * How good an episode was, for picking the best and the worst: the truth first, judgments next
 * (the report says so with report.ts's TRANSCRIPT_RANKING; keep the two together).
 */
function quality(played: PlayedEpisode): number {
  const judged = meanProcessReward([played]);
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
    (entry) => rightThroughWrongStep(family, entry) && !picks.some(([picked]) => picked === entry),
  );
  if (traceError !== undefined) picks.push([traceError, 'trace-error']);
  const transcripts = picks.map(([entry, label]) => transcriptOf(entry, label, options));
  // Where the weak expert errs, one episode that copied its error and one that corrected it.
  const erring = expertErrors(family, played);
  const copied = erring.find(copiedExpertError);
  const corrected = erring.find(({ entry }) => rightAnswer(entry));
  for (const [error, label] of [
    [copied, 'copied-error'],
    [corrected, 'corrected-error'],
  ] as const) {
    if (error !== undefined) {
      transcripts.push({ ...transcriptOf(error.entry, label, options), expertAnswer: error.wrong });
    }
  }
  return transcripts;
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
