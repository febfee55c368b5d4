/**
 * `match`: the first or last number or line of the message against the targets; numbers within
 * a tolerance. The usual grader of a free-form answer that ends (or starts) with the result.
 */
import { z } from 'zod';
import type { Grader } from './grader.ts';
import { matchesTarget } from './grader.ts';

/** Options of `match`. */
export const MatchOptions = z.strictObject({
  /** Which one to read: the first or the last. */
  location: z.enum(['first', 'last']).default('last'),
  /** What to read: a number, a non-empty line, or `auto` (a number when every target is one). */
  unit: z.enum(['auto', 'number', 'line']).default('auto'),
  /** Largest absolute difference between a number read and a numeric target that still counts. */
  tolerance: z.number().nonnegative().default(0),
  /** Compare lines without regard to case. */
  ignoreCase: z.boolean().default(true),
});
/** Options of `match`. */
export type MatchOptions = z.infer<typeof MatchOptions>;

// Thousands separators are allowed inside a number (`1,234.5`), signs and decimals too.
const NUMBER = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?/g;
// An answer line often says so: `ANSWER: 42`, `Answer: Paris`.
const ANSWER_PREFIX = /^\s*(?:final\s+)?answer\s*[:=]\s*/i;

/** A number as written (separators dropped), or NaN when the text is not one. */
export function readNumber(text: string): number {
  const trimmed = text.trim();
  const found = trimmed.match(NUMBER);
  return found !== null && found[0] === trimmed ? Number(trimmed.replaceAll(',', '')) : NaN;
}

/** The match grader. */
export function match(options: MatchOptions): Grader {
  const pick = <T>(items: readonly T[]): T | undefined =>
    options.location === 'first' ? items[0] : items[items.length - 1];
  return {
    reference: { name: 'match', options },
    usesModel: false,
    grade: (sample, message) => {
      const numeric =
        options.unit === 'number' ||
        (options.unit === 'auto' &&
          sample.targets.length > 0 &&
          sample.targets.every((target) => !Number.isNaN(readNumber(target))));
      if (numeric) {
        const extracted = pick(message.match(NUMBER) ?? []) ?? null;
        const value = extracted === null ? NaN : readNumber(extracted);
        const correct = sample.targets.some(
          (target) => Math.abs(readNumber(target) - value) <= options.tolerance,
        );
        return { extracted, correct };
      }
      const lines = message
        .split('\n')
        .map((line) => line.replace(ANSWER_PREFIX, '').trim())
        .filter((line) => line.length > 0);
      const extracted = pick(lines) ?? null;
      return {
        extracted,
        correct: extracted !== null && matchesTarget(extracted, sample.targets, options.ignoreCase),
      };
    },
  };
}
