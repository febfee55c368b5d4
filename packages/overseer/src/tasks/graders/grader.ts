/**
 * A grader: reads the final answer out of a dataset sample's last assistant message and says
 * whether it is right. What it extracted is kept beside the verdict, so a transcript shows what
 * was graded, not only the grade.
 */
import type { Cost, JsonObject, RegistryReference } from '../../spec/index.ts';

/** What a grader sees of a sample: the question, the reference answers and any choices. */
export interface GradedSample {
  /** The question as the policy read it. */
  input: string;
  /** Every acceptable reference answer (Inspect's `target`, a string or a list). */
  targets: readonly string[];
  /** The choices of a multiple-choice question, lettered A, B, C … in order. */
  choices?: readonly string[];
}

/** The call a model grader made, kept in the outcome as its transcript. */
export interface GraderCall {
  policy: string;
  prompt: string;
  completion: string;
  cost: Cost;
}

/** A grader's verdict on one answer. */
export interface Grading {
  /** The final answer the grader read out of the message; null when it found none. */
  extracted: string | null;
  correct: boolean;
  /** Why, in a few words, when the grader has more to say than right or wrong. */
  explanation?: string;
  /** The grading call of a model grader. */
  call?: GraderCall;
}

/** A grader built from a registry reference. */
export interface Grader {
  readonly reference: RegistryReference;
  /** True when grading calls a model (then `grade` returns a promise). */
  readonly usesModel: boolean;
  grade(sample: GradedSample, message: string): Grading | Promise<Grading>;
}

/** The recorded fields of a grading, for an outcome's `info`. */
export function gradingInfo(grader: Grader, grading: Grading): JsonObject {
  return {
    grader: grader.reference.name,
    extracted: grading.extracted,
    ...(grading.explanation === undefined ? {} : { explanation: grading.explanation }),
    ...(grading.call === undefined ? {} : { graderCall: { ...grading.call } }),
  };
}

/** Text compared loosely: trimmed, inner whitespace collapsed, a trailing full stop dropped. */
export function normalise(text: string, ignoreCase: boolean): string {
  const collapsed = text.trim().replace(/\s+/g, ' ').replace(/\.$/, '');
  return ignoreCase ? collapsed.toLowerCase() : collapsed;
}

/** Whether `answer` equals one of the targets once both are normalised. */
export function matchesTarget(
  answer: string,
  targets: readonly string[],
  ignoreCase: boolean,
): boolean {
  const normalised = normalise(answer, ignoreCase);
  return targets.some((target) => normalise(target, ignoreCase) === normalised);
}

/** The letter of the choice at `index` (0 → A). */
export function choiceLetter(index: number): string {
  return String.fromCharCode(65 + index);
}
