import { z } from 'zod';
import { RegistryReference } from './configuration.ts';
import { JsonObject, JsonValue, Timestamp } from './json.ts';
import { Judgment } from './judgment.ts';
import { Outcome } from './outcome.ts';
import { Problem, Split } from './problem.ts';
import { ErrorRecord } from './error-record.ts';
import { Cost } from './cost.ts';
import { Step } from './step.ts';

/** Whether a run is going, ended normally, or failed. A run record always carries its status. */
export const RunStatus = z.enum(['running', 'finished', 'failed']);
/** Whether a run is going, ended normally, or failed. */
export type RunStatus = z.infer<typeof RunStatus>;

/** A run's own record: its vocabulary version, its configuration, its status and its error. */
export const Run = z.strictObject({
  id: z.string().min(1),
  specVersion: z.number().int().positive(),
  status: RunStatus,
  /** The experiment configuration exactly as parsed, so the run can be replayed. */
  config: JsonObject,
  startedAt: Timestamp,
  finishedAt: Timestamp.optional(),
  error: ErrorRecord.optional(),
});
/** A run's own record. */
export type Run = z.infer<typeof Run>;

/** The phase of the experiment loop an episode was played in. */
export const LoopPhase = z.enum(['amplify', 'rollout', 'evaluation']);
/** The phase of the experiment loop an episode was played in. */
export type LoopPhase = z.infer<typeof LoopPhase>;

/** One unit of work of a run: an arm of an experiment under one seed. */
export const RunUnit = z.strictObject({
  experiment: z.string().min(1),
  arm: z.string().min(1),
  seed: z.number().int(),
});
/** One unit of work of a run. */
export type RunUnit = z.infer<typeof RunUnit>;

const eventBase = {
  runId: z.string().min(1),
  time: Timestamp,
};

/** The run began; carries everything needed to replay it. */
export const RunStarted = z.strictObject({
  ...eventBase,
  type: z.literal('run-started'),
  specVersion: z.number().int().positive(),
  /**
   * The run's configuration: a `RunConfiguration` (spec/run-configuration.ts) when one of
   * Overseer's commands started it, checked then; any JSON object from a library caller.
   */
  config: JsonObject,
});
/** The `RunStarted` event. */
export type RunStarted = z.infer<typeof RunStarted>;

/**
 * The 0-based index of a round of the loop, as every event and store row records it (`iteration`).
 * What people read counts rounds from 1 — progress (`round 1/2`), checkpoints (`round-1`), episode
 * ids (`…/round1/…`) and the viewer (`round 1`) — so round `iteration + 1`.
 */
export const Iteration = z.number().int().nonnegative();

/** An iteration of the amplify → oversee → distill loop began. */
export const IterationStarted = z.strictObject({
  ...eventBase,
  type: z.literal('iteration-started'),
  /** 0-based: the round people read as `iteration + 1` (see `Iteration`). */
  iteration: Iteration,
  /** The unit whose round this is (absent outside the experiment loop). */
  unit: RunUnit.optional(),
});
/** The `IterationStarted` event. */
export type IterationStarted = z.infer<typeof IterationStarted>;

/** An iteration of the loop ended. */
export const IterationFinished = z.strictObject({
  ...eventBase,
  type: z.literal('iteration-finished'),
  /** 0-based: the round people read as `iteration + 1` (see `Iteration`). */
  iteration: Iteration,
  /** The unit whose round this is (absent outside the experiment loop). */
  unit: RunUnit.optional(),
});
/** The `IterationFinished` event. */
export type IterationFinished = z.infer<typeof IterationFinished>;

/** A policy began an episode on a problem through a scaffold. */
export const EpisodeStarted = z.strictObject({
  ...eventBase,
  type: z.literal('episode-started'),
  episodeId: z.string().min(1),
  iteration: Iteration.optional(),
  /** The loop phase that played it, and the unit it belongs to (absent outside the loop). */
  phase: LoopPhase.optional(),
  unit: RunUnit.optional(),
  problem: Problem,
  scaffold: RegistryReference,
  policy: RegistryReference,
});
/** The `EpisodeStarted` event. */
export type EpisodeStarted = z.infer<typeof EpisodeStarted>;

/** A node was added to an episode's tree (the proposal, before or without judgment). */
export const StepProposed = z.strictObject({
  ...eventBase,
  type: z.literal('step-proposed'),
  episodeId: z.string().min(1),
  step: Step,
});
/** The `StepProposed` event. */
export type StepProposed = z.infer<typeof StepProposed>;

/** An overseer judged a step. */
export const StepJudged = z.strictObject({
  ...eventBase,
  type: z.literal('step-judged'),
  episodeId: z.string().min(1),
  stepId: z.string().min(1),
  judgment: Judgment,
});
/** The `StepJudged` event. */
export type StepJudged = z.infer<typeof StepJudged>;

/** An episode ended with an answer (or an environment return) and its outcome. */
export const EpisodeFinished = z.strictObject({
  ...eventBase,
  type: z.literal('episode-finished'),
  episodeId: z.string().min(1),
  answer: z.string().nullable(),
  outcome: Outcome,
  cost: Cost.optional(),
});
/** The `EpisodeFinished` event. */
export type EpisodeFinished = z.infer<typeof EpisodeFinished>;

/** An episode failed; it is recorded with its error and the run goes on. */
export const EpisodeFailed = z.strictObject({
  ...eventBase,
  type: z.literal('episode-failed'),
  episodeId: z.string().min(1),
  error: ErrorRecord,
});
/** The `EpisodeFailed` event. */
export type EpisodeFailed = z.infer<typeof EpisodeFailed>;

/** A number worth plotting: a loss, an accuracy, a trace error rate, a hack rate … */
export const Metric = z.strictObject({
  ...eventBase,
  type: z.literal('metric'),
  name: z.string().min(1),
  value: z.number(),
  /** Training step (or episode count) the value belongs to. */
  step: z.number().int().nonnegative(),
  iteration: Iteration.optional(),
  split: Split.optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
/** The `Metric` event. */
export type Metric = z.infer<typeof Metric>;

/** A model checkpoint was written. */
export const CheckpointSaved = z.strictObject({
  ...eventBase,
  type: z.literal('checkpoint-saved'),
  /** Where the checkpoint lives, relative to the run directory. */
  path: z.string().min(1),
  step: z.number().int().nonnegative(),
  iteration: Iteration.optional(),
  /** The unit the checkpoint belongs to (absent outside the experiment loop). */
  unit: RunUnit.optional(),
});
/** The `CheckpointSaved` event. */
export type CheckpointSaved = z.infer<typeof CheckpointSaved>;

/** The run ended normally. */
export const RunFinished = z.strictObject({
  ...eventBase,
  type: z.literal('run-finished'),
  summary: z.record(z.string(), JsonValue).default({}),
});
/** The `RunFinished` event. */
export type RunFinished = z.infer<typeof RunFinished>;

/** The run stopped on an error. */
export const RunFailed = z.strictObject({
  ...eventBase,
  type: z.literal('run-failed'),
  error: ErrorRecord,
});
/** The `RunFailed` event. */
export type RunFailed = z.infer<typeof RunFailed>;

/** Everything that happens in a run, as a union keyed on `type` (one viewer component each). */
export const RunEvent = z.discriminatedUnion('type', [
  RunStarted,
  IterationStarted,
  IterationFinished,
  EpisodeStarted,
  StepProposed,
  StepJudged,
  EpisodeFinished,
  EpisodeFailed,
  Metric,
  CheckpointSaved,
  RunFinished,
  RunFailed,
]);
/** Everything that happens in a run. */
export type RunEvent = z.infer<typeof RunEvent>;
/** The `type` tags of run events. */
export type RunEventType = RunEvent['type'];
/** The event of one `type`. */
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
