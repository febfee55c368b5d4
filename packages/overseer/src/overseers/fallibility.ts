/**
 * The fallibility knobs every on-paper judge of this room can be given, to study how supervision
 * degrades with a noisy overseer: with probability `flipProbability` a sure verdict is reversed;
 * with probability `missProbability` a step judged wrong passes as right; Gaussian noise of
 * deviation `noise` is added to the score. Draws come from the step's own stream
 * (`stepRandomness`), in a fixed order, so a verdict never depends on what was judged before.
 */
import type { Random } from '../util/random.ts';
import type { JsonObject, Rating } from '../spec/index.ts';

/** The fallibility options, as an overseer's options carry them. */
export interface FallibilityOptions {
  /** Probability of reversing a sure verdict (+1 ↔ −1); 0 (default) is exact. */
  flipProbability?: number;
  /** Standard deviation of Gaussian noise added to the score (default 0). */
  noise?: number;
  /** Probability a step judged wrong is judged right instead (default 0). */
  missProbability?: number;
}

/** The option names that make an overseer fallible (what `exactOverseer` drops). */
export const FALLIBILITY_OPTIONS = ['flipProbability', 'missProbability', 'noise'] as const;

/** The fallibility options with their defaults, as a reference records them. */
export function fallibilityReference(options: FallibilityOptions): JsonObject {
  const missProbability = options.missProbability ?? 0;
  return {
    flipProbability: options.flipProbability ?? 0,
    noise: options.noise ?? 0,
    ...(missProbability > 0 ? { missProbability } : {}),
  };
}

/** A verdict before or after fallibility. */
export interface FallibleVerdict {
  rating: Rating;
  score: number;
  rationale: string;
}

/**
 * The verdict after the knobs: both the flip and the noise are drawn every time (so the noise a
 * step gets does not depend on the flip), the miss last and only when asked for. The score is
 * returned unclipped, with the noise added.
 */
export function applyFallibility(
  verdict: FallibleVerdict,
  random: Random,
  options: FallibilityOptions,
): FallibleVerdict {
  const noise = options.noise ?? 0;
  const missProbability = options.missProbability ?? 0;
  let { rating, score, rationale } = verdict;
  const flip = random.next() < (options.flipProbability ?? 0);
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
  return { rating, score: score + jitter, rationale };
}
