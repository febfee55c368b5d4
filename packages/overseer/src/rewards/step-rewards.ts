/**
 * Per-step reward vectors for policy gradient. The decision steps of an episode (what the policy
 * wrote) each get a process reward (their judgment's score; 0 where unjudged), an outcome reward
 * (the environment's immediate proxy reward for actions; for a question, the grade's reward on the
 * last decision step), the dial's mix of the two, and the return under the chosen credit.
 */
import { OverseerError } from '../errors.ts';
import type { Episode, Judgment, Outcome, Step } from '../spec/index.ts';
import type { Credit } from './credit.ts';
import { assignCredit } from './credit.ts';
import type { Dial } from './dial.ts';

/**
 * The steps a policy-gradient update applies to: the thoughts, answers and actions the policy
 * wrote (question nodes only carry their answer up from such a step).
 */
export function decisionSteps(episode: Episode): Step[] {
  return episode.steps.filter(
    (step) =>
      step.parentId !== null &&
      step.producer === 'policy' &&
      (step.kind === 'thought' || step.kind === 'answer' || step.kind === 'action'),
  );
}

/** The process reward of one judgment: its score in [-1, 1]. */
export function processReward(judgment: Judgment): number {
  return judgment.score;
}

/**
 * Outcome rewards for `count` decision steps: an environment's immediate rewards where given
 * (one per step), else the whole outcome's reward on the last step.
 */
export function outcomeRewards(
  count: number,
  outcome: Outcome,
  immediate?: readonly number[],
): number[] {
  if (immediate !== undefined) {
    if (immediate.length !== count) {
      throw new OverseerError(
        'reward.misaligned',
        `${immediate.length} immediate rewards for ${count} decision steps.`,
        { hint: 'Pass one immediate reward per action the policy took.' },
      );
    }
    return [...immediate];
  }
  const rewards = new Array<number>(count).fill(0);
  if (count > 0) rewards[count - 1] = outcome.reward;
  return rewards;
}

/** What `stepRewards` needs. */
export interface StepRewardInput {
  episode: Episode;
  /** Judgments by step id (from overseers/). */
  judgments: ReadonlyMap<string, Judgment>;
  /** The episode's outcome (from outcomes/). */
  outcome: Outcome;
  /** Immediate outcome rewards per decision step, for environments. */
  immediate?: readonly number[];
  dial: Dial;
  credit: Credit;
}

/** Aligned per-step vectors for the episode's decision steps. */
export interface StepRewards {
  stepIds: string[];
  process: number[];
  outcome: number[];
  /** The dial's mix of process and outcome, per step. */
  reward: number[];
  /** The reward each step is trained on, after credit assignment. */
  returns: number[];
}

/** The per-step rewards of one episode. */
export function stepRewards(input: StepRewardInput): StepRewards {
  const steps = decisionSteps(input.episode);
  const process = steps.map((step) => {
    const judgment = input.judgments.get(step.id);
    return judgment === undefined ? 0 : processReward(judgment);
  });
  const outcome = outcomeRewards(steps.length, input.outcome, input.immediate);
  const reward = process.map((value, index) => input.dial.mix(value, outcome[index]));
  return {
    stepIds: steps.map((step) => step.id),
    process,
    outcome,
    reward,
    returns: assignCredit(reward, input.credit),
  };
}
