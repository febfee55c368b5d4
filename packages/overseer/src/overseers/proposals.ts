/**
 * The one gate from an episode's trace to an overseer: each step below the root becomes the
 * ProposedStep its node's history implies. Only kinds and texts pass through — never a step's
 * metadata, so nothing an environment or a grader wrote can reach a judge.
 */
import type { Episode, PriorStep, ProposedStep, Step } from '../spec/index.ts';

/** A step of the episode and the proposal an overseer judges for it. */
export interface Proposal {
  stepId: string;
  proposal: ProposedStep;
}

/** What a step proposed: the sub-question it asked, or the text it wrote. */
function actionOf(step: Step): string {
  return step.kind === 'subquestion' ? step.input : step.output;
}

/** An earlier sibling as an overseer sees it: a sub-question comes with the answer it got. */
function priorOf(step: Step): PriorStep {
  return step.kind === 'subquestion'
    ? { kind: 'subquestion', text: step.input, answer: step.output }
    : { kind: step.kind, text: step.output };
}

/** The proposals of every non-root step, parents before children, siblings in order. */
export function proposalsOf(episode: Episode): Proposal[] {
  const byId = new Map(episode.steps.map((step) => [step.id, step]));
  const siblings = new Map<string, Step[]>();
  for (const step of episode.steps) {
    if (step.parentId === null) continue;
    siblings.set(step.parentId, [...(siblings.get(step.parentId) ?? []), step]);
  }
  const proposals: Proposal[] = [];
  for (const step of episode.steps) {
    if (step.parentId === null || step.kind === 'question') continue;
    const parent = byId.get(step.parentId) as Step;
    const previous = (siblings.get(step.parentId) ?? [])
      .filter((sibling) => sibling.index < step.index)
      .map(priorOf);
    proposals.push({
      stepId: step.id,
      proposal: {
        family: episode.problem.family,
        question: parent.input,
        kind: step.kind,
        previous,
        context: step.kind === 'subquestion' ? parent.input : step.input,
        ...(step.kind === 'action' ? { observation: step.input } : {}),
        action: actionOf(step),
      },
    });
  }
  return proposals;
}
