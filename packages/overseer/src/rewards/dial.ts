/**
 * The dial λ: the one place where judgments (process) and outcomes (consequences) meet.
 * reward = (1 − λ) · process + λ · outcome, so λ = 0 is purely process-based supervision and
 * λ = 1 purely outcome-based.
 */
import { OverseerError } from '../errors.ts';

/** A setting of the dial. */
export interface Dial {
  readonly lambda: number;
  /** Mixes one step's process and outcome rewards. */
  mix(process: number, outcome: number): number;
}

/** The dial at λ ∈ [0, 1]. */
export function dial(lambda: number): Dial {
  if (!(Number.isFinite(lambda) && lambda >= 0 && lambda <= 1)) {
    throw new OverseerError('reward.bad-lambda', `λ must lie in [0, 1], got ${lambda}.`, {
      hint: 'λ = 0 is purely process-based, λ = 1 purely outcome-based.',
    });
  }
  return {
    lambda,
    // At the ends, the other signal is ignored exactly (even if it is not finite).
    mix: (process, outcome) =>
      lambda === 0 ? process : lambda === 1 ? outcome : (1 - lambda) * process + lambda * outcome,
  };
}
