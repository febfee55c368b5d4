/**
 * How a judgment's rating follows its score (see `Judgment`). Free of zod, so the viewer can
 * bundle it.
 */
import type { Judgment, Rating } from './judgment.ts';

/** The rating that summarises a score by its sign: +1 above 0, −1 below, 0 at 0. */
export function ratingOfScore(score: number): Rating {
  return score > 0 ? 1 : score < 0 ? -1 : 0;
}

/**
 * Whether a judgment's rating agrees with its score: absent, 0, or of the score's sign (a score of
 * exactly 0 is approved, so +1 may stand beside it). Judgments recorded before ratings followed
 * the score may disagree; a view shows the score as the number the reward used.
 */
export function ratingAgrees(judgment: Pick<Judgment, 'score' | 'rating'>): boolean {
  const { score, rating } = judgment;
  if (rating === undefined || rating === 0) return true;
  return rating > 0 ? score >= 0 : score < 0;
}
