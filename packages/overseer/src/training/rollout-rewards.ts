/**
 * From judged rollouts to per-step advantages, through rewards/: each step's process reward is
 * its judgment's score, its outcome reward the environment's immediate proxy reward (actions) or,
 * for a question, the grade's reward on the last step; the dial λ mixes the two and the credit
 * (myopic or full-horizon) says which mixed rewards a step is trained on. Advantages then come
 * from advantages.ts, and every token of a step gets its step's advantage.
 */
import { assignCredit } from '../rewards/credit.ts';
import type { Credit } from '../rewards/credit.ts';
import type { Dial } from '../rewards/dial.ts';
import { outcomeRewards, processReward } from '../rewards/step-rewards.ts';
import { groupAdvantages, leaveOneOutAdvantages } from './advantages.ts';
import type { GroupNormalization, QuestionBaseline, RunningBaseline } from './advantages.ts';
import type { CreditedCall } from './policy-gradient.ts';
import type { Rollout } from './rollouts.ts';

/** Aligned per-step rewards of one rollout. */
export interface RolloutRewards {
  /** The overseer's score per step (0 where a step was not judged). */
  process: number[];
  /** The outcome reward per step. */
  outcome: number[];
  /** The dial's mix per step. */
  reward: number[];
  /** What each step is trained on after credit assignment. */
  returns: number[];
}

/**
 * Which judgments are paid as the process reward: every step's own (`steps`), or only the final
 * answer's — the whole answer reviewed on paper — on the last step (`answer`), so a step that is
 * valid but makes no progress earns nothing by itself.
 */
export type ProcessRewardSource = 'steps' | 'answer';

/** The per-step rewards of a rollout under a dial and a credit. */
export function rolloutRewards(
  rollout: Rollout,
  dial: Dial,
  credit: Credit,
  source: ProcessRewardSource = 'steps',
): RolloutRewards {
  const last = rollout.steps.length - 1;
  const process = rollout.steps.map((step, index) => {
    if (step.judgment === undefined) return 0;
    if (source === 'answer' && !(index === last && step.kind === 'answer')) return 0;
    return processReward(step.judgment);
  });
  const actions = rollout.steps.length > 0 && rollout.steps.every((step) => step.kind === 'action');
  const immediate = actions ? rollout.steps.map((step) => step.proxyReward ?? 0) : undefined;
  const outcome = outcomeRewards(rollout.steps.length, rollout.outcome, immediate);
  const reward = process.map((value, index) => dial.mix(value, outcome[index]));
  return { process, outcome, reward, returns: assignCredit(reward, credit) };
}

/** How advantages are formed from the credited returns. */
export type AdvantageSettings =
  | { mode: 'group'; normalize: GroupNormalization; scale: boolean }
  | { mode: 'rloo'; normalize: GroupNormalization }
  | { mode: 'baseline'; baseline: RunningBaseline }
  | { mode: 'question-baseline'; baseline: QuestionBaseline }
  | { mode: 'none' };

/** Per-step advantages of a batch of rollouts from their credited returns. */
export function stepAdvantages(
  rollouts: readonly Rollout[],
  returns: ReadonlyArray<readonly number[]>,
  settings: AdvantageSettings,
): number[][] {
  const episodes = rollouts.map((rollout, index) => ({
    group: rollout.group,
    rewards: returns[index],
  }));
  if (settings.mode === 'group') {
    return groupAdvantages(episodes, { normalize: settings.normalize, scale: settings.scale });
  }
  if (settings.mode === 'rloo') {
    return leaveOneOutAdvantages(episodes, { normalize: settings.normalize });
  }
  if (settings.mode === 'baseline') return settings.baseline.advantages(episodes);
  if (settings.mode === 'question-baseline') {
    return settings.baseline.advantages(
      rollouts.map((rollout, index) => ({
        group: rollout.problem.question,
        rewards: returns[index],
      })),
    );
  }
  return episodes.map((episode) => [...episode.rewards]);
}

/**
 * Whether each rollout's group carries a learning signal: false when every rollout of the group
 * was credited the same returns (any baseline drawn from the group leaves them all at zero, so
 * their gradient would be the entropy and KL terms alone, at the price of a forward and backward
 * pass).
 */
export function informativeGroups(
  rollouts: readonly Rollout[],
  returns: ReadonlyArray<readonly number[]>,
): boolean[] {
  const first = new Map<number, string>();
  const mixed = new Set<number>();
  rollouts.forEach((rollout, index) => {
    const key = JSON.stringify(returns[index]);
    const seen = first.get(rollout.group);
    if (seen === undefined) first.set(rollout.group, key);
    else if (seen !== key) mixed.add(rollout.group);
  });
  return rollouts.map((rollout) => mixed.has(rollout.group));
}

/** The model calls of the rollouts, each token carrying its step's advantage. */
export function creditedCalls(
  rollouts: readonly Rollout[],
  advantages: ReadonlyArray<readonly number[]>,
): CreditedCall[] {
  return rollouts.flatMap((rollout, index) => {
    const perCall = rollout.calls.map((call) => new Array<number>(call.tokens.length).fill(0));
    rollout.steps.forEach((step, position) => {
      for (let token = step.start; token < step.end; token++) {
        perCall[step.call][token] = advantages[index][position];
      }
    });
    return rollout.calls.map((call, callIndex) => ({ call, advantages: perCall[callIndex] }));
  });
}
