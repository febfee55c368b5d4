import type { LoopPhase } from '../spec/index.ts';

/** The options every export format reads (each uses the ones that concern it). */
export interface ExportOptions {
  /** Only episodes of this iteration of the loop. */
  iteration?: number;
  /** Only episodes of this experiment of an `overseer run`. */
  experiment?: string;
  /** Only episodes of arms of this name (within `experiment` when it is given too). */
  arm?: string;
  /** Only graded episodes whose answer was correct (rejection sampling, STaR, expert iteration). */
  onlyCorrect?: boolean;
  /**
   * Only episodes `overseer run` played in this phase: `amplify` (the amplified system's answers,
   * what IDA distils), `rollout` (policy-gradient samples, each step judged) or `evaluation`.
   */
  phase?: LoopPhase;
  /** Use only the judgments of this overseer (registry name); the last one per step counts. */
  overseer?: string;
  /** SFT formats: train on the whole transcript (default) or on the final answer alone. */
  target?: 'transcript' | 'answer';
  /** SFT formats: also emit every sub-question of a decomposition as its own example. */
  allNodes?: boolean;
  /** openai-sft: a system message to put first in every example. */
  system?: string;
  /** openai-sft: give each assistant message `weight` 0 when one of its steps was judged ≤ 0. */
  weights?: boolean;
  /** trl-dpo: a pair needs scores further apart than this (default 0). */
  margin?: number;
  /** trl-dpo: at most this many pairs per prompt (default: all). */
  maxPairsPerPrompt?: number;
}
