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

/** An overseer's verdict on one proposed step, made on paper (without the step's consequences). */
export const Judgment = z.strictObject({
  /** −1 (certainly wrong) … +1 (certainly right); the process reward is built from this. */
  score: z.number().min(-1).max(1),
  rating: Rating.optional(),
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
