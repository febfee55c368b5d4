/** `regex`: a capture group of a pattern (its last match) is the answer, compared to the targets. */
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import type { Grader } from './grader.ts';
import { matchesTarget } from './grader.ts';

/** Options of `regex`. */
export const RegexOptions = z.strictObject({
  /** A JavaScript regular expression, e.g. `ANSWER: (\\w+)`. */
  pattern: z.string().min(1),
  /** Its flags, e.g. `i`; `g` is added. */
  flags: z.string().default(''),
  /** The capture group that holds the answer (0: the whole match). */
  group: z.number().int().nonnegative().default(1),
  /** Compare without regard to case. */
  ignoreCase: z.boolean().default(true),
});
/** Options of `regex`. */
export type RegexOptions = z.infer<typeof RegexOptions>;

/** The regex grader; a pattern that does not compile is refused when the grader is built. */
export function regex(options: RegexOptions): Grader {
  let pattern: RegExp;
  try {
    pattern = new RegExp(
      options.pattern,
      options.flags.includes('g') ? options.flags : `${options.flags}g`,
    );
  } catch (error) {
    throw new OverseerError(
      'grader.bad-pattern',
      `The regex grader's pattern ${JSON.stringify(options.pattern)} does not compile: ${(error as Error).message}.`,
      { hint: 'Fix the pattern (a JavaScript regular expression) in the grader options.' },
    );
  }
  return {
    reference: { name: 'regex', options },
    usesModel: false,
    grade: (sample, message) => {
      const matches = [...message.matchAll(pattern)];
      const extracted = matches[matches.length - 1]?.[options.group] ?? null;
      return {
        extracted,
        correct: extracted !== null && matchesTarget(extracted, sample.targets, options.ignoreCase),
      };
    },
  };
}
