/**
 * Credit assignment: which rewards a step is trained on. `myopic` (MONA): each step its own
 * reward, so nothing the step causes later can pay for it. `full-horizon` (ordinary RL): each
 * step the discounted return of everything after it, G_t = Σ_k γ^k r_{t+k}.
 */
import { OverseerError } from '../errors.ts';

/** How credit flows back along an episode. */
export type Credit = { kind: 'myopic' } | { kind: 'full-horizon'; gamma: number };

/** Myopic credit. */
export function myopic(): Credit {
  return { kind: 'myopic' };
}

/** Full-horizon credit with discount γ ∈ [0, 1] (default 1). */
export function fullHorizon(gamma = 1): Credit {
  if (!(Number.isFinite(gamma) && gamma >= 0 && gamma <= 1)) {
    throw new OverseerError('reward.bad-gamma', `γ must lie in [0, 1], got ${gamma}.`);
  }
  return { kind: 'full-horizon', gamma };
}

/** Each step's return under `credit`. */
export function assignCredit(rewards: readonly number[], credit: Credit): number[] {
  if (credit.kind === 'myopic') return [...rewards];
  const returns = new Array<number>(rewards.length);
  let following = 0;
  for (let t = rewards.length - 1; t >= 0; t -= 1) {
    following = rewards[t] + credit.gamma * following;
    returns[t] = following;
  }
  return returns;
}
