/**
 * The vocabulary of an experiment file: the zod schema of one arm's keys (task, model, scaffold,
 * overseer, trainer, pretraining, the dial, evaluation …), the experiment-wide keys, sweeps, and
 * the shapes parsing and expansion produce (layers, declared arms, expanded arms).
 */
import { z } from 'zod';
import { defaultGptConfig } from '../../model/gpt.ts';
import { JsonObject, RegistryReference, Split } from '../../spec/index.ts';
import type { PathSegment } from '../../util/zod-issues.ts';

/** Metric names an experiment may put in its headline (what the loop computes per arm). */
export const METRIC_NAMES = [
  'accuracy',
  'finalAnswerError',
  'traceError',
  'errorCopyRate',
  'validity',
  'blendRate',
  'hackRate',
  'intendedRate',
  'trueReturn',
  'proxyReturn',
  'expertCalls',
  'trainingFlops',
  'meanSteps',
  'meanLineLength',
  'validLineRate',
  'accuracyInDistribution',
  'accuracyOutOfDistribution',
  'stepError',
  'generatedTokens',
  'tamperRate',
  'hiddenUse',
  'deceptionGap',
  'nearCameraRate',
  'partialBlockRate',
  'safety',
  'usefulness',
  'attackRate',
  'trojanRate',
  'testPassRate',
  'defectRate',
  'writerAccuracy',
  'reviewAuroc',
  'catchAt1pct',
  'catchAt2pct',
] as const;
/** Accuracy on the evaluation problems of difficulty N alone, N ≥ 1 (`accuracy@d3`). */
export type DifficultyMetricName = `accuracy@d${number}`;
/** The review metrics that are also reported per attack subtlety. */
export const REVIEW_METRICS = ['reviewAuroc', 'catchAt1pct', 'catchAt2pct'] as const;
/** A review metric on the attacks of subtlety N alone, N ≥ 1 (`reviewAuroc@s3`). */
export type SubtletyMetricName = `${(typeof REVIEW_METRICS)[number]}@s${number}`;
/** A metric an experiment reports in its headline table. */
export type MetricName = (typeof METRIC_NAMES)[number] | DifficultyMetricName | SubtletyMetricName;

const DIFFICULTY_METRIC = /^accuracy@d[1-9][0-9]*$/;
const SUBTLETY_METRIC = new RegExp(`^(${REVIEW_METRICS.join('|')})@s[1-9][0-9]*$`);

/** The name of accuracy at difficulty `difficulty`. */
export function difficultyMetric(difficulty: number): DifficultyMetricName {
  return `accuracy@d${difficulty}`;
}

/** The difficulty of an `accuracy@d<N>` name, or undefined for any other name. */
export function metricDifficulty(name: string): number | undefined {
  return DIFFICULTY_METRIC.test(name) ? Number(name.slice('accuracy@d'.length)) : undefined;
}

/** The name of a review metric on the attacks of subtlety `subtlety` alone. */
export function subtletyMetric(
  metric: (typeof REVIEW_METRICS)[number],
  subtlety: number,
): SubtletyMetricName {
  return `${metric}@s${subtlety}`;
}

/** The review metric and subtlety of a `<metric>@s<N>` name, or undefined for any other name. */
export function metricSubtlety(
  name: string,
): { metric: (typeof REVIEW_METRICS)[number]; subtlety: number } | undefined {
  if (!SUBTLETY_METRIC.test(name)) return undefined;
  const [metric, subtlety] = name.split('@s');
  return { metric: metric as (typeof REVIEW_METRICS)[number], subtlety: Number(subtlety) };
}

/**
 * A metric an experiment reports in its headline table: a name of METRIC_NAMES,
 * `accuracy@d<N>` or a review metric at a subtlety, `reviewAuroc@s<N>` (N a whole number from 1,
 * no leading zero).
 */
export const MetricName = z.string().superRefine((value, context) => {
  if (
    (METRIC_NAMES as readonly string[]).includes(value) ||
    DIFFICULTY_METRIC.test(value) ||
    SUBTLETY_METRIC.test(value)
  ) {
    return;
  }
  const names = METRIC_NAMES.map((name) => JSON.stringify(name)).join(', ');
  context.addIssue({
    code: 'custom',
    message: `expected one of ${names}, "accuracy@d<N>" (accuracy at difficulty N ≥ 1), or "reviewAuroc@s<N>", "catchAt1pct@s<N>", "catchAt2pct@s<N>" (review at attack subtlety N ≥ 1), got ${JSON.stringify(value)}`,
  });
}) as unknown as z.ZodType<MetricName>;

/** A count or a seed: an integer ≥ 0. */
export const wholeNumber = z.number().int().nonnegative();

/** A task difficulty: one value, or a list mixed uniformly. */
export const Difficulty = z.union([wholeNumber, z.array(wholeNumber).min(1)], {
  error: 'expected a whole number or a non-empty list of whole numbers',
});
/** A task difficulty: one value, or a list mixed uniformly. */
export type Difficulty = z.infer<typeof Difficulty>;

/** Which task family, on which world (`options`, e.g. `size`, `worldSeed`), at which difficulty. */
export const TaskConfig = z.strictObject({
  /** Registry name of the family, e.g. `permutation-powering`. */
  name: z.string().min(1),
  /** The family's own options, e.g. world `size`; checked by the family's schema. */
  options: JsonObject.default({}),
  /** Difficulty of training problems; the family's default when omitted. */
  difficulty: Difficulty.optional(),
});
/** Which task family, on which world, at which difficulty. */
export type TaskConfig = z.infer<typeof TaskConfig>;

/** The embedded transformer's shape (defaults: model/gpt.ts `defaultGptConfig`). */
export const ModelConfig = z
  .strictObject({
    layers: z.number().int().min(1).default(defaultGptConfig.layers),
    heads: z.number().int().min(1).default(defaultGptConfig.heads),
    width: z.number().int().min(1).default(defaultGptConfig.width),
    contextLength: z.number().int().min(2).default(defaultGptConfig.contextLength),
    initStandardDeviation: z.number().positive().default(defaultGptConfig.initStandardDeviation),
  })
  .superRefine((model, context) => {
    if (model.width % model.heads !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['width'],
        message: `width ${model.width} is not a multiple of heads ${model.heads}`,
      });
    }
  });
/** The embedded transformer's shape. */
export type ModelConfig = z.infer<typeof ModelConfig>;

/**
 * The keys of an overseer's `options` that make it fallible on purpose (as overseers/registry.ts
 * names them): `flipProbability` flips a judgment's sign, `noise` adds Gaussian noise of that
 * standard deviation to its score (MONA's noisy approval). Sweep them as
 * `overseer.options.noise`.
 */
export const FALLIBILITY_OPTIONS = { flipProbability: 'flipProbability', noise: 'noise' } as const;

/** Imitation before round 1 (Uesato et al. 2022 start RL from a fine-tuned model). */
export const PretrainConfig = z.strictObject({
  /** Supervised steps on the task's reference completions; 0 starts from random weights. */
  steps: z.number().int().nonnegative().default(0),
  /** The trainer of that phase. */
  trainer: RegistryReference.prefault({ name: 'imitation' }),
  /**
   * What is imitated: `exact` (the task's reference completions), `noisy-traces` (chain-of-thought
   * traces with wrong lines: a weak start, as Uesato et al.'s), `mixed-experts` (environment
   * episodes of the intended expert and of the proxy-optimal one). See experiments/run-demonstrations.ts.
   */
  demonstrations: RegistryReference.prefault({ name: 'exact' }),
});
/** Imitation before round 1. */
export type PretrainConfig = z.infer<typeof PretrainConfig>;

/** Held-out evaluation after every round (and every `every` training steps when non-zero). */
export const EvaluationConfig = z.strictObject({
  /** Held-out problems per evaluation. */
  size: z.number().int().min(1).default(200),
  /** Difficulty of held-out problems; the task's when omitted. */
  difficulty: Difficulty.optional(),
  /**
   * Which side of the task's train/test partition to evaluate on: `test` (questions never
   * trained on), or `train` (fresh draws of the training questions — for a fixed world learned
   * in the weights, where a held-out question asks about facts no arm is ever shown).
   */
  split: Split.default('test'),
  /** How the trained model answers when evaluated; the arm's `scaffold` when omitted. */
  scaffold: RegistryReference.optional(),
  /**
   * Sampling temperature of the evaluated model: 0 (its best answer) for questions and 1 (as
   * trained) for environments when omitted. 1 measures the rate at which the policy's sampled
   * answers do a thing (a share of trojans) rather than what its single most likely answer does.
   */
  temperature: z.number().min(0).optional(),
  /** Also evaluate every this many training steps (0: only at the end of each round). */
  every: z.number().int().nonnegative().default(0),
});
/** Held-out evaluation settings. */
export type EvaluationConfig = z.infer<typeof EvaluationConfig>;

/** Updates of a round whose rollouts `recordRollouts` keeps by default (plus the round's last). */
export const RECORDED_UPDATES_PER_ROUND = 8;

/**
 * Which training rollouts of policy-gradient and expert-iteration arms go to the run store as
 * episodes: every sample of the first problem of updates 1, 1 + every, 1 + 2·every … of each
 * round, and of its last update. 0 records none.
 */
export const RecordRolloutsConfig = z.strictObject({
  /** Record every this many updates; ⌈stepsPerRound / 8⌉ when omitted (8 or 9 updates a round). */
  every: z.number().int().nonnegative().optional(),
});
/** Which training rollouts are recorded. */
export type RecordRolloutsConfig = z.infer<typeof RecordRolloutsConfig>;

/** The default `recordRollouts.every`: about `RECORDED_UPDATES_PER_ROUND` updates a round. */
export function defaultRolloutEvery(stepsPerRound: number): number {
  return Math.max(1, Math.ceil(stepsPerRound / RECORDED_UPDATES_PER_ROUND));
}

/** Where imitation's targets come from: the amplified system (IDA) or the exact answers (SL). */
export const Labels = z.enum(['amplified', 'ground-truth']);
/** Where imitation's targets come from. */
export type Labels = z.infer<typeof Labels>;

/** Credit assignment: each step's own reward (myopic) or the discounted return from it on. */
export const Credit = z.enum(['myopic', 'full-horizon']);
/** Credit assignment. */
export type Credit = z.infer<typeof Credit>;

const armConfigShape = {
  task: TaskConfig,
  model: ModelConfig.prefault({}),
  /** How the policy answers while being amplified and trained: snap, chain-of-thought, decompose. */
  scaffold: RegistryReference,
  /** Who judges proposed steps: `program` (the weak expert), `approval` (environments) … */
  overseer: RegistryReference,
  /** imitation, process-rl, outcome-rl, expert-iteration. */
  trainer: RegistryReference,
  pretrain: PretrainConfig.prefault({}),
  /**
   * Where a sampling trainer's outcome reward comes from (outcomes/registry.ts): the family's own
   * grade when omitted, or a named outcome environment (e.g. `trojan-code-tests`: visible tests
   * and a hidden trigger's side reward). Evaluation always grades with the family.
   */
  outcome: RegistryReference.optional(),
  labels: Labels.default('amplified'),
  /**
   * The dial: reward = (1 − λ) · process reward + λ · outcome reward. When omitted, the trainer's
   * own default (process-rl 0, outcome-rl 1, expert-iteration 0).
   */
  lambda: z.number().min(0).max(1).optional(),
  /** When omitted, the trainer's own default (process-rl myopic, outcome-rl full-horizon). */
  credit: Credit.optional(),
  /** Discount γ of full-horizon credit; the trainer's default (1) when omitted. */
  gamma: z.number().min(0).max(1).optional(),
  /**
   * Most tokens one answer may take, when sampled in training, amplified or evaluated; the longest
   * reference completion of the problems + 4 when omitted. Set it where a policy's own answers may
   * rightly be longer than the reference (a program with a guard), so a budget cut never grades them.
   */
  answerTokens: z.number().int().min(1).optional(),
  /** Iterations of amplify → oversee → distill → evaluate. */
  rounds: z.number().int().min(1).default(1),
  /** Training steps in each round. */
  stepsPerRound: z.number().int().min(1),
  evaluation: EvaluationConfig.prefault({}),
  recordRollouts: RecordRolloutsConfig.prefault({}),
};

/**
 * The keys of one arm's merged config as a file may write them. `expandArms` validates against
 * it, then fills the defaults that depend on other keys, giving an `ArmConfig`.
 */
export const ArmKeys = z.strictObject(armConfigShape);
/** The keys of one arm's merged config, validated, before dependent defaults. */
export type ArmKeys = z.output<typeof ArmKeys>;

/**
 * Everything one arm runs with, every default filled in (so a run records exactly what it did):
 * the merged config of the experiment's base, the arm and its sweeps; λ, credit and γ from the
 * trainer when not set; the evaluation scaffold from `scaffold` when not set; how often rollouts
 * are recorded from `stepsPerRound` when not set.
 */
export type ArmConfig = Omit<
  ArmKeys,
  'lambda' | 'credit' | 'gamma' | 'evaluation' | 'recordRollouts'
> & {
  lambda: number;
  credit: Credit;
  gamma: number;
  evaluation: EvaluationConfig & { scaffold: RegistryReference };
  recordRollouts: { every: number };
};

/** The keys an arm (or a sweep) may set. */
export const ARM_CONFIG_KEYS = Object.keys(armConfigShape) as Array<keyof typeof armConfigShape>;

/** The keys that belong to a whole experiment, never to one arm. */
export const EXPERIMENT_KEYS = [
  'name',
  'description',
  'seeds',
  'metrics',
  'arms',
  'sweeps',
] as const;

const ARM_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/** An arm's name, as it appears in generated names and reports. */
export const ArmName = z
  .string()
  .regex(ARM_NAME, 'expected lower-case letters, digits, ".", "_" or "-", e.g. "dial-0.25"');
/** An experiment's name. */
export const ExperimentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and "-", e.g. "tampering"');

/** A value a sweep may set. */
export const SweepValue = z.union([z.number(), z.string(), z.boolean()], {
  error: 'expected a number, a string or true/false',
});
/** A value a sweep may set. */
export type SweepValue = z.infer<typeof SweepValue>;

/** A sweep: copies of arms that differ in one key, one per value. */
export const Sweep = z.strictObject({
  /** Label in generated arm names (`process-rl@approvalNoise=0.5`); the key's last part if omitted. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" or "-"')
    .optional(),
  /** Dotted path of the key to vary, e.g. `overseer.options.noise`. */
  key: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'expected a dotted key path, e.g. "lambda"'),
  values: z.array(SweepValue).min(1),
  /** Arms to copy (declared or made by earlier sweeps); every arm so far if omitted. */
  arms: z.array(z.string()).min(1).optional(),
});
/** A sweep: copies of arms that differ in one key, one per value. */
export type Sweep = z.infer<typeof Sweep>;

/** A key path in a YAML document: mapping keys and list indices. */
export type { PathSegment };

/** One layer of merge patches, with where it came from so problems can point at it. */
export interface ConfigLayer {
  /** Where the layer sits in its file, e.g. `['arms', 1]`; `['--set', 'rounds']` for a CLI override. */
  path: PathSegment[];
  patch: JsonObject;
  /** Present on a sweep's layer: where its key and this value sit in the file. */
  sweep?: { keyPath: PathSegment[]; valuePath: PathSegment[] };
}

/** An arm as the file declares it: a name and the keys it changes in the base. */
export interface ArmDeclaration {
  name: string;
  description: string;
  layer: ConfigLayer;
}

/** A sweep as the file declares it, with its place in the file. */
export interface SweepDeclaration extends Sweep {
  path: PathSegment[];
}

/** One experiment of a file, parsed and checked: the layers its arms are built from. */
export interface Experiment {
  name: string;
  description: string;
  /** The file (or source name) it was read from. */
  source: string;
  seeds: number[];
  /** The metrics of its headline table. */
  metrics: MetricName[];
  /** The shared base of every arm: the file's `defaults` (if any), then the experiment's keys. */
  base: ConfigLayer[];
  arms: ArmDeclaration[];
  sweeps: SweepDeclaration[];
  /** Applied after each arm and sweep (`--set key=value` on the command line). */
  overrides: ConfigLayer[];
  /** `line:column` of each key path in the source, for error messages. */
  positions: ReadonlyMap<string, string>;
}

/** A file's experiments (one, or the list under `experiments:`). */
export interface ExperimentFile {
  source: string;
  experiments: Experiment[];
}

/** One arm after merging and sweeping: what the loop runs, once per seed. */
export interface ExpandedArm {
  experiment: string;
  /** Unique within the experiment: the declared name, plus `@label=value` for sweep copies. */
  name: string;
  description: string;
  /** The declared arm this one was made from. */
  declared: string;
  /** The values sweeps set, by sweep label (empty for a declared arm). */
  sweep: Record<string, SweepValue>;
  config: ArmConfig;
}
