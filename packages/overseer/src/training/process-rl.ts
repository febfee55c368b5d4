/**
 * `process-rl`: policy gradient on the overseer's step-by-step judgments. Defaults λ = 0 (the
 * reward is the overseer's verdict, never a consequence) and myopic credit (a step's tokens are
 * paid that step's reward only), GRPO advantages normalised per step position. Raising λ mixes the
 * outcome in through the dial; the credit stays myopic unless set otherwise.
 */
import { reinforcementTrainer } from './reinforcement.ts';
import type { ReinforcementOptions } from './reinforcement.ts';
import type { Trainer } from './trainer.ts';

/** Options of process-rl: every policy-gradient option; λ defaults to 0, credit to myopic, normalize to step. */
export type ProcessRlOptions = Partial<ReinforcementOptions>;

/** The process-based policy-gradient trainer. */
export function processRl(options: ProcessRlOptions = {}): Trainer {
  return reinforcementTrainer(
    'process-rl',
    { lambda: 0, credit: 'myopic', normalize: 'step' },
    options,
  );
}
