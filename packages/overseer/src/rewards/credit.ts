/**
 * Credit assignment: which rewards a step is trained on. `myopic` (MONA): each step its own
 * reward, so nothing the step causes later can pay for it. `full-horizon` (ordinary RL): each
 * step the discounted return of everything after it, G_t = Σ_k γ^k r_{t+k}. `horizon` (H steps):
 * the return of the next H steps only, G_t = Σ_{k<H} γ^k r_{t+k} — the dial between the two, so
 * a payoff that arrives within H steps is credited and one further off is not.
 */
import { OverseerError } from '../errors.ts';

/** How credit flows back along an episode. */
export type Credit =
  | { kind: 'myopic' }
  | { kind: 'full-horizon'; gamma: number }
  | { kind: 'horizon'; steps: number; gamma: number };

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

/** Credit over the next `steps` steps (an integer ≥ 1; 1 is myopic), discounted by γ. */
export function horizon(steps: number, gamma = 1): Credit {
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new OverseerError(
      'reward.bad-horizon',
      `a credit horizon is a whole number of steps ≥ 1, got ${steps}.`,
      {
        hint: 'Use 1 for myopic credit, or full-horizon credit for the whole rest of the episode.',
      },
    );
  }
  fullHorizon(gamma); // the same check of γ
  return { kind: 'horizon', steps, gamma };
}

/** Each step's return under `credit`. */
export function assignCredit(rewards: readonly number[], credit: Credit): number[] {
  if (credit.kind === 'myopic') return [...rewards];
  if (credit.kind === 'horizon') {
    return rewards.map((_, t) => {
      let total = 0;
      let weight = 1;
      for (let k = 0; k < credit.steps && t + k < rewards.length; k += 1) {
        total += weight * rewards[t + k];
        weight *= credit.gamma;
      }
      return total;
    });
  }
  const returns = new Array<number>(rewards.length);
  let following = 0;
  for (let t = rewards.length - 1; t >= 0; t -= 1) {
    following = rewards[t] + credit.gamma * following;
    returns[t] = following;
  }
  return returns;
}
