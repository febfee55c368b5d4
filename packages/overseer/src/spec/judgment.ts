import { z } from 'zod';
import { RegistryReference } from './configuration.ts';
import { Cost } from './cost.ts';

/** A PRM800K-style discrete label: −1 wrong, 0 neutral or unsure, +1 right. */
export const Rating = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
/** A PRM800K-style discrete label. */
export type Rating = z.infer<typeof Rating>;

/**
 * How the overseer reached its judgment: a program (the weak expert's local check or a value
 * function), a model judge reading the step, a model judge after the policy's justification,
 * a judge after a debate or a consultation, or a human.
 */
export const JudgmentMethod = z.enum([
  'program',
  'model',
  'justification',
  'debate',
  'consultation',
  'human',
]);
/** How the overseer reached its judgment. */
export type JudgmentMethod = z.infer<typeof JudgmentMethod>;

/** One turn of a debate or consultation transcript. */
export const Turn = z.strictObject({
  /** Who spoke, e.g. `debater-a`, `consultant`, `judge`. */
  speaker: z.string().min(1),
  /** The answer or side the speaker argues for, when there is one. */
  position: z.string().optional(),
  text: z.string(),
});
/** One turn of a debate or consultation transcript. */
export type Turn = z.infer<typeof Turn>;

/**
 * An overseer's verdict on one proposed step, made on paper (without the step's consequences).
 *
 * One meaning per field: `score` is the number everything downstream uses — the process reward is
 * built from it and a step is approved when it is ≥ 0 (`approved`) — and `rating` is only its
 * discrete, sign-consistent summary (`ratingAgrees`, in rating-agreement.ts): never +1 for a score below 0, never −1 for
 * one above 0; 0 where the overseer counts the score as undecided. What an overseer knows beyond
 * the score (e.g. whether the action was the best one) goes in `rationale`, not in `rating`.
 */
export const Judgment = z.strictObject({
  /**
   * −1 (certainly wrong) … +1 (certainly right), after the overseer's noise and clipping; the
   * process reward is built from this.
   */
  score: z.number().min(-1).max(1),
  /** The score's sign-consistent PRM800K-style summary (see `ratingAgrees`). */
  rating: Rating.optional(),
  /** The score before it was clipped into [−1, 1]; present only when clipping changed it. */
  unclipped: z.number().optional(),
  rationale: z.string(),
  /** Which overseer judged, as its registry reference. */
  overseer: RegistryReference,
  method: JudgmentMethod,
  /** The debate or consultation that led to the verdict. */
  transcript: z.array(Turn).optional(),
  durationMs: z.number().nonnegative().optional(),
  cost: Cost.optional(),
});
/** An overseer's verdict on one proposed step. */
export type Judgment = z.infer<typeof Judgment>;

/**
 * Whether a judgment lets its step through: score ≥ 0. Only a step judged wrong blocks; one the
 * overseer cannot decide alone (score 0) passes, as the loop's amplification gate has always had it.
 */
export function approved(judgment: Judgment): boolean {
  return judgment.score >= 0;
}
