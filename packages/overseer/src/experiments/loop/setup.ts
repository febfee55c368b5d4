/**
 * Setting a unit up: everything its phases share, built once from the arm — the task family, the
 * scaffolds, the round's trainer and what it learns from, the problems of every round and the
 * generation budgets — and the checks that make a misconfigured arm fail before any work.
 */
import { createOutcomeEnvironment } from '../../outcomes/registry.ts';
import { createOverseer, exactOverseer, reseededOverseer } from '../../overseers/registry.ts';
import type { Overseer } from '../../overseers/overseer.ts';
import { deriveSeed } from '../../util/random.ts';
import type { Executor } from '../../executor/executor.ts';
import type { Kernels } from '../../model/kernels.ts';
import { createScaffold } from '../../scaffolds/registry.ts';
import type { Scaffold } from '../../scaffolds/scaffold.ts';
import type {
  AnswerFormat,
  JsonObject,
  JsonValue,
  Problem,
  RegistryReference,
  RunUnit,
} from '../../spec/index.ts';
import type { RunStore } from '../../store/index.ts';
import { referenceCompletion } from '../../tasks/family.ts';
import type { TaskFamily } from '../../tasks/family.ts';
import { getFamily } from '../../tasks/registry.ts';
import type { FamilyContext } from '../../tasks/registry.ts';
import { createPolicy } from '../../policies/registry.ts';
import { createTrainer, trainers } from '../../training/registry.ts';
import type { Trainer } from '../../training/trainer.ts';
import type { ExpandedArm } from '../config.ts';
import { checkDemonstrations } from '../run-demonstrations.ts';
import { answersWithTools, checkToolLessons, toolTurnTokens } from '../tool-lessons.ts';
import type { EpisodeRecorder } from '../run-episodes.ts';
import type { ProgressReporter } from '../run-progress.ts';
import type { UnitState } from '../run-state.ts';

/** Most training problems drawn per round (a finite pool is cycled through by the trainers). */
export const MAX_PROBLEMS_PER_ROUND = 1024;

/** What a unit needs from the run around it. */
export interface UnitContext {
  arm: ExpandedArm;
  seed: number;
  /** The unit's state; updated in place and saved through `save` after every round. */
  unit: UnitState;
  /** The run directory (absolute): checkpoints go under it. */
  directory: string;
  store: RunStore;
  runId: string;
  /** Episode ids the store already has (a resumed run records each once). */
  completedEpisodes: ReadonlySet<string>;
  /** Checkpoint paths the store already logged (their round's events are in). */
  loggedCheckpoints: ReadonlySet<string>;
  kernels: Kernels;
  progress: ProgressReporter;
  /** Metrics that get curves (the experiment's headline metrics). */
  curveMetrics: readonly string[];
  /** Keep the final evaluation's best and worst episodes. */
  keepTranscripts: boolean;
  /** Persists the run state (atomically). */
  save(): Promise<void>;
  /** Stops the unit at the next safe point (tests use it to simulate an interruption). */
  signal?: AbortSignal;
  /** Where episodes are played (default: in this process). */
  executor?: Executor;
  /** Called after every update, with the unit, round and update (tests abort from here). */
  onUpdate?(position: { unit: string; round: number; update: number }): void;
}

/**
 * What a round distils from:
 *   ground-truth        the task's exact completions (the supervised reference);
 *   approved-answers    the amplified system's answers the overseer approved (IDA by imitation);
 *   amplified-answers   every amplified answer, the overseer never asked (behaviour cloning);
 *   amplified-judgments the overseer's judgments of the model's own samples, on the questions the
 *                       amplified system answered, checked against its sub-answers (IDA by RL);
 *   judgments           the overseer's judgments of the model's own samples (plain RL).
 */
export type Lesson =
  'ground-truth' | 'approved-answers' | 'amplified-answers' | 'amplified-judgments' | 'judgments';

/** A unit set up: what every phase reads. */
export interface Unit extends UnitContext {
  /** `experiment/arm seed N`, for progress and logs. */
  label: string;
  /** The unit as events name it. */
  runUnit: RunUnit;
  config: ExpandedArm['config'];
  family: TaskFamily;
  /** The scaffold that amplifies (or, for plain RL, is merely checked). */
  scaffold: Scaffold;
  evaluationScaffold: Scaffold;
  /** The format the distilled model answers in (its evaluation scaffold's). */
  format: AnswerFormat;
  /** The trainer of a whole round (`stepsPerRound` updates). */
  trainer: Trainer;
  lesson: Lesson;
  evaluationProblems: Problem[];
  /** The training problems of a round (deterministic in seed and round). */
  problemsOfRound(round: number): Problem[];
  /** Token budget of an evaluation answer and of the amplifying scaffold's model calls. */
  evaluationTokens: number;
  amplifyTokens: number;
  recorder: EpisodeRecorder;
  /** Moves the progress display to a phase of a round. */
  at(round: number, phase: string): void;
}

/**
 * What an arm's family is built with: a dataset graded by `model-graded` builds its grading
 * policy (the one its options name) at its first grading.
 */
const FAMILY_CONTEXT: FamilyContext = {
  grader: { createPolicy: (name, options) => createPolicy(name, options) },
};

/** Builds a unit's shared objects from its context. */
export function setUpUnit(context: UnitContext): Unit {
  const { arm, seed } = context;
  const config = arm.config;
  const family = getFamily(config.task.name, config.task.options, FAMILY_CONTEXT);
  const scaffold = createScaffold(config.scaffold.name, config.scaffold.options);
  scaffold.check(family);
  const evaluationScaffold = createScaffold(
    config.evaluation.scaffold.name,
    config.evaluation.scaffold.options,
  );
  evaluationScaffold.check(family);
  if (config.labels === 'ground-truth') checkToolLessons(family, evaluationScaffold);
  const format = evaluationScaffold.answerFormat(family);
  const trainer = loopTrainer(config.trainer, loopValues(arm, config.stepsPerRound));
  const evaluationProblems = family.generate({
    seed: deriveSeed(seed, 'evaluation'),
    count: config.evaluation.size,
    split: config.evaluation.split,
    ...difficulty(config.evaluation.difficulty ?? config.task.difficulty),
  });
  const problemsOfRound = (round: number): Problem[] =>
    family.generate({
      seed: deriveSeed(seed, 'train', round),
      count: Math.max(
        1,
        Math.min(MAX_PROBLEMS_PER_ROUND, config.stepsPerRound * trainer.problemsPerUpdate),
      ),
      split: 'train',
      ...difficulty(config.task.difficulty),
    });
  // A tools turn is a call line or an answer line, whatever the snap answer's length.
  const evaluationTokens =
    config.answerTokens ??
    (answersWithTools(evaluationScaffold)
      ? toolTurnTokens(family, [...evaluationProblems, ...problemsOfRound(0)])
      : tokenLimit(family, [...evaluationProblems, ...problemsOfRound(0)], format));
  const label = `${arm.experiment}/${arm.name} seed ${seed}`;
  const kind = workKinds(arm).rounds;
  const runUnit: RunUnit = { experiment: arm.experiment, arm: arm.name, seed };
  return {
    ...context,
    label,
    runUnit,
    config,
    family,
    scaffold,
    evaluationScaffold,
    format,
    trainer,
    lesson: lessonOf(trainer, scaffold, config.labels),
    evaluationProblems,
    problemsOfRound,
    evaluationTokens,
    // An amplifying scaffold asks the model the sub-questions only; any other answers whole
    // questions, as in evaluation.
    amplifyTokens:
      config.answerTokens ??
      (scaffold.amplifies
        ? tokenLimit(family, problemsOfRound(0), scaffold.answerFormat(family))
        : evaluationTokens),
    recorder: {
      store: context.store,
      runId: context.runId,
      completed: context.completedEpisodes,
      unit: runUnit,
    },
    at: (round, phase) =>
      context.progress.at({ unit: label, round, rounds: config.rounds, phase }, kind),
  };
}

/** What a round distils from, given the trainer, the amplifying scaffold and the labels. */
function lessonOf(trainer: Trainer, scaffold: Scaffold, labels: string): Lesson {
  if (trainer.learnsFrom === 'examples') {
    if (labels === 'ground-truth') return 'ground-truth';
    return trainer.checkedExamples === false ? 'amplified-answers' : 'approved-answers';
  }
  return scaffold.amplifies ? 'amplified-judgments' : 'judgments';
}

/**
 * A generation budget: the longest correct completion plus slack (as the trainers' own default).
 * Only its length is read — no arm is ever shown an answer through it.
 */
function tokenLimit(
  family: TaskFamily,
  problems: readonly Problem[],
  format: AnswerFormat,
): number {
  if (family.kind === 'environment') return 1;
  const lengths = problems.map(
    (problem) => Array.from(referenceCompletion(family, problem.question, format)).length,
  );
  return 4 + Math.max(1, ...lengths);
}

/** The values the loop owns (λ, credit, γ and the update count), under every name a trainer uses. */
export function loopValues(arm: ExpandedArm, updates: number): Record<string, JsonValue> {
  const { lambda, credit, gamma } = arm.config;
  return { lambda, credit, gamma, steps: updates, updates, iterations: updates };
}

/**
 * A trainer built from the arm's reference with the values the loop owns (λ, credit, γ and the
 * step count) filled in wherever the trainer has such an option.
 */
export function loopTrainer(
  reference: RegistryReference,
  values: Record<string, JsonValue>,
): Trainer {
  const accepted = Object.keys(trainers.schema(reference.name).shape);
  const options: JsonObject = { ...reference.options };
  for (const [key, value] of Object.entries(values)) {
    if (accepted.includes(key)) options[key] = value;
  }
  return createTrainer({ name: reference.name, options });
}

/** The round's overseer: its random draws depend on (seed, round) only, not on what it judged before. */
export function roundOverseer(unit: Unit, round: number): Overseer {
  return reseededOverseer(unit.config.overseer, {
    family: unit.family,
    seedLabels: roundOverseerLabels(unit, round),
  });
}

/** The labels the round's overseer is reseeded with (a queue worker rebuilds it from them). */
export function roundOverseerLabels(unit: Unit, round: number): Array<string | number> {
  return [unit.seed, 'round', round];
}

/** The overseer that measures: the arm's without the fallibility given to it for training. */
export function measuringOverseer(unit: Unit): Overseer {
  return exactOverseer(unit.config.overseer, { family: unit.family });
}

/**
 * Builds everything an arm names — task, scaffolds, overseer, outcome, trainer, demonstrations — and
 * throws the first problem, so a run with a misconfigured arm fails before any work.
 */
export function checkArm(arm: ExpandedArm): void {
  const config = arm.config;
  const family = getFamily(config.task.name, config.task.options, FAMILY_CONTEXT);
  createScaffold(config.scaffold.name, config.scaffold.options).check(family);
  const evaluationScaffold = createScaffold(
    config.evaluation.scaffold.name,
    config.evaluation.scaffold.options,
  );
  evaluationScaffold.check(family);
  if (config.labels === 'ground-truth') checkToolLessons(family, evaluationScaffold);
  createOverseer(config.overseer.name, config.overseer.options, { family });
  if (config.outcome !== undefined) createOutcomeEnvironment(config.outcome, family);
  loopTrainer(config.trainer, {});
  if (config.pretrain.steps > 0) {
    loopTrainer(config.pretrain.trainer, {});
    checkDemonstrations(
      config.pretrain.demonstrations,
      family,
      evaluationScaffold.answerFormat(family),
    );
  }
}

/** Steps (loop updates) a unit takes in all, pretraining included: what progress counts. */
export function unitSteps(arm: ExpandedArm): number {
  return arm.config.pretrain.steps + arm.config.rounds * arm.config.stepsPerRound;
}

/** The kinds of work of an arm, for estimating time left: pretraining, and the rounds. */
export function workKinds(arm: ExpandedArm): { pretrain: string; rounds: string } {
  const { task, trainer, scaffold, labels } = arm.config;
  return {
    pretrain: `pretrain:${task.name}`,
    rounds: `${trainer.name}:${labels}:${scaffold.name}:${task.name}`,
  };
}

/** `{ difficulty }` when one is set (the family's default otherwise). */
export function difficulty(value: number | number[] | undefined): {
  difficulty?: number | number[];
} {
  return value === undefined ? {} : { difficulty: value };
}
