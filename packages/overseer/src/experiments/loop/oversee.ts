/**
 * Oversee: the overseer's on-paper judgments of the round's episodes decide what distillation
 * learns. Imitation keeps the approved amplified answers; RL keeps the questions the amplified
 * system answered (each with the sub-questions its tree asked, against which the judge checks
 * the model's direct answer); the supervised reference takes the task's exact completions.
 */
import type { AnswerFormat, PriorStep, Problem } from '../../spec/index.ts';
import { referenceCompletion } from '../../tasks/family.ts';
import type { SupervisedExample, TaskFamily } from '../../tasks/family.ts';
import { decompositionLeaves } from '../decomposition-leaves.ts';
import { answersWithTools, toolLessons } from '../tool-lessons.ts';
import { answeredEpisode, approvedEpisode, failedEpisodes } from '../metrics.ts';
import { expertNodes } from '../run-episodes.ts';
import type { PlayedEpisode } from '../run-episodes.ts';
import type { Unit } from './setup.ts';

/** What a round distils: pairs to imitate, or problems to sample (and their amplified trees). */
export interface Lessons {
  /** Prompt → completion pairs (imitation, and the warm start of an RL trainer). */
  examples?: SupervisedExample[];
  /** The problems the trainer samples (RL, expert iteration). */
  problems: Problem[];
  /** Question → the amplified system's sub-questions and answers, for the judge. */
  amplified?: Map<string, PriorStep[]>;
  /** Ground-truth labels used (the supervised reference only). */
  labels: number;
  /** Counts of the amplified episodes, for the round's metrics. */
  counts?: { amplifiedEpisodes: number; approvedEpisodes: number; failedEpisodes: number };
}

/**
 * The supervised reference's lessons: every problem with its exact completion in the format the
 * evaluated system asks the model — for an evaluation through an amplifying scaffold (decompose),
 * the leaves its exact decomposition asks the model, each with its exact answer; for one through
 * the tools scaffold, every turn of the plain-text protocol the model is asked (tool-lessons.ts).
 */
export function groundTruth(
  unit: Pick<Unit, 'family' | 'format' | 'evaluationScaffold'>,
  problems: Problem[],
): Lessons {
  const { family, format, evaluationScaffold } = unit;
  if (answersWithTools(evaluationScaffold)) {
    const examples = toolLessons(family, problems);
    return { examples, problems, labels: examples.length };
  }
  if (evaluationScaffold.amplifies && family.kind === 'question') {
    // decompose's own default depth when the evaluation scaffold does not set one.
    const maxDepth = Number(evaluationScaffold.reference.options.maxDepth ?? 1);
    const examples = problems.flatMap((problem) =>
      decompositionLeaves(family, problem.question, maxDepth).map((leaf) => ({
        prompt: family.prompt(leaf, 'snap'),
        completion: family.oracle(leaf),
      })),
    );
    return { examples, problems, labels: examples.length };
  }
  const examples = problems.map((problem) => ({
    prompt: family.prompt(problem.question, format),
    completion: referenceCompletion(family, problem.question, format),
  }));
  return { examples, problems, labels: examples.length };
}

/**
 * The lessons of the amplified episodes the overseer approved — or, for behaviour cloning
 * (`amplified-answers`), of every answered one, the overseer's check not applied.
 */
export function oversee(
  unit: Pick<Unit, 'family' | 'format' | 'lesson'>,
  problems: Problem[],
  played: PlayedEpisode[],
): Lessons {
  const checked = unit.lesson !== 'amplified-answers';
  const kept = new Map<string, PlayedEpisode>();
  for (const entry of played) {
    if (checked ? approvedEpisode(entry) : answeredEpisode(entry)) {
      kept.set(entry.episode.problem.question, entry);
    }
  }
  const counts = {
    amplifiedEpisodes: played.length,
    approvedEpisodes: kept.size,
    failedEpisodes: failedEpisodes(played),
  };
  const examples = problems.flatMap((problem) => {
    const entry = kept.get(problem.question);
    return entry === undefined ? [] : amplifiedPairs(unit.family, entry, unit.format, checked);
  });
  // Imitation, checked or not, learns the pairs alone; RL also samples the questions.
  if (unit.lesson !== 'amplified-judgments') return { examples, problems, labels: 0, counts };
  // Each draw is trained on with the sub-questions its tree answered, as imitation has them.
  const amplified = new Map<string, PriorStep[]>();
  const asked: Problem[] = [];
  for (const problem of problems) {
    const entry = kept.get(problem.question);
    const nodes = entry === undefined ? [] : expertNodes(entry.episode);
    if (nodes.length === 0) asked.push(problem);
    for (const node of nodes) {
      if (!amplified.has(node.question)) amplified.set(node.question, node.subQuestions);
      asked.push(node.question === problem.question ? problem : subProblem(problem, node.question));
    }
  }
  // The approved answers go along too, for a trainer that imitates them first (an SFT warm start).
  return { examples, problems: asked, amplified, labels: 0, counts };
}

/**
 * A sub-question of a training problem as a problem of its own. Its grade (for the training
 * statistics only: with λ = 0 no outcome enters the reward) uses the family's checker.
 */
function subProblem(parent: Problem, question: string): Problem {
  return {
    id: `${parent.id}/sub/${question}`,
    family: parent.family,
    question,
    difficulty: parent.difficulty,
    split: parent.split,
    metadata: { subQuestionOf: parent.id },
  };
}

/**
 * What imitation learns from a kept amplified episode; `checked`: an environment's actions only
 * where the overseer approved them (unchecked, behaviour cloning takes every valid action).
 */
function amplifiedPairs(
  family: TaskFamily,
  entry: PlayedEpisode,
  format: AnswerFormat,
  checked: boolean,
): SupervisedExample[] {
  const { episode } = entry;
  if (family.kind === 'environment') {
    // Each action the overseer approved, from the observation it answered.
    const judged = new Map(entry.judgments.map(({ stepId, judgment }) => [stepId, judgment]));
    return episode.steps.flatMap((step) =>
      step.kind === 'action' &&
      family.actions.includes(step.output.trim()) &&
      step.output.trim().length === 1 &&
      (!checked || (judged.get(step.id)?.score ?? 0) > 0)
        ? [{ prompt: family.prompt(step.input, 'snap'), completion: step.output.trim() }]
        : [],
    );
  }
  const root = episode.steps.find((step) => step.parentId === null);
  if (format === 'chain-of-thought') {
    const completion =
      typeof root?.metadata.completion === 'string' ? root.metadata.completion : '';
    return completion === ''
      ? []
      : [{ prompt: family.prompt(episode.problem.question, format), completion }];
  }
  // Every question the amplified system answered itself — the root and, below it, each
  // sub-question the weak expert split or knew — is an amplified answer to imitate; the leaves
  // the model answered are its own answers, and teach nothing.
  const pairs = expertNodes(episode).map((node) => ({
    prompt: family.prompt(node.question, 'snap'),
    completion: node.answer,
  }));
  if (pairs.length > 0 || root === undefined || root.producer === 'expert') return pairs;
  // Another scaffold (snap): the model's own approved answer.
  const answer = (episode.answer ?? '').trim();
  return answer === ''
    ? []
    : [{ prompt: family.prompt(episode.problem.question, 'snap'), completion: answer }];
}
