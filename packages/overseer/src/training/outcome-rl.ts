/**
 * `outcome-rl`: policy gradient on consequences. Defaults λ = 1 (the reward is the final grade or
 * the environment's proxy return) and full-horizon credit (every token of the episode is paid the
 * return from its step on), GRPO advantages pooled over each prompt's steps — episodes of one
 * prompt end at different lengths, and a per-position baseline would compare the late steps of
 * long episodes only with each other. Lowering λ mixes the overseer's judgments in.
 */
import { reinforcementTrainer } from './reinforcement.ts';
import type { ReinforcementOptions } from './reinforcement.ts';
import type { Trainer } from './trainer.ts';

/** Options of outcome-rl: every policy-gradient option; λ defaults to 1, credit to full-horizon, normalize to prompt. */
export type OutcomeRlOptions = Partial<ReinforcementOptions>;

/** The outcome-based policy-gradient trainer. */
export function outcomeRl(options: OutcomeRlOptions = {}): Trainer {
  return reinforcementTrainer(
    'outcome-rl',
    { lambda: 1, credit: 'full-horizon', normalize: 'prompt' },
    options,
  );
}
