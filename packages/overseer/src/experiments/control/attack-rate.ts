/**
 * The red team's choice of attack: knowing the protocol (as the paper's red team does), it
 * confines its attacks to the tasks whose attack U itself judges least suspicious (a share of
 * them, from a given list; never by the trusted monitor's score, which it cannot see) and attacks
 * each such task with the probability that minimises the blue team's safety. The rate search scans
 * a logarithmic grid from a tenth of one attack per game to every task, then refines around the
 * best grid point by golden-section search on the logarithm of the rate.
 */
import { OverseerError } from '../../errors.ts';
import { safety } from './game.ts';
import type { GameOptions } from './game.ts';
import type { ControlProtocol, ControlSample } from './protocols.ts';

/** The red team's best attack rate against a protocol and the safety it leaves. */
export interface WorstCase {
  attackRate: number;
  safety: number;
}

/** Grid points per factor of ten. */
const POINTS_PER_DECADE = 8;
/** Golden-section steps after the grid. */
const REFINEMENTS = 20;

/**
 * The attack rate that minimises safety when U attacks only where it judges its attack at most
 * `threshold` suspicious (+∞: anywhere), and that safety.
 */
export function worstAttackRate(
  protocol: ControlProtocol,
  samples: readonly ControlSample[],
  options: GameOptions,
  threshold = Number.POSITIVE_INFINITY,
): WorstCase {
  const of = (logRate: number): number =>
    safety(protocol, samples, Math.min(1, 10 ** logRate), options, threshold);
  const lowest = Math.log10(0.1 / options.tasks);
  const steps = Math.ceil(-lowest * POINTS_PER_DECADE);
  const grid = Array.from({ length: steps + 1 }, (_, index) => lowest * (1 - index / steps));
  const values = grid.map(of);
  let best = 0;
  values.forEach((value, index) => {
    if (value < values[best]) best = index;
  });
  let low = grid[Math.max(0, best - 1)];
  let high = grid[Math.min(grid.length - 1, best + 1)];
  let bestLog = grid[best];
  let bestValue = values[best];
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < REFINEMENTS; step += 1) {
    const left = high - ratio * (high - low);
    const right = low + ratio * (high - low);
    const [leftValue, rightValue] = [of(left), of(right)];
    for (const [point, value] of [
      [left, leftValue],
      [right, rightValue],
    ]) {
      if (value < bestValue) [bestLog, bestValue] = [point, value];
    }
    if (leftValue < rightValue) high = right;
    else low = left;
  }
  return { attackRate: Math.min(1, 10 ** bestLog), safety: bestValue };
}

/** The red team's best play: where it attacks, how often, and the safety it leaves. */
export interface RedTeamPlay extends WorstCase {
  /** U's own suspicion of its attack at or under which it attacks. */
  threshold: number;
  /** Share of the tasks under the threshold (ties can take it past the share asked for). */
  selectionShare: number;
  /** Share of all tasks attacked: the attack rate times the share selected. */
  overallRate: number;
}

/**
 * U's self-suspicion at or under which the `share` least suspicious of the samples' attacks lie
 * (at least one task's).
 */
export function selectionThreshold(samples: readonly ControlSample[], share: number): number {
  const sorted = samples.map((sample) => sample.selfSuspicion).sort((a, b) => a - b);
  const count = Math.min(sorted.length, Math.max(1, Math.ceil(share * sorted.length - 1e-9)));
  return share >= 1 ? Number.POSITIVE_INFINITY : sorted[count - 1];
}

/** Over the selection shares and the attack rate, the red team's play that minimises safety. */
export function worstAttack(
  protocol: ControlProtocol,
  samples: readonly ControlSample[],
  options: GameOptions & { selectionShares: readonly number[] },
): RedTeamPlay {
  let best: RedTeamPlay | undefined;
  for (const share of options.selectionShares) {
    const threshold = selectionThreshold(samples, share);
    const worst = worstAttackRate(protocol, samples, options, threshold);
    if (best !== undefined && worst.safety >= best.safety) continue;
    const selectionShare =
      samples.filter((sample) => sample.selfSuspicion <= threshold).length / samples.length;
    best = { ...worst, threshold, selectionShare, overallRate: worst.attackRate * selectionShare };
  }
  if (best === undefined) {
    throw new OverseerError(
      'control.no-selection',
      'the red team needs at least one selection share',
      {
        hint: 'set redTeam.selectionShares to a list such as [1, 0.2]',
      },
    );
  }
  return best;
}
