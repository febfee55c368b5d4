/**
 * The `program` overseer: the weak expert's local step check (the family's `checkStep`), made
 * fallible on purpose — with probability `flipProbability` a sure verdict is reversed, and
 * Gaussian noise of deviation `noise` is added to the score — to study how process supervision
 * degrades with a noisy overseer (cf. noisy-H injection in rmoehn/amplification) — and with
 * probability `missProbability` a wrong step passes as right (a check that catches a wrong step
 * with probability q = 1 − missProbability; right steps are never failed by it). Seeded: a
 * verdict depends on the seed, the step and how often this overseer has seen that step, never on
 * the order other steps were judged in.
 */
import { deriveSeed, Random } from '../util/random.ts';
import type { Judgment, ProposedStep } from '../spec/index.ts';
import { proposedStepKey } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import type { Overseer } from './overseer.ts';
import { settleScore } from './overseer.ts';
import { applyFallibility, fallibilityReference } from './fallibility.ts';
import type { FallibilityOptions } from './fallibility.ts';

/** Options of the program overseer: the fallibility knobs (fallibility.ts) and their seed. */
export interface ProgramOverseerOptions extends FallibilityOptions {
  /** Seed of the flips, misses and the noise (default 0). */
  seed?: number;
}

/** Per-step random streams: the n-th judgment of the same step gets the n-th stream. */
export function stepRandomness(seed: number, label: string): (step: ProposedStep) => Random {
  const seen = new Map<string, number>();
  return (step) => {
    const key = proposedStepKey(step);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return new Random(deriveSeed(seed, label, key, occurrence));
  };
}

/** The weak expert of `family` as a (possibly fallible) overseer. */
export function programOverseer(
  family: TaskFamily,
  options: ProgramOverseerOptions = {},
): Overseer {
  const seed = options.seed ?? 0;
  const randomFor = stepRandomness(seed, 'program');
  const { flipProbability, noise, ...miss } = fallibilityReference(options);
  const reference = { name: 'program', options: { flipProbability, noise, seed, ...miss } };
  return {
    reference,
    async judge(step: ProposedStep): Promise<Judgment> {
      const started = performance.now();
      const check = family.checkStep(step);
      const { rating, score, rationale } = applyFallibility(
        { rating: check.rating, score: check.score, rationale: check.reason },
        randomFor(step),
        options,
      );
      return {
        ...settleScore(score, rating),
        rationale,
        overseer: reference,
        method: 'program',
        durationMs: performance.now() - started,
      };
    },
  };
}
