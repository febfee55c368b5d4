/**
 * The questions a `decompose` scaffold asks the policy when every sub-answer is exact: the weak
 * expert splits down to `maxDepth`, answers base cases itself, and the policy answers what is left
 * at the depth limit. Ground truth for an arm evaluated through `decompose` is these leaves with
 * their exact answers — the format the model is asked in — not the whole questions.
 */
import type { QuestionFamily } from '../tasks/family.ts';
import { runDecomposition } from '../tasks/family.ts';

/** The leaf questions of `question` under the expert's exact decomposition to `maxDepth`, in order. */
export function decompositionLeaves(
  family: QuestionFamily,
  question: string,
  maxDepth: number,
  depth = 0,
): string[] {
  if (depth >= maxDepth) return [question];
  const decomposition = family.decompose(question);
  if (decomposition.kind === 'base') return [];
  const { subQuestions } = runDecomposition(decomposition, (sub) => family.oracle(sub));
  return subQuestions.flatMap((sub) => decompositionLeaves(family, sub, maxDepth, depth + 1));
}
