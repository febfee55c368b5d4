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

/** Options of the program overseer. */
export interface ProgramOverseerOptions {
  /** Probability of reversing a sure verdict (+1 ↔ −1); 0 (default) is the exact expert. */
  flipProbability?: number;
  /** Standard deviation of Gaussian noise added to the score (default 0). */
  noise?: number;
  /** Probability a step the check finds wrong is judged right instead (default 0: every wrong step caught). */
  missProbability?: number;
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
  const flipProbability = options.flipProbability ?? 0;
  const noise = options.noise ?? 0;
  const missProbability = options.missProbability ?? 0;
  const seed = options.seed ?? 0;
  const randomFor = stepRandomness(seed, 'program');
  const reference = {
    name: 'program',
    options: { flipProbability, noise, seed, ...(missProbability > 0 ? { missProbability } : {}) },
  };
  return {
    reference,
    async judge(step: ProposedStep): Promise<Judgment> {
      const started = performance.now();
      const check = family.checkStep(step);
      const random = randomFor(step);
      let { rating, score } = check;
      let rationale = check.reason;
      // Draw both numbers every time, so the noise a step gets does not depend on the flip; the
      // miss is drawn last and only when asked for, so flips and noise are as without it.
      const flip = random.next() < flipProbability;
      const jitter = noise > 0 ? random.normal(0, noise) : 0;
      if (missProbability > 0 && rating === -1 && random.next() < missProbability) {
        rating = 1;
        score = -score;
        rationale = `(missed) ${rationale}`;
      }
      if (flip && rating !== 0) {
        rating = rating === 1 ? -1 : 1;
        score = -score;
        rationale = `(flipped) ${rationale}`;
      }
      return {
        ...settleScore(score + jitter, rating),
        rationale,
        overseer: reference,
        method: 'program',
        durationMs: performance.now() - started,
      };
    },
  };
}
