/**
 * The vocabulary every room speaks: zod schemas and the types inferred from them, sharing names.
 * Parse at the edges (files, HTTP, YAML) with `Schema.parse`; inside, pass the types.
 */
export { SPEC_VERSION } from './version.ts';
export { JsonValue, JsonObject, Timestamp } from './json.ts';
export { RegistryReference } from './configuration.ts';
export { ErrorRecord, toErrorRecord } from './error-record.ts';
export { Split, Problem } from './problem.ts';
export { Cost, noCost, oneCall, addCosts } from './cost.ts';
export {
  StepKind,
  Timing,
  PriorStep,
  ProposedStep,
  proposedStepKey,
  Step,
  EpisodeStatus,
  Episode,
} from './step.ts';
export {
  AnswerFormat,
  TaskHint,
  GenerationRequest,
  GenerationFinish,
  Generation,
} from './policy.ts';
export type { Policy } from './policy.ts';
export { Rating, JudgmentMethod, Turn, Judgment, approved } from './judgment.ts';
export { ratingAgrees, ratingOfScore } from './rating-agreement.ts';
export { GradeOutcome, ReturnOutcome, Outcome, trueRewardOf } from './outcome.ts';
export {
  ArmRunConfiguration,
  ExperimentRunConfiguration,
  EvaluationRunConfiguration,
  RewardServiceRunConfiguration,
  RunConfiguration,
} from './run-configuration.ts';
export {
  LoopPhase,
  RunUnit,
  RunStatus,
  Run,
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
  RunEvent,
} from './run-event.ts';
export type { RunEventType, RunEventOf } from './run-event.ts';
