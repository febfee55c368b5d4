/**
 * Grading an episode's steps against the truth, for the trace-error metric (Uesato et al. 2022: a
 * right final answer reached through a wrong step). This uses exact knowledge — the family's
 * solver and its correct chain of thought — so it is a consequence, never an overseer's judgment.
 */
import type { Episode } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';

/** Whether one step was right; `null` where the truth says nothing (e.g. an asked sub-question). */
export interface StepGrade {
  stepId: string;
  correct: boolean | null;
}

/**
 * Grades every step below the root: a thought line is right when it is the correct trace's line
 * at its position; an answer, and a sub-question node's answer, when the family accepts it for
 * the question it answers; actions and unanswerable questions get `null`.
 */
export function gradeTrace(family: TaskFamily, episode: Episode): StepGrade[] {
  if (family.kind !== 'question') {
    return episode.steps.slice(1).map((step) => ({ stepId: step.id, correct: null }));
  }
  const byId = new Map(episode.steps.map((step) => [step.id, step]));
  const questionOf = (stepId: string | null): string | undefined => {
    const parent = stepId === null ? undefined : byId.get(stepId);
    return parent?.input;
  };
  const isCorrect = (question: string | undefined, answer: string): boolean | null => {
    if (question === undefined) return null;
    try {
      return family.isCorrect(question, answer.trim());
    } catch {
      return null;
    }
  };
  const traces = new Map<string, string[]>();
  const traceOf = (question: string): string[] | undefined => {
    if (family.chainOfThought === undefined) return undefined;
    if (!traces.has(question)) traces.set(question, family.chainOfThought.trace(question));
    return traces.get(question);
  };
  return episode.steps
    .filter((step) => step.parentId !== null)
    .map((step) => {
      let correct: boolean | null = null;
      if (step.kind === 'thought') {
        const question = questionOf(step.parentId);
        const lines = question === undefined ? undefined : traceOf(question);
        correct = lines === undefined ? null : lines[step.index] === step.output.trim();
      } else if (step.kind === 'answer') {
        correct = isCorrect(questionOf(step.parentId), step.output);
      } else if (step.kind === 'subquestion') {
        correct = isCorrect(step.input, step.output);
      }
      return { stepId: step.id, correct };
    });
}

/** Whether an episode went through at least one wrong step. */
export function hasWrongStep(grades: readonly StepGrade[]): boolean {
  return grades.some((grade) => grade.correct === false);
}
