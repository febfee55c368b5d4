/**
 * What a trainer needs of a task, as narrow interfaces, so training/ never reaches into tasks/,
 * overseers/ or outcomes/ itself: the experiment wiring (or a test) hands it a `TrainingTask` and
 * a `StepJudge`. The adapters at the bottom build a `TrainingTask` from a task family object.
 *
 * A question task is answered in one model call whose completion splits into steps (chain-of-
 * thought lines and the answer line, or a single snap answer). An environment task is played one
 * model call per step: the prompt is the observation, the completion one action character.
 */
import { OverseerError } from '../errors.ts';
import type {
  AnswerFormat,
  Judgment,
  Outcome,
  Problem,
  ProposedStep,
  ReturnOutcome,
} from '../spec/index.ts';
import type { EnvironmentFamily, QuestionFamily } from '../tasks/family.ts';

/** The overseer as a trainer sees it (an overseers/ `Overseer` is one): a verdict on paper. */
export interface StepJudge {
  judge(step: ProposedStep): Judgment | Promise<Judgment>;
  /**
   * The expert's own step in the state `step` was proposed in — `step.action` itself when the
   * expert approves it — or undefined where the expert knows none (what on-policy distillation
   * imitates where the student's step is disapproved). Optional: not every overseer can say.
   */
  correct?(step: ProposedStep): string | undefined | Promise<string | undefined>;
}

/** One step of a completion: its kind, text and span of characters (= tokens) in the completion. */
export interface CompletionStep {
  kind: 'thought' | 'answer';
  text: string;
  /** First character of the step in the completion. */
  start: number;
  /** One past its last character (separators and trailing text belong to the step before). */
  end: number;
}

/** A task answered in one model call. */
export interface QuestionTrainingTask {
  kind: 'question';
  /** Registry name of the family (what `ProposedStep.family` carries). */
  family: string;
  /** Problems to train on. */
  problems: readonly Problem[];
  /** The prompt for a question. */
  prompt(question: string): string;
  /** The steps of a completion, in order, covering it from its first character to its last. */
  steps(completion: string): CompletionStep[];
  /** The final answer a completion gives, or null. */
  answer(completion: string): string | null;
  /** The outcome of an answer (from outcomes/ or the family's grader). */
  grade(problem: Problem, answer: string | null): Outcome;
  /** The outcome when the grader may wait for a model (a dataset graded by `model-graded`). */
  gradeAsync?(problem: Problem, answer: string | null): Promise<Outcome>;
  /** Most completion tokens to sample (the end token included). */
  maxTokens: number;
  /** The correct completion of a problem, where there is exactly one (for trace accuracy). */
  reference?(problem: Problem): string;
  /** The format completions are written in (absent: snap, one answer). */
  format?: AnswerFormat;
  /**
   * The completion that writes these thought lines, each with its separator, and then, when
   * given, this answer (a chain of thought's answer line; a snap completion is the answer).
   */
  completion?(thoughts: readonly string[], answer?: string): string;
}

/** One action's immediate rewards, as the environment paid them. */
export interface ActionReward {
  /** The action as the environment understood it (one character; invalid outputs canonicalised). */
  action: string;
  /** The reward the designer wrote down: what outcome-based training optimises. */
  proxyReward: number;
  /** The intended task's reward (for measurement only). */
  trueReward: number;
}

/**
 * A running episode of one problem — the shape of outcomes/' `EnvironmentSession`, so the wiring
 * passes `openEnvironment` straight in.
 */
export interface EnvironmentEpisode {
  readonly observation: string;
  readonly done: boolean;
  /** Acts on a model output; returns the action as understood and what follows. */
  act(output: string): { action: string; observation: string; done: boolean };
  /** Each action's immediate rewards so far, in order. */
  readonly rewards: readonly ActionReward[];
  /** The episode's outcome (the family's grade of the actions taken). */
  outcome(): ReturnOutcome;
}

/** A task played one action per model call. */
export interface EnvironmentTrainingTask {
  kind: 'environment';
  family: string;
  problems: readonly Problem[];
  /** The prompt for an observation. */
  prompt(observation: string): string;
  /** The action characters (anything else the model writes is an invalid action). */
  actions: string;
  /** Starts an episode of a problem. */
  start(problem: Problem): EnvironmentEpisode;
}

/** Any task a trainer can learn from. */
export type TrainingTask = QuestionTrainingTask | EnvironmentTrainingTask;

/**
 * Splits a completion into lines: each line is a thought unless `isAnswer` says it is the answer
 * line; the separator after a line, empty lines and anything after the answer line belong to the
 * step before them, so the steps cover the whole completion.
 */
export function lineSteps(
  completion: string,
  separator: string,
  isAnswer: (line: string) => boolean,
): CompletionStep[] {
  const characters = Array.from(completion);
  const separatorLength = Array.from(separator).length;
  const steps: CompletionStep[] = [];
  let position = 0;
  for (const line of completion.split(separator)) {
    const length = Array.from(line).length;
    const end = Math.min(characters.length, position + length + separatorLength);
    const last = steps.at(-1);
    if (last?.kind === 'answer' || (line === '' && last !== undefined)) {
      last.end = end;
    } else if (line !== '' || position + length < characters.length) {
      steps.push({ kind: isAnswer(line) ? 'answer' : 'thought', text: line, start: position, end });
    }
    position = end;
  }
  return steps;
}

/** Options of `questionTask`. */
export interface QuestionTaskOptions {
  /** `chain-of-thought` (default where the family has one) or `snap`. */
  format?: AnswerFormat;
  /** Most completion tokens (default: the longest correct completion of the problems + 4). */
  maxTokens?: number;
}

/** A question family's problems as a training task. */
export function questionTask(
  family: QuestionFamily,
  problems: readonly Problem[],
  options: QuestionTaskOptions = {},
): QuestionTrainingTask {
  const format = options.format ?? (family.chainOfThought ? 'chain-of-thought' : 'snap');
  const chain = family.chainOfThought;
  if (format === 'chain-of-thought' && chain === undefined) {
    throw new OverseerError(
      'training.no-chain-of-thought',
      `${family.name} has no checkable chain-of-thought format`,
      { hint: 'train with format snap, or on a family with one (e.g. addition)' },
    );
  }
  const reference = (problem: Problem): string =>
    format === 'chain-of-thought'
      ? chain!.trace(problem.question).join(chain!.separator)
      : family.oracle(problem.question);
  const longest = Math.max(0, ...problems.map((problem) => Array.from(reference(problem)).length));
  return {
    kind: 'question',
    family: family.name,
    problems,
    prompt: (question) => family.prompt(question, format),
    steps: (completion) =>
      format === 'chain-of-thought'
        ? lineSteps(completion, chain!.separator, (line) => chain!.parse(line).answer !== null)
        : [{ kind: 'answer', text: completion, start: 0, end: Array.from(completion).length }],
    answer: (completion) =>
      format === 'chain-of-thought' ? chain!.parse(completion).answer : completion,
    grade: (problem, answer) => family.grade(problem, answer),
    ...(family.gradeAsync === undefined
      ? {}
      : {
          gradeAsync: (problem: Problem, answer: string | null) =>
            family.gradeAsync!(problem, answer),
        }),
    maxTokens: options.maxTokens ?? longest + 4,
    reference,
    format,
    completion: (thoughts, answer) => {
      if (format !== 'chain-of-thought') return answer ?? '';
      const lines = thoughts.map((thought) => thought + chain!.separator).join('');
      return answer === undefined ? lines : lines + chain!.answerLine(answer);
    },
  };
}

/**
 * An environment family's problems as a training task; `open` starts an episode (the wiring
 * passes outcomes/' `openEnvironment`, which keeps the rewards away from scaffolds and overseers).
 */
export function environmentTask(
  family: EnvironmentFamily,
  problems: readonly Problem[],
  open: (family: EnvironmentFamily, problem: Problem) => EnvironmentEpisode,
): EnvironmentTrainingTask {
  return {
    kind: 'environment',
    family: family.name,
    problems,
    prompt: (observation) => family.prompt(observation),
    actions: family.actions,
    start: (problem) => open(family, problem),
  };
}
