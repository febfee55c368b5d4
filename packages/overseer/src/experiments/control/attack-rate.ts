/**
 * The red team's choice of attack rate: knowing the protocol (as the paper's red team does), it
 * attacks each task with the probability that minimises the blue team's safety. The search scans
 * a logarithmic grid from a tenth of one attack per game to every task, then refines around the
 * best grid point by golden-section search on the logarithm of the rate.
 */
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

/** The attack rate that minimises safety, and that safety. */
export function worstAttackRate(
  protocol: ControlProtocol,
  samples: readonly ControlSample[],
  options: GameOptions,
): WorstCase {
  const of = (logRate: number): number =>
    safety(protocol, samples, Math.min(1, 10 ** logRate), options);
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
