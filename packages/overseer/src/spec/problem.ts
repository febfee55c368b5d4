import { z } from 'zod';
import { JsonObject } from './json.ts';

/** Which side of a family's train/test partition a problem was drawn from. */
export const Split = z.enum(['train', 'test']);
/** Which side of the train/test partition. */
export type Split = z.infer<typeof Split>;

/**
 * One problem from a task family. `question` is the text a policy reads (for an environment, the
 * first observation); `answer` is the reference answer the grader compares against — it is for
 * graders and reports, never shown to a policy, and absent for environments.
 */
export const Problem = z.strictObject({
  /** Stable id, unique within a family, world and split, e.g. `addition/train/3/17`. */
  id: z.string().min(1),
  /** Registry name of the family that generated it. */
  family: z.string().min(1),
  question: z.string(),
  answer: z.string().optional(),
  /** The family's difficulty knob (digits, bits of k, wildcards, distance, depth …). */
  difficulty: z.number().int().nonnegative(),
  split: Split,
  /** Family-specific facts about the problem (e.g. an environment's reset seed). */
  metadata: JsonObject.default({}),
});
/** One problem from a task family. */
export type Problem = z.infer<typeof Problem>;
