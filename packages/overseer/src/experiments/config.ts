/**
 * The experiment file: YAML parsed once, strictly, into typed arms. Every arm of an experiment is
 * the shared base with the arm's own keys merged over it (RFC 7396 JSON Merge Patch: mappings
 * merge key by key, lists and scalars replace, `null` removes a key so its default applies);
 * sweeps then add arms that differ from an existing arm in one key. Each arm's merged config is
 * validated as a whole, and every problem is reported at the place in the file that caused it —
 * `ida.yaml:14:9: arms[1].trainer.options.lr: expected number, got string "fast"` — even when the
 * key came from the base or a sweep. See docs/experiments.md for every key.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { defaultGptConfig } from '../model/gpt.ts';
import { listOverseers } from '../overseers/registry.ts';
import { listScaffolds } from '../scaffolds/registry.ts';
import { JsonObject, RegistryReference, Split } from '../spec/index.ts';
import type { JsonValue } from '../spec/index.ts';
import { AdditionOptions } from '../tasks/addition.ts';
import { CameraDropboxOptions } from '../tasks/camera-dropbox.ts';
import { PermutationPoweringOptions } from '../tasks/permutation-powering.ts';
import { listFamilies } from '../tasks/registry.ts';
import { SequentialAssignmentsOptions } from '../tasks/sequential-assignments.ts';
import { ShortestPathOptions } from '../tasks/shortest-path.ts';
import { UnionFindOptions } from '../tasks/union-find.ts';
import { WildcardSearchOptions } from '../tasks/wildcard-search.ts';
import { ExpertIterationOptions } from '../training/expert-iteration.ts';
import { ImitationOptions } from '../training/imitation.ts';
import { ReinforcementOptions } from '../training/reinforcement.ts';
import { createTrainer, listTrainers } from '../training/registry.ts';

/** Metric names an experiment may put in its headline (what the loop computes per arm). */
export const METRIC_NAMES = [
  'accuracy',
  'finalAnswerError',
  'traceError',
  'hackRate',
  'intendedRate',
  'trueReturn',
  'proxyReturn',
  'expertCalls',
  'meanSteps',
] as const;
/** A metric an experiment reports in its headline table. */
export const MetricName = z.enum(METRIC_NAMES);
/** A metric an experiment reports in its headline table. */
export type MetricName = z.infer<typeof MetricName>;

const wholeNumber = z.number().int().nonnegative();

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
const ArmName = z
  .string()
  .regex(ARM_NAME, 'expected lower-case letters, digits, ".", "_" or "-", e.g. "dial-0.25"');
const ExperimentName = z
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
export type PathSegment = string | number;

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

/** The reference kinds whose options a catalog can check. */
export type ReferenceKind = 'task' | 'scaffold' | 'overseer' | 'trainer';

/**
 * Option schemas by registry name, per kind. When a kind is present, a name missing from it is an
 * error (listing the known names); a schema checks that entry's options strictly; `null`
 * accepts the name with options unchecked.
 */
export type OptionCatalog = Partial<Record<ReferenceKind, Record<string, z.ZodType | null>>>;

/** Options of parsing and expanding. */
export interface ParseOptions {
  /** What names and options to accept; `registryCatalog()` when omitted, `{}` checks none. */
  catalog?: OptionCatalog;
}

const taskOptionSchemas: Record<string, z.ZodType> = {
  'permutation-powering': PermutationPoweringOptions,
  'sequential-assignments': SequentialAssignmentsOptions,
  'wildcard-search': WildcardSearchOptions,
  'shortest-path': ShortestPathOptions,
  'union-find': UnionFindOptions,
  addition: AdditionOptions,
  'camera-dropbox': CameraDropboxOptions,
};

const trainerOptionSchemas: Record<string, z.ZodObject> = {
  imitation: ImitationOptions,
  // `normalize` has a trainer-specific default (process-rl per step, outcome-rl per prompt).
  'process-rl': ReinforcementOptions.partial({ normalize: true }),
  'outcome-rl': ReinforcementOptions.partial({ normalize: true }),
  'expert-iteration': ExpertIterationOptions,
};

/**
 * Trainer options the loop sets from the arm's own keys (so the arm, its sweeps and the report
 * agree on them): trainer option → the arm key it comes from.
 */
const LOOP_TRAINER_KEYS: Array<{ path: string[]; keys: Record<string, string> }> = [
  {
    path: ['trainer'],
    keys: {
      lambda: 'lambda',
      credit: 'credit',
      gamma: 'gamma',
      steps: 'stepsPerRound',
      updates: 'stepsPerRound',
      iterations: 'stepsPerRound',
    },
  },
  { path: ['pretrain', 'trainer'], keys: { steps: 'pretrain.steps' } },
];

/** A trainer's options schema without the keys the loop sets. */
function withoutLoopKeys(schema: z.ZodObject, path: PathSegment[]): z.ZodType {
  const keys = LOOP_TRAINER_KEYS.find((entry) => formatPath(entry.path) === formatPath(path))?.keys;
  const mask = Object.fromEntries(
    Object.keys(keys ?? {})
      .filter((key) => key in schema.shape)
      .map((key) => [key, true] as const),
  );
  return schema.omit(mask as never);
}

/**
 * The catalog of the built-in registries: every task family and trainer with its options schema
 * (trainers' without the keys the loop sets), and the names of every scaffold and overseer
 * (whose registries do not export their schemas; the loop checks those options when it builds
 * them).
 */
export function registryCatalog(): OptionCatalog {
  const task: Record<string, z.ZodType | null> = {};
  for (const { name } of listFamilies()) task[name] = taskOptionSchemas[name] ?? null;
  const scaffold: Record<string, null> = { cot: null };
  for (const { name } of listScaffolds()) scaffold[name] = null;
  const overseer: Record<string, null> = {};
  for (const { name } of listOverseers()) overseer[name] = null;
  const trainer: Record<string, z.ZodType | null> = {};
  for (const { name } of listTrainers()) {
    const schema = trainerOptionSchemas[name];
    trainer[name] = schema === undefined ? null : withoutLoopKeys(schema, ['trainer']);
  }
  return { task, scaffold, overseer, trainer };
}

let builtinCatalog: OptionCatalog | undefined;

const dialDefaults = new Map<string, { lambda: number; credit: Credit; gamma: number }>();

/**
 * The λ, credit and γ a trainer uses when the arm leaves them out, read from the trainer the
 * registry builds with no options (imitation and unknown names: 0, myopic, 1).
 */
export function trainerDialDefaults(name: string): {
  lambda: number;
  credit: Credit;
  gamma: number;
} {
  const cached = dialDefaults.get(name);
  if (cached !== undefined) return cached;
  let options: Record<string, unknown> = {};
  try {
    options = createTrainer({ name, options: {} }).reference.options;
  } catch {
    // Not a registered trainer: the catalog reports the name; use the neutral defaults.
  }
  const credit = Credit.safeParse(options.credit);
  const defaults = {
    lambda: typeof options.lambda === 'number' ? options.lambda : 0,
    credit: credit.success ? credit.data : ('myopic' as const),
    gamma: typeof options.gamma === 'number' ? options.gamma : 1,
  };
  dialDefaults.set(name, defaults);
  return defaults;
}

const IMPLICIT_ARM = 'base';

// ---------------------------------------------------------------------------------------------
// Parsing

/** Reads and parses an experiment file; every problem is reported with its line and key path. */
export async function parseExperimentFile(
  path: string,
  options: ParseOptions = {},
): Promise<ExperimentFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OverseerError(
      'config.unreadable',
      `Cannot read experiment file ${path}: ${(error as Error).message}`,
      { hint: 'Pass the path of a YAML experiment file, e.g. examples/quickstart.yaml.' },
    );
  }
  return parseExperiment(text, path, options);
}

/**
 * Parses the text of an experiment file named `sourceName` (used in messages), checks every arm
 * of every experiment, and returns the experiments. Throws one OverseerError listing all problems.
 */
export function parseExperiment(
  text: string,
  sourceName: string,
  options: ParseOptions = {},
): ExperimentFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => {
      const position = lineCounter.linePos(error.pos[0]);
      return `${sourceName}:${position.line}:${position.col}: ${error.message.split('\n')[0]}`;
    });
    throw invalid(sourceName, lines, 'The file is not valid YAML.');
  }
  const positions = new Map<string, string>();
  if (document.contents !== null) {
    recordPositions(document.contents as YamlNode, [], positions, lineCounter);
  }
  const problems = new Problems(sourceName, positions);
  const root: unknown = document.toJS({ maxAliasCount: 1000 });
  if (!isPlainObject(root)) {
    problems.add([], 'expected a mapping of experiment keys (see docs/experiments.md)');
    throw problems.error();
  }

  const entries: Array<{ path: PathSegment[]; value: Record<string, unknown> }> = [];
  let defaults: Record<string, unknown> = {};
  if ('experiments' in root) {
    for (const key of Object.keys(root)) {
      if (key !== 'experiments' && key !== 'defaults') {
        problems.add(
          [key],
          'unknown key: a file with `experiments:` holds only `defaults` and `experiments`',
        );
      }
    }
    if (root.defaults !== undefined && !isPlainObject(root.defaults)) {
      problems.add(['defaults'], `expected a mapping, got ${describe(root.defaults)}`);
    } else if (root.defaults !== undefined) {
      defaults = root.defaults;
      if ('name' in defaults) problems.add(['defaults', 'name'], 'each experiment names itself');
    }
    if (!Array.isArray(root.experiments) || root.experiments.length === 0) {
      problems.add(['experiments'], 'expected a non-empty list of experiments');
    } else {
      root.experiments.forEach((value: unknown, index) => {
        if (isPlainObject(value)) entries.push({ path: ['experiments', index], value });
        else problems.add(['experiments', index], `expected a mapping, got ${describe(value)}`);
      });
    }
  } else {
    entries.push({ path: [], value: root });
  }

  const experiments: Experiment[] = [];
  const names = new Map<string, PathSegment[]>();
  for (const entry of entries) {
    const { experiment, expandable } = readExperiment(
      entry,
      defaults,
      sourceName,
      positions,
      problems,
    );
    // Arms are checked even when other keys failed, so one pass shows every problem.
    if (expandable) expandInto(experiment, options, problems);
    const earlier = names.get(experiment.name);
    if (earlier !== undefined) {
      problems.add([...entry.path, 'name'], `experiment "${experiment.name}" is named twice`);
    }
    names.set(experiment.name, entry.path);
    experiments.push(experiment);
  }
  if (problems.count > 0) throw problems.error();
  return { source: sourceName, experiments };
}

/**
 * Reads one experiment's own keys and layers, recording problems; `expandable` is false when its
 * arms or sweeps are too broken to expand.
 */
function readExperiment(
  entry: { path: PathSegment[]; value: Record<string, unknown> },
  defaults: Record<string, unknown>,
  source: string,
  positions: ReadonlyMap<string, string>,
  problems: Problems,
): { experiment: Experiment; expandable: boolean } {
  let expandable = true;
  const defaultsPath: PathSegment[] = ['defaults'];
  // Experiment-level keys are taken whole from the experiment, else from the defaults.
  const pick = <T>(
    key: string,
    schema: z.ZodType<T>,
    fallback: T,
  ): { value: T; path: PathSegment[] } => {
    const path = key in entry.value ? [...entry.path, key] : [...defaultsPath, key];
    const raw = key in entry.value ? entry.value[key] : defaults[key];
    if (raw === undefined) return { value: fallback, path };
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) return { value: result.data, path };
    for (const issue of result.error.issues) problems.addIssue(path, issue, schema);
    if (key === 'arms' || key === 'sweeps') expandable = false;
    return { value: fallback, path };
  };

  const name = pick('name', ExperimentName, '');
  if (!('name' in entry.value)) problems.add(entry.path, 'name: required (name the experiment)');
  const description = pick('description', z.string(), '');
  const seeds = pick('seeds', z.array(wholeNumber).min(1), [1]);
  const metrics = pick('metrics', z.array(MetricName).min(1), ['accuracy'] as MetricName[]);
  const armsRaw = pick('arms', z.array(z.looseObject({})), [] as Array<Record<string, unknown>>);
  const sweepsRaw = pick('sweeps', z.array(Sweep), [] as Sweep[]);

  checkUnique(seeds.value, seeds.path, 'seed', problems);
  checkUnique(metrics.value, metrics.path, 'metric', problems);

  const arms: ArmDeclaration[] = [];
  armsRaw.value.forEach((arm, index) => {
    const path = [...armsRaw.path, index];
    const { name: armName, description: armDescription, ...overrides } = arm;
    const parsedName = ArmName.safeParse(armName, { reportInput: true });
    if (!parsedName.success) {
      for (const issue of parsedName.error.issues)
        problems.addIssue([...path, 'name'], issue, ArmName);
      expandable = false;
      return;
    }
    if (armDescription !== undefined && typeof armDescription !== 'string') {
      problems.add([...path, 'description'], `expected string, got ${describe(armDescription)}`);
    }
    if (arms.some((other) => other.name === parsedName.data)) {
      problems.add([...path, 'name'], `arm "${parsedName.data}" is declared twice`);
    }
    for (const key of EXPERIMENT_KEYS) {
      if (key in overrides) {
        problems.add([...path, key], `${key} belongs to the whole experiment, not to one arm`);
        delete overrides[key];
      }
    }
    arms.push({
      name: parsedName.data,
      description: typeof armDescription === 'string' ? armDescription : '',
      layer: { path, patch: overrides as JsonObject },
    });
  });

  const sweeps: SweepDeclaration[] = sweepsRaw.value.map((sweep, index) => ({
    ...sweep,
    path: [...sweepsRaw.path, index],
  }));
  for (const sweep of sweeps) {
    const first = sweep.key.split('.')[0];
    if (!(ARM_CONFIG_KEYS as string[]).includes(first)) {
      problems.add(
        [...sweep.path, 'key'],
        `"${sweep.key}" is not a key an arm can vary (arms vary: ${ARM_CONFIG_KEYS.join(', ')})`,
      );
      expandable = false;
    }
    checkUnique(sweep.values, [...sweep.path, 'values'], 'value', problems);
  }

  const withoutExperimentKeys = (value: Record<string, unknown>): JsonObject =>
    Object.fromEntries(
      Object.entries(value).filter(
        ([key]) => !(EXPERIMENT_KEYS as readonly string[]).includes(key),
      ),
    ) as JsonObject;
  const base: ConfigLayer[] = [];
  if (Object.keys(defaults).length > 0) {
    base.push({ path: defaultsPath, patch: withoutExperimentKeys(defaults) });
  }
  base.push({ path: entry.path, patch: withoutExperimentKeys(entry.value) });
  const experiment: Experiment = {
    name: name.value,
    description: description.value,
    source,
    seeds: seeds.value,
    metrics: metrics.value,
    base,
    arms,
    sweeps,
    overrides: [],
    positions,
  };
  return { experiment, expandable };
}

function checkUnique(
  values: readonly unknown[],
  path: PathSegment[],
  what: string,
  problems: Problems,
): void {
  values.forEach((value, index) => {
    if (values.indexOf(value) !== index) {
      problems.add([...path, index], `${what} ${JSON.stringify(value)} is listed twice`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Expansion

/**
 * The arms an experiment runs, in order: each declared arm (or one arm named `base` when none is
 * declared) merged over the base, then, sweep by sweep, a copy of each targeted arm per value
 * (skipping a value the arm already has: the arm itself is that point of the sweep). Every arm's
 * config is validated; problems name the place in the file that caused them.
 */
export function expandArms(experiment: Experiment, options: ParseOptions = {}): ExpandedArm[] {
  const problems = new Problems(experiment.source, experiment.positions);
  const arms = expandInto(experiment, options, problems);
  if (problems.count > 0) throw problems.error();
  return arms;
}

interface ArmInProgress extends ExpandedArm {
  layers: ConfigLayer[];
}

function expandInto(
  experiment: Experiment,
  options: ParseOptions,
  problems: Problems,
): ExpandedArm[] {
  const owner = (declared: ArmDeclaration | undefined): PathSegment[] =>
    declared?.layer.path ?? experiment.base[experiment.base.length - 1].path;
  const declaredArms: Array<ArmDeclaration | undefined> =
    experiment.arms.length > 0 ? experiment.arms : [undefined];
  const arms: ArmInProgress[] = [];
  for (const declared of declaredArms) {
    const layers = declared === undefined ? experiment.base : [...experiment.base, declared.layer];
    const config = resolve(
      [...layers, ...experiment.overrides],
      owner(declared),
      options,
      problems,
    );
    if (config === undefined) continue;
    const name = declared?.name ?? IMPLICIT_ARM;
    arms.push({
      experiment: experiment.name,
      name,
      description: declared?.description ?? '',
      declared: name,
      sweep: {},
      config,
      layers,
    });
  }
  if (arms.length < declaredArms.length) return arms.map(publicArm);

  for (const sweep of experiment.sweeps) {
    const keyPath = sweep.key.split('.');
    const label = sweep.name ?? keyPath[keyPath.length - 1];
    const targets = sweep.arms ?? arms.map((arm) => arm.name);
    const made: ArmInProgress[] = [];
    targets.forEach((target, targetIndex) => {
      const arm = arms.find((candidate) => candidate.name === target);
      if (arm === undefined) {
        problems.add(
          [...sweep.path, 'arms', targetIndex],
          `no arm "${target}" before this sweep (arms: ${arms.map((a) => a.name).join(', ')})`,
        );
        return;
      }
      sweep.values.forEach((value, valueIndex) => {
        if (valueAt(arm.config, keyPath) === value) return;
        const layer: ConfigLayer = {
          path: [...sweep.path, 'values', valueIndex],
          patch: setAt({}, keyPath, value),
          sweep: {
            keyPath: [...sweep.path, 'key'],
            valuePath: [...sweep.path, 'values', valueIndex],
          },
        };
        const layers = [...arm.layers, layer];
        const name = `${arm.name}${Object.keys(arm.sweep).length === 0 ? '@' : ','}${label}=${value}`;
        if ([...arms, ...made].some((other) => other.name === name)) {
          problems.add(sweep.path, `the sweep makes arm "${name}" twice; give it a distinct name`);
          return;
        }
        const config = resolve(
          [...layers, ...experiment.overrides],
          arm.layers[arm.layers.length - 1].path,
          options,
          problems,
        );
        if (config === undefined) return;
        made.push({
          experiment: experiment.name,
          name,
          description: arm.description,
          declared: arm.declared,
          sweep: { ...arm.sweep, [label]: value },
          config,
          layers,
        });
      });
    });
    arms.push(...made);
  }
  return arms.map(publicArm);
}

function publicArm(arm: ArmInProgress): ExpandedArm {
  const { layers: _layers, ...rest } = arm;
  return rest;
}

/** Merges the layers and validates the result; records problems at their source. */
function resolve(
  layers: ConfigLayer[],
  ownerPath: PathSegment[],
  options: ParseOptions,
  problems: Problems,
): ArmConfig | undefined {
  let merged: unknown = {};
  for (const layer of layers) merged = mergePatch(merged, layer.patch);
  const report = (path: PathSegment[], message: string, unknownKey = false): void => {
    const where = attribute(layers, path, unknownKey);
    if (where === undefined) {
      const hint =
        message === 'required'
          ? ' — set it in the experiment (shared by every arm) or in this arm'
          : '';
      problems.add(ownerPath, `${formatPath(path)}: ${message}${hint}`);
    } else {
      problems.add(where.path, where.prefix + message);
    }
  };
  const result = ArmKeys.safeParse(merged, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) reportIssue(issue, ArmKeys, [], report);
  }
  // Check registry names and options even when other keys failed, so one pass shows every problem.
  const checked = checkReferences(result.success ? result.data : merged, options, report);
  let loopKeysClear = true;
  for (const { path, keys } of LOOP_TRAINER_KEYS) {
    const trainerOptions = valueAt(merged, [...path, 'options']);
    if (!isPlainObject(trainerOptions)) continue;
    for (const [key, owner] of Object.entries(keys)) {
      if (!Object.hasOwn(trainerOptions, key)) continue;
      loopKeysClear = false;
      report(
        [...path, 'options', key],
        `the loop sets the trainer's \`${key}\` from \`${owner}\`: set that instead`,
      );
    }
  }
  if (!result.success || !checked || !loopKeysClear) return undefined;
  const config = result.data;
  const dial = trainerDialDefaults(config.trainer.name);
  return {
    ...config,
    lambda: config.lambda ?? dial.lambda,
    credit: config.credit ?? dial.credit,
    gamma: config.gamma ?? dial.gamma,
    evaluation: { ...config.evaluation, scaffold: config.evaluation.scaffold ?? config.scaffold },
    recordRollouts: {
      every: config.recordRollouts.every ?? defaultRolloutEvery(config.stepsPerRound),
    },
  };
}

/** A `{ name, options }` found in a config, possibly not yet validated. */
interface ReferenceSite {
  kind: ReferenceKind;
  path: PathSegment[];
  reference: { name: string; options: JsonObject };
}

function referenceAt(
  value: unknown,
  kind: ReferenceKind,
  path: string[],
): ReferenceSite | undefined {
  const reference = valueAt(value, path);
  if (!isPlainObject(reference) || typeof reference.name !== 'string') return undefined;
  const options = reference.options ?? {};
  if (!isPlainObject(options)) return undefined;
  return { kind, path, reference: reference as { name: string; options: JsonObject } };
}

/**
 * Checks registry names and options against the catalog. Options are only checked, not filled:
 * each registry records its own resolved options when the loop builds the entry.
 */
function checkReferences(config: unknown, options: ParseOptions, report: Reporter): boolean {
  const sites = [
    referenceAt(config, 'task', ['task']),
    referenceAt(config, 'scaffold', ['scaffold']),
    referenceAt(config, 'overseer', ['overseer']),
    referenceAt(config, 'trainer', ['trainer']),
    referenceAt(config, 'trainer', ['pretrain', 'trainer']),
  ];
  const evaluationScaffold = valueAt(config, ['evaluation', 'scaffold']);
  if (evaluationScaffold !== valueAt(config, ['scaffold'])) {
    sites.push(referenceAt(config, 'scaffold', ['evaluation', 'scaffold']));
  }
  const catalog = options.catalog ?? (builtinCatalog ??= registryCatalog());
  let ok = true;
  for (const site of sites) {
    if (site === undefined) continue;
    const known = catalog[site.kind];
    if (known === undefined) continue;
    const { name } = site.reference;
    if (!Object.hasOwn(known, name)) {
      ok = false;
      const names = Object.keys(known).sort();
      report(
        [...site.path, 'name'],
        `unknown ${site.kind} "${name}"${suggestion(name, names)} (known: ${names.join(', ')})`,
      );
      continue;
    }
    const schema = known[name];
    if (schema === null) continue;
    // Keys the loop sets are reported on their own (see LOOP_TRAINER_KEYS), not as unknown here.
    const loopKeys = LOOP_TRAINER_KEYS.find(
      (entry) => formatPath(entry.path) === formatPath(site.path),
    )?.keys;
    const written = Object.fromEntries(
      Object.entries(site.reference.options ?? {}).filter(
        ([key]) => loopKeys === undefined || !Object.hasOwn(loopKeys, key),
      ),
    );
    const parsed = schema.safeParse(written, { reportInput: true });
    if (!parsed.success) {
      ok = false;
      for (const issue of parsed.error.issues) {
        reportIssue(issue, schema, [...site.path, 'options'], report);
      }
    }
  }
  return ok;
}

type Reporter = (path: PathSegment[], message: string, unknownKey?: boolean) => void;

function reportIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  prefix: PathSegment[],
  report: Reporter,
): void {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, issue.path as PathSegment[]);
    for (const key of issue.keys) {
      report([...path, key], unknownKeyMessage(key, known), true);
    }
    return;
  }
  report(path, issueMessage(issue));
}

/** Which layer set the value at `path` (the last one that did), and how to name that place. */
function attribute(
  layers: ConfigLayer[],
  path: PathSegment[],
  unknownKey: boolean,
): { path: PathSegment[]; prefix: string } | undefined {
  // A custom issue may sit on a key no layer wrote (a default); then blame whoever wrote its parent.
  for (let length = path.length; length > 0; length -= 1) {
    const target = path.slice(0, length);
    for (let index = layers.length - 1; index >= 0; index -= 1) {
      const layer = layers[index];
      if (!hasPath(layer.patch, target)) continue;
      if (layer.sweep !== undefined) {
        return unknownKey
          ? { path: layer.sweep.keyPath, prefix: `${formatPath(path)}: ` }
          : { path: layer.sweep.valuePath, prefix: `(${formatPath(path)}) ` };
      }
      if (layer.path[0] === '--set') {
        const same = path.join('.') === layer.path[1];
        return { path: layer.path, prefix: same ? '' : `(${formatPath(path)}) ` };
      }
      return { path: [...layer.path, ...path], prefix: '' };
    }
    if (unknownKey) break;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Overrides from the command line

/** What the command line may change after parsing. */
export interface ExperimentOverrides {
  /** Run only this seed (`--seed S`). */
  seed?: number;
  /** Run these seeds. */
  seeds?: number[];
  /** `key.path=value` settings applied to every arm after its sweeps (`--set rounds=1`). */
  set?: string[];
}

/**
 * Applies command-line overrides to a parsed experiment and checks its arms again, so a bad
 * `--set` fails here, naming the flag. Returns a new experiment; the input is not changed.
 */
export function applyOverrides(
  experiment: Experiment,
  overrides: ExperimentOverrides,
  options: ParseOptions = {},
): Experiment {
  const problems = new Problems('command line', new Map());
  let seeds = experiment.seeds;
  if (overrides.seeds !== undefined) seeds = overrides.seeds;
  if (overrides.seed !== undefined) seeds = [overrides.seed];
  seeds.forEach((seed) => {
    if (!Number.isInteger(seed) || seed < 0) {
      problems.add(['--seed'], `expected a whole number, got ${JSON.stringify(seed)}`);
    }
  });
  const layers: ConfigLayer[] = [];
  for (const setting of overrides.set ?? []) {
    const equals = setting.indexOf('=');
    const key = equals < 0 ? '' : setting.slice(0, equals).trim();
    if (equals < 0 || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
      problems.add(['--set'], `expected key.path=value, got "${setting}"`);
      continue;
    }
    const keyPath = key.split('.');
    if (!(ARM_CONFIG_KEYS as string[]).includes(keyPath[0])) {
      problems.add(
        ['--set', key],
        `not a key --set can change (it changes: ${ARM_CONFIG_KEYS.join(', ')})`,
      );
      continue;
    }
    // YAML for the value, so `--set lambda=0.5` is a number and `--set credit=myopic` a string.
    const value = parseDocument(setting.slice(equals + 1)).toJS() as JsonValue;
    layers.push({ path: ['--set', key], patch: setAt({}, keyPath, value) });
  }
  if (problems.count > 0) throw problems.error();
  const next: Experiment = {
    ...experiment,
    seeds,
    overrides: [...experiment.overrides, ...layers],
  };
  expandArms(next, options);
  return next;
}

/**
 * The numbers and names that distinguish an arm, for results and reports: the dial, the
 * overseer's fallibility, credit, trainer and labels, plus every value a sweep set.
 */
export function armParameters(arm: ExpandedArm): Record<string, SweepValue> {
  return {
    lambda: arm.config.lambda,
    flipProbability: numberOr(arm.config.overseer.options[FALLIBILITY_OPTIONS.flipProbability], 0),
    approvalNoise: numberOr(arm.config.overseer.options[FALLIBILITY_OPTIONS.noise], 0),
    credit: arm.config.credit,
    gamma: arm.config.gamma,
    trainer: arm.config.trainer.name,
    labels: arm.config.labels,
    ...arm.sweep,
  };
}

// ---------------------------------------------------------------------------------------------
// Problems and their messages

/** Collects problems as `file:line:col: key.path: message` lines. */
class Problems {
  private readonly lines: string[] = [];

  constructor(
    private readonly source: string,
    private readonly positions: ReadonlyMap<string, string>,
  ) {}

  get count(): number {
    return this.lines.length;
  }

  add(path: PathSegment[], message: string): void {
    const position = this.positionOf(path);
    const where = path.length === 0 ? '' : `${formatPath(path)}: `;
    const line = `${this.source}${position === undefined ? '' : `:${position}`}: ${where}${message}`;
    if (!this.lines.includes(line)) this.lines.push(line);
  }

  addIssue(path: PathSegment[], issue: z.core.$ZodIssue, schema: z.ZodType): void {
    reportIssue(issue, schema, path, (target, message) => this.add(target, message));
  }

  error(): OverseerError {
    return invalid(this.source, this.lines);
  }

  private positionOf(path: PathSegment[]): string | undefined {
    // The nearest enclosing key that exists in the file (a missing key points at its parent).
    for (let length = path.length; length >= 0; length -= 1) {
      const position = this.positions.get(positionKey(path.slice(0, length)));
      if (position !== undefined) return position;
    }
    return undefined;
  }
}

function invalid(source: string, lines: string[], lead?: string): OverseerError {
  const shown = lines.slice(0, 30);
  const more = lines.length > shown.length ? [`… and ${lines.length - shown.length} more`] : [];
  const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
  return new OverseerError(
    'config.invalid',
    `${lead ?? `Invalid experiment file ${source} (${count}):`}\n${[...shown, ...more].map((line) => `  ${line}`).join('\n')}`,
    { hint: 'docs/experiments.md lists every key of an experiment file and what it accepts.' },
  );
}

/** `arms[1].trainer.options.lr` for `['arms', 1, 'trainer', 'options', 'lr']`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(top level)';
  if (path[0] === '--set' || path[0] === '--seed') return path.join(' ');
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (segment.startsWith('--')) return segment;
      const plain = /^[A-Za-z0-9_-]+$/.test(segment);
      if (!plain) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${issue.expected === 'int' ? 'integer' : issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describe(issue.input)}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive ?? true;
      if (issue.origin === 'array') {
        return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
      }
      if (issue.origin === 'string') {
        return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} character${Number(bound) === 1 ? '' : 's'}`;
      }
      const relation = issue.code === 'too_small' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
      return `expected a number ${relation} ${bound}, got ${describe(issue.input)}`;
    }
    case 'invalid_format':
      return `${issue.message}, got ${describe(issue.input)}`;
    default:
      return issue.message;
  }
}

function unknownKeyMessage(key: string, known: string[]): string {
  if (known.length === 0) return 'unknown key';
  return `unknown key${suggestion(key, known)} (expected one of: ${known.join(', ')})`;
}

function suggestion(word: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))
    ? ` — did you mean "${best}"?`
    : '';
}

/** Edit distance counting a swap of neighbours as one edit (`widht` is one edit from `width`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/** `string "fast"`, `number 3`, `list`, `mapping`, `null`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** The keys an object schema accepts at `path` inside `schema` (empty when it is not an object). */
function knownKeys(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  const unwrap = (node: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let value = node;
    for (let depth = 0; value !== undefined && depth < 10; depth += 1) {
      const definition = value._zod.def as unknown as {
        type: string;
        innerType?: z.core.$ZodType;
        in?: z.core.$ZodType;
      };
      if (definition.innerType !== undefined) value = definition.innerType;
      else if (definition.type === 'pipe' && definition.in !== undefined) value = definition.in;
      else break;
    }
    return value;
  };
  for (const segment of [...path, undefined]) {
    current = unwrap(current);
    if (current === undefined) return [];
    const definition = current._zod.def as unknown as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    if (segment === undefined) {
      return definition.type === 'object' && definition.shape ? Object.keys(definition.shape) : [];
    }
    if (definition.type === 'object' && definition.shape)
      current = definition.shape[String(segment)];
    else if (definition.type === 'array') current = definition.element;
    else return [];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Small helpers on plain data

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7396 JSON Merge Patch: mappings merge, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function hasPath(value: unknown, path: readonly PathSegment[]): boolean {
  let current: unknown = value;
  for (const segment of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, String(segment))) return false;
    current = current[String(segment)];
  }
  return true;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

function setAt(target: JsonObject, path: readonly string[], value: JsonValue): JsonObject {
  if (path.length === 0) return target;
  const [head, ...rest] = path;
  const child = (rest.length === 0 ? value : setAt({}, rest, value)) as JsonValue;
  return { ...target, [head]: child };
}

function positionKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

function recordPositions(
  node: YamlNode,
  path: PathSegment[],
  positions: Map<string, string>,
  lineCounter: LineCounter,
): void {
  const at = (offset: number | undefined): string | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : undefined;
      if (key === undefined) continue;
      const childPath = [...path, key];
      const keyNode = item.key as YamlNode;
      const position = at(keyNode.range?.[0]);
      if (position !== undefined) positions.set(positionKey(childPath), position);
      if (item.value !== null && typeof item.value === 'object') {
        recordPositions(item.value as YamlNode, childPath, positions, lineCounter);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const childPath = [...path, index];
      const child = item as YamlNode;
      const position = at(child?.range?.[0]);
      if (position !== undefined) positions.set(positionKey(childPath), position);
      if (child !== null && typeof child === 'object') {
        recordPositions(child, childPath, positions, lineCounter);
      }
    });
  }
}
