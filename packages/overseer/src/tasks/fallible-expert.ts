/**
 * A weak expert that is wrong on purpose, systematically: on a fixed class of questions — a share
 * `expertErrorRate` of them, chosen by a hash of (`expertErrorSeed`, question) — its own answer
 * step (the fact it reads, or the combination of its sub-answers) is shifted to the next answer of
 * the question's answer space, the way a weak expert that drops a carry on one digit pattern
 * always drops it there. The class is fixed for a run: the same seed and question err the same
 * way every time. Only the expert's doing errs; its on-paper check of a step (`checkStep`) stays
 * the exact one, whose misses are the overseer's own option (`missProbability`): checking is
 * easier than doing.
 */
import { z } from 'zod';
import { deriveSeed } from '../util/random.ts';
import type { AnswerSpace, Decomposition } from './family.ts';
import { runDecomposition, UNKNOWN_ANSWER } from './family.ts';

/** The options of a fallible expert, shared by every world-based question family. */
export const fallibleExpertOptions = {
  /** Share of questions on which the expert's own answer step is systematically wrong (ε; unset: never). */
  expertErrorRate: z.number().min(0).max(1).optional(),
  /** Fixes which questions the expert errs on (default 0). */
  expertErrorSeed: z.number().int().optional(),
};

/** The fallible-expert settings of a family's resolved options. */
export interface FallibleExpertSettings {
  expertErrorRate?: number;
  expertErrorSeed?: number;
}

/** Whether the expert of `settings` errs on `question`: a fixed draw per (seed, question). */
export function expertErrsOn(settings: FallibleExpertSettings, question: string): boolean {
  const rate = settings.expertErrorRate ?? 0;
  if (rate <= 0) return false;
  const draw = deriveSeed(settings.expertErrorSeed ?? 0, 'expert-error', question) >>> 0;
  return draw / 2 ** 32 < rate;
}

/** The answer after `right` in the answer space (cyclically): the expert's systematic slip. */
export function slippedAnswer(space: AnswerSpace, right: string): string {
  if (right === UNKNOWN_ANSWER || space.size < 2) return right;
  for (let index = 0; index < space.size; index += 1) {
    if (space.at(index) === right) return space.at((index + 1) % space.size);
  }
  // An answer outside the space (a malformed combination) is left as it is.
  return right;
}

/**
 * The expert's decomposition with its systematic errors: on a question of the error class, the
 * base fact or the combination is slipped; the sub-questions it asks are the exact ones.
 */
export function fallibleDecompose(
  decompose: (question: string) => Decomposition,
  answerSpace: (question: string) => AnswerSpace,
  settings: FallibleExpertSettings,
): (question: string) => Decomposition {
  return (question) => {
    const exact = decompose(question);
    if (!expertErrsOn(settings, question)) return exact;
    const slip = (right: string): string => slippedAnswer(answerSpace(question), right);
    if (exact.kind === 'base') return { kind: 'base', answer: slip(exact.answer) };
    // `accepts` is the exact check's leniency; the erring expert combines one way only.
    return { kind: 'split', next: exact.next, combine: (answers) => slip(exact.combine(answers)) };
  };
}

/**
 * The expert's own answer to a question when it answers everything itself (every sub-question
 * down to the facts, no model): where a slip anywhere below propagates, this differs from the
 * oracle. Memoised per question.
 */
export function expertAnswerer(
  decompose: (question: string) => Decomposition,
): (question: string) => string {
  const answers = new Map<string, string>();
  const answer = (question: string): string => {
    const known = answers.get(question);
    if (known !== undefined) return known;
    const result = runDecomposition(decompose(question), answer).answer;
    answers.set(question, result);
    return result;
  };
  return answer;
}
