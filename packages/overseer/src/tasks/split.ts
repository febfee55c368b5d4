/**
 * Train/test splits that never share a question and never depend on the generation seed: a
 * question's side is decided by a hash of its text alone.
 */
import type { Split } from '../spec/index.ts';
import { hashString } from '../util/labelled-random.ts';

/**
 * Splits a listed pool: questions sorted by hash, the first share to `test`. Both sides are
 * non-empty whenever there are at least two distinct questions.
 */
export function partitionQuestions(
  questions: readonly string[],
  testFraction: number,
  salt: string,
): Record<Split, string[]> {
  const ranked = [...new Set(questions)].sort(
    (left, right) =>
      hashString(`${salt}|${left}`) - hashString(`${salt}|${right}`) || (left < right ? -1 : 1),
  );
  const testCount =
    ranked.length < 2
      ? 0
      : Math.min(ranked.length - 1, Math.max(1, Math.round(ranked.length * testFraction)));
  return { test: ranked.slice(0, testCount), train: ranked.slice(testCount) };
}

/** The side of a question from a pool too large to list: by its hash alone. */
export function splitOf(question: string, testFraction: number, salt: string): Split {
  return hashString(`${salt}|${question}`) / 4294967296 < testFraction ? 'test' : 'train';
}
