/**
 * What a run records as its configuration (the `config` of its run-started event): the shape each
 * of Overseer's own commands stores, checked when the run starts. An experiment arm's config is
 * kept as JSON here because its schema belongs to experiments/ (experiments/config/schema.ts),
 * which the spec does not import.
 */
import { z } from 'zod';
import { RegistryReference } from './configuration.ts';
import { JsonObject } from './json.ts';
import { AnswerFormat } from './policy.ts';
import { Split } from './problem.ts';

/** One arm of an experiment exactly as it runs. */
export const ArmRunConfiguration = z.strictObject({
  /** Unique within the experiment: the declared name, plus `@label=value` for sweep copies. */
  name: z.string().min(1),
  /** The declared arm this one was made from. */
  declared: z.string().min(1),
  /** The values sweeps set, by sweep label (empty for a declared arm). */
  sweep: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** The arm's whole configuration, as experiments/config/schema.ts's `ArmConfig`. */
  config: JsonObject,
});
/** One arm of an experiment exactly as it runs. */
export type ArmRunConfiguration = z.infer<typeof ArmRunConfiguration>;

/** What `overseer run` records: the file, the command, and every arm of every experiment. */
export const ExperimentRunConfiguration = z.strictObject({
  /** The command line that started the run. */
  command: z.string().min(1),
  /** The experiment file. */
  source: z.string().min(1),
  /** The run's output folder (checkpoints, results, reports). */
  directory: z.string().min(1),
  experiments: z.array(
    z.strictObject({
      name: z.string().min(1),
      seeds: z.array(z.number().int()),
      /** The metrics of its headline table. */
      metrics: z.array(z.string().min(1)),
      arms: z.array(ArmRunConfiguration),
    }),
  ),
});
/** What `overseer run` records. */
export type ExperimentRunConfiguration = z.infer<typeof ExperimentRunConfiguration>;

/** What `overseer eval` records: what it evaluated, on which problems. */
export const EvaluationRunConfiguration = z.strictObject({
  command: z.literal('eval'),
  task: RegistryReference,
  scaffold: RegistryReference,
  policy: RegistryReference,
  overseer: RegistryReference.optional(),
  split: Split,
  /** Problems evaluated. */
  n: z.number().int().nonnegative(),
  seed: z.number().int(),
  /** The difficulties mixed; the family's default when absent. */
  difficulty: z.array(z.number()).optional(),
});
/** What `overseer eval` records. */
export type EvaluationRunConfiguration = z.infer<typeof EvaluationRunConfiguration>;

/** What the reward service records: how it turns a response into a reward. */
export const RewardServiceRunConfiguration = z.strictObject({
  kind: z.literal('reward-service'),
  task: RegistryReference,
  format: AnswerFormat,
  overseer: RegistryReference,
  /** The dial λ: 0 purely process-based, 1 purely outcome-based. */
  lambda: z.number().min(0).max(1),
  /** How step scores become one process reward. */
  aggregate: z.enum(['mean', 'min', 'last']),
});
/** What the reward service records. */
export type RewardServiceRunConfiguration = z.infer<typeof RewardServiceRunConfiguration>;

/** The configuration one of Overseer's commands records for a run. */
export const RunConfiguration = z.union([
  ExperimentRunConfiguration,
  EvaluationRunConfiguration,
  RewardServiceRunConfiguration,
]);
/** The configuration one of Overseer's commands records for a run. */
export type RunConfiguration = z.infer<typeof RunConfiguration>;
