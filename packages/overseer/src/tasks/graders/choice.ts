/**
 * `choice`: the letter of a multiple-choice answer (`ANSWER: B`, `(B)`, `B`) against the target,
 * which is a letter or the text of the right choice.
 */
import { z } from 'zod';
import type { GradedSample, Grader } from './grader.ts';
import { choiceLetter, normalise } from './grader.ts';

/** Options of `choice` (none). */
export const ChoiceOptions = z.strictObject({});
/** Options of `choice`. */
export type ChoiceOptions = z.infer<typeof ChoiceOptions>;

const ANSWER_LETTER = /answer\s*(?:is)?\s*[:=]?\s*\(?([A-Za-z])\)?(?![A-Za-z])/gi;
const LONE_LETTER = /^\s*\(?([A-Za-z])\)?[.:)]?\s*$/;

/** The letter a message gives: the last `ANSWER: X`, else a message that is only a letter. */
export function readLetter(message: string): string | null {
  const answers = [...message.matchAll(ANSWER_LETTER)];
  const last = answers[answers.length - 1]?.[1] ?? LONE_LETTER.exec(message)?.[1];
  return last === undefined ? null : last.toUpperCase();
}

/** The letters the targets stand for: a letter as it is, a choice's text as its letter. */
export function targetLetters(sample: GradedSample): string[] {
  const choices = sample.choices ?? [];
  return sample.targets.map((target) => {
    const index = choices.findIndex(
      (choice) => normalise(choice, true) === normalise(target, true),
    );
    return index >= 0 ? choiceLetter(index) : target.trim().toUpperCase();
  });
}

/** The choice grader. */
export function choice(options: ChoiceOptions): Grader {
  return {
    reference: { name: 'choice', options },
    usesModel: false,
    grade: (sample, message) => {
      const extracted = readLetter(message);
      return {
        extracted,
        correct: extracted !== null && targetLetters(sample).includes(extracted),
      };
    },
  };
}
