/** `exact`: the whole message, normalised, must equal a target. */
import { z } from 'zod';
import type { Grader } from './grader.ts';
import { matchesTarget, normalise } from './grader.ts';

/** Options of `exact`. */
export const ExactOptions = z.strictObject({
  /** Compare without regard to case. */
  ignoreCase: z.boolean().default(true),
});
/** Options of `exact`. */
export type ExactOptions = z.infer<typeof ExactOptions>;

/** The exact grader. */
export function exact(options: ExactOptions): Grader {
  return {
    reference: { name: 'exact', options },
    usesModel: false,
    grade: (sample, message) => {
      const extracted = normalise(message, false);
      return { extracted, correct: matchesTarget(extracted, sample.targets, options.ignoreCase) };
    },
  };
}
