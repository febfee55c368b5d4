/**
 * Advantages from credited per-step rewards. The rewards arrive already credited (rewards/ decides
 * whether a step is paid its own reward — myopic — or the sum of its own and every later one —
 * full horizon); this file only subtracts a baseline and, optionally, divides by a spread:
 *
 * - `group` (GRPO): k episodes of one prompt form a group; a step's baseline is the mean of the
 *   group's credited rewards at the same step position (`normalize: 'step'`) or of every step of
 *   the group pooled (`normalize: 'prompt'`), and the difference is divided by their standard
 *   deviation when `scale` is set.
 * - `baseline`: a running mean per step position, updated after each batch, so a step's advantage
 *   never depends on rewards drawn in the same batch.
 * - `rloo` (REINFORCE leave-one-out, Ahmadian et al. 2024): a step's baseline is the mean of the
 *   other episodes of its group at the same position (or pooled over the prompt) — unbiased, as
 *   the baseline never contains the episode's own reward; not divided by a spread.
 * - `question-baseline`: a running mean per (question, step position), starting at 0 (the score
 *   halfway between approval and disapproval), so a question whose samples all agree on a wrong
 *   answer still gets a negative advantage until its baseline has learnt that it is hard.
 * - `none`: the credited reward itself (plain REINFORCE).
 *
 * With `normalize: 'step'` or a running baseline, a step's advantage depends only on rewards at
 * its own position, so under myopic credit a later step's reward cannot reach an earlier step.
 */
import { OverseerError } from '../errors.ts';

/** How a baseline is formed. */
export type AdvantageMode = 'group' | 'rloo' | 'baseline' | 'question-baseline' | 'none';

/** Which rewards a group baseline pools: those at one step position, or all of a prompt's. */
export type GroupNormalization = 'step' | 'prompt';

/** One episode's credited per-step rewards, tagged with the prompt group it was sampled for. */
export interface CreditedEpisode {
  /** Episodes sampled for the same prompt share a group. */
  group: number | string;
  /** Credited reward of each step, in order. */
  rewards: readonly number[];
}

/** Options of `groupAdvantages`. */
export interface GroupAdvantageOptions {
  /** Pool per step position (default) or over the whole prompt. */
  normalize?: GroupNormalization;
  /** Divide by the pooled standard deviation (GRPO; default true). */
  scale?: boolean;
  /** Guards the division when every reward in a pool is equal (default 1e-6). */
  epsilon?: number;
}

/** GRPO-style advantages: each credited reward minus its group's mean, over its spread. */
export function groupAdvantages(
  episodes: readonly CreditedEpisode[],
  options: GroupAdvantageOptions = {},
): number[][] {
  const { normalize = 'step', scale = true, epsilon = 1e-6 } = options;
  checkRewards(episodes);
  const { key: poolKey, pools } = rewardPools(episodes, normalize);
  const statistics = new Map<string, { mean: number; deviation: number }>();
  for (const [key, pool] of pools) statistics.set(key, meanAndDeviation(pool));
  return episodes.map((episode) =>
    episode.rewards.map((reward, position) => {
      const { mean, deviation } = statistics.get(poolKey(episode.group, position))!;
      const spread = deviation + epsilon;
      return scale && spread > 0 ? (reward - mean) / spread : reward - mean;
    }),
  );
}

/** The pools of a batch: credited rewards by group and (under `step`) position. */
function rewardPools(
  episodes: readonly CreditedEpisode[],
  normalize: GroupNormalization,
): { key: (group: number | string, position: number) => string; pools: Map<string, number[]> } {
  const key = (group: number | string, position: number): string =>
    normalize === 'step' ? `${String(group)}\u0000${position}` : String(group);
  const pools = new Map<string, number[]>();
  for (const episode of episodes) {
    episode.rewards.forEach((reward, position) => {
      const pool = pools.get(key(episode.group, position));
      if (pool) pool.push(reward);
      else pools.set(key(episode.group, position), [reward]);
    });
  }
  return { key, pools };
}

/**
 * Leave-one-out advantages (RLOO): each credited reward minus the mean of the rest of its pool
 * (0 for a reward alone in its pool: nothing to compare it with).
 */
export function leaveOneOutAdvantages(
  episodes: readonly CreditedEpisode[],
  options: { normalize?: GroupNormalization } = {},
): number[][] {
  checkRewards(episodes);
  const { key, pools } = rewardPools(episodes, options.normalize ?? 'step');
  const sums = new Map([...pools].map(([name, pool]) => [name, pool.reduce((a, b) => a + b, 0)]));
  return episodes.map((episode) =>
    episode.rewards.map((reward, position) => {
      const name = key(episode.group, position);
      const count = pools.get(name)!.length;
      return count < 2 ? 0 : reward - (sums.get(name)! - reward) / (count - 1);
    }),
  );
}

/**
 * A running baseline per (question, step position): starts at `initial` and moves towards each
 * batch's mean at `rate`. A step's advantage uses the baseline as it stood before its batch.
 */
export class QuestionBaseline {
  private readonly means = new Map<string, number>();

  /** `rate` is the weight of a new batch's mean; `initial` a position's baseline before any. */
  constructor(
    readonly rate = 0.1,
    readonly initial = 0,
  ) {
    if (!(rate > 0 && rate <= 1)) {
      throw new OverseerError('training.options', `baseline rate ${rate} must lie in (0, 1]`);
    }
  }

  /** The baseline of a question's step position. */
  value(question: string, position: number): number {
    return this.means.get(`${question}\u0000${position}`) ?? this.initial;
  }

  /** Advantages of episodes whose group is their question, then the baseline update. */
  advantages(episodes: readonly CreditedEpisode[]): number[][] {
    checkRewards(episodes);
    const result = episodes.map((episode) =>
      episode.rewards.map(
        (reward, position) => reward - this.value(String(episode.group), position),
      ),
    );
    const { pools } = rewardPools(episodes, 'step');
    for (const [name, pool] of pools) {
      const before = this.means.get(name) ?? this.initial;
      const mean = pool.reduce((a, b) => a + b, 0) / pool.length;
      this.means.set(name, (1 - this.rate) * before + this.rate * mean);
    }
    return result;
  }
}

/**
 * A running baseline per step position: an exponential moving average of the credited reward
 * seen at that position, initialised from the first batch that reaches it.
 */
export class RunningBaseline {
  private readonly means: number[] = [];

  /** `rate` is the weight of a new batch's mean (default 0.1). */
  constructor(readonly rate = 0.1) {
    if (!(rate > 0 && rate <= 1)) {
      throw new OverseerError('training.options', `baseline rate ${rate} must lie in (0, 1]`);
    }
  }

  /** The current baseline at each step position seen so far. */
  get values(): readonly number[] {
    return this.means;
  }

  /**
   * Advantages against the baseline as it stood before this batch, then the baseline update.
   * A position seen for the first time takes the batch mean as its baseline.
   */
  advantages(episodes: readonly CreditedEpisode[]): number[][] {
    checkRewards(episodes);
    const sums: number[] = [];
    const counts: number[] = [];
    for (const episode of episodes) {
      episode.rewards.forEach((reward, position) => {
        sums[position] = (sums[position] ?? 0) + reward;
        counts[position] = (counts[position] ?? 0) + 1;
      });
    }
    sums.forEach((sum, position) => {
      if (this.means[position] === undefined) this.means[position] = sum / counts[position];
    });
    const result = episodes.map((episode) =>
      episode.rewards.map((reward, position) => reward - this.means[position]),
    );
    sums.forEach((sum, position) => {
      const mean = sum / counts[position];
      this.means[position] = (1 - this.rate) * this.means[position] + this.rate * mean;
    });
    return result;
  }
}

/** The mean and (population) standard deviation of a non-empty list. */
export function meanAndDeviation(values: readonly number[]): { mean: number; deviation: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, deviation: Math.sqrt(variance) };
}

function checkRewards(episodes: readonly CreditedEpisode[]): void {
  for (const episode of episodes) {
    for (const reward of episode.rewards) {
      if (!Number.isFinite(reward)) {
        throw new OverseerError(
          'training.reward',
          `a credited reward is ${reward}; rewards must be finite numbers`,
          { hint: 'check the overseer and the outcome that produced it' },
        );
      }
    }
  }
}
