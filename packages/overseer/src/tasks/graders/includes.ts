/** `includes`: a target appears somewhere in the message. */
import { z } from 'zod';
import type { Grader } from './grader.ts';
import { normalise } from './grader.ts';

/** Options of `includes`. */
export const IncludesOptions = z.strictObject({
  /** Search without regard to case. */
  ignoreCase: z.boolean().default(true),
});
/** Options of `includes`. */
export type IncludesOptions = z.infer<typeof IncludesOptions>;

/** The includes grader; what it extracts is the first target found. */
export function includes(options: IncludesOptions): Grader {
  return {
    reference: { name: 'includes', options },
    usesModel: false,
    grade: (sample, message) => {
      const haystack = normalise(message, options.ignoreCase);
      const found = sample.targets.find((target) =>
        haystack.includes(normalise(target, options.ignoreCase)),
      );
      return { extracted: found ?? null, correct: found !== undefined };
    },
  };
}
