/**
 * An overseer judges a proposed step on paper: it receives the `ProposedStep` (which carries what
 * preceded it at its node) and returns a Judgment. It never receives an Outcome or an environment
 * handle, and nothing in this folder imports outcomes/ (a lint rule and a test keep it so): that is
 * what makes the reward built from its judgments process-based.
 */
import { ratingOfScore } from '../spec/index.ts';
import type { Judgment, ProposedStep, Rating, RegistryReference } from '../spec/index.ts';

/** A judge of proposed steps. */
export interface Overseer {
  /** `{ name, options }` exactly as the registry rebuilds it. */
  readonly reference: RegistryReference;
  judge(step: ProposedStep): Promise<Judgment>;
}

/** Clamps a score into the Judgment range [-1, 1]. */
export function clampScore(score: number): number {
  return Math.max(-1, Math.min(1, score));
}

/**
 * A raw score as a Judgment carries it: clipped into [-1, 1] (with `unclipped` kept when clipping
 * changed it), and a rating that agrees with the clipped score — `rating` as given unless noise
 * carried the score across 0, then the score's sign (see spec's `ratingAgrees`).
 */
export function settleScore(
  raw: number,
  rating: Rating = ratingOfScore(raw),
): Pick<Judgment, 'score' | 'rating' | 'unclipped'> {
  const score = clampScore(raw);
  const agreed =
    (rating > 0 && score < 0) || (rating < 0 && score >= 0) ? ratingOfScore(score) : rating;
  return { score, rating: agreed, ...(score === raw ? {} : { unclipped: raw }) };
}
