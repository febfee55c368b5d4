/**
 * Expansion: each arm of an experiment is its base with the arm's keys merged over it (RFC 7396),
 * sweeps add copies that differ in one key, and command-line overrides (`--set`, `--seed`) apply
 * last. Every arm's merged config is validated as a whole, its registry names and options against
 * the catalog, and its dependent defaults filled (λ, credit and γ from the trainer).
 */
import { parseDocument } from 'yaml';
import type { JsonObject, JsonValue } from '../../spec/index.ts';
import { formatPath, suggestion } from '../../util/zod-issues.ts';
import type { PathSegment } from '../../util/zod-issues.ts';
import { LOOP_TRAINER_KEYS, catalogOf, loopTrainerKeys, trainerDialDefaults } from './catalog.ts';
import type { ParseOptions, ReferenceKind } from './catalog.ts';
import { expandDatasetTask } from './dataset-task.ts';
import { isPlainObject, mergePatch, numberOr, setAt, valueAt } from './merge-patch.ts';
import { Problems, attribute, reportIssue } from './problems.ts';
import type { Reporter } from './problems.ts';
import { ARM_CONFIG_KEYS, ArmKeys, FALLIBILITY_OPTIONS, defaultRolloutEvery } from './schema.ts';
import type {
  ArmConfig,
  ArmDeclaration,
  ConfigLayer,
  ExpandedArm,
  Experiment,
  SweepDeclaration,
  SweepValue,
} from './schema.ts';

const IMPLICIT_ARM = 'base';

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

/** A declared arm (or the implicit `base` arm) merged over the base; undefined when invalid. */
function declaredArm(
  experiment: Experiment,
  declared: ArmDeclaration | undefined,
  options: ParseOptions,
  problems: Problems,
): ArmInProgress | undefined {
  const layers = declared === undefined ? experiment.base : [...experiment.base, declared.layer];
  // An arm's own problems are placed at the arm, or at the experiment for the implicit arm.
  const owner = declared?.layer.path ?? experiment.base[experiment.base.length - 1].path;
  const config = resolve(
    [...layers, ...experiment.overrides],
    owner,
    experiment.source,
    options,
    problems,
  );
  if (config === undefined) return undefined;
  const name = declared?.name ?? IMPLICIT_ARM;
  return {
    experiment: experiment.name,
    name,
    description: declared?.description ?? '',
    declared: name,
    sweep: {},
    config,
    layers,
  };
}

/**
 * The copies of `arm` one sweep makes, one per value the arm does not already have; `existing`
 * are the arms made so far, whose names a copy must not repeat.
 */
function sweptCopies(
  experiment: Experiment,
  sweep: SweepDeclaration,
  arm: ArmInProgress,
  existing: readonly ArmInProgress[],
  options: ParseOptions,
  problems: Problems,
): ArmInProgress[] {
  const keyPath = sweep.key.split('.');
  const label = sweep.name ?? keyPath[keyPath.length - 1];
  const made: ArmInProgress[] = [];
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
    if ([...existing, ...made].some((other) => other.name === name)) {
      problems.add(sweep.path, `the sweep makes arm "${name}" twice; give it a distinct name`);
      return;
    }
    const config = resolve(
      [...layers, ...experiment.overrides],
      arm.layers[arm.layers.length - 1].path,
      experiment.source,
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
  return made;
}

/** The arms one sweep adds: copies of each arm it targets (all arms so far when it names none). */
function sweepArms(
  experiment: Experiment,
  sweep: SweepDeclaration,
  arms: readonly ArmInProgress[],
  options: ParseOptions,
  problems: Problems,
): ArmInProgress[] {
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
    made.push(...sweptCopies(experiment, sweep, arm, [...arms, ...made], options, problems));
  });
  return made;
}

/** Expands an experiment's arms, recording problems instead of throwing. */
export function expandInto(
  experiment: Experiment,
  options: ParseOptions,
  problems: Problems,
): ExpandedArm[] {
  const declaredArms: Array<ArmDeclaration | undefined> =
    experiment.arms.length > 0 ? experiment.arms : [undefined];
  const arms: ArmInProgress[] = [];
  for (const declared of declaredArms) {
    const arm = declaredArm(experiment, declared, options, problems);
    if (arm !== undefined) arms.push(arm);
  }
  // A sweep of an arm that failed would report that arm missing too: its own problems suffice.
  if (arms.length < declaredArms.length) return arms.map(publicArm);
  for (const sweep of experiment.sweeps) {
    arms.push(...sweepArms(experiment, sweep, arms, options, problems));
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
  source: string,
  options: ParseOptions,
  problems: Problems,
): ArmConfig | undefined {
  let merged: unknown = {};
  for (const layer of layers) merged = mergePatch(merged, layer.patch);
  merged = expandDatasetTask(merged, source);
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
    referenceAt(config, 'outcome', ['outcome']),
    referenceAt(config, 'trainer', ['trainer']),
    referenceAt(config, 'trainer', ['pretrain', 'trainer']),
  ];
  const evaluationScaffold = valueAt(config, ['evaluation', 'scaffold']);
  if (evaluationScaffold !== valueAt(config, ['scaffold'])) {
    sites.push(referenceAt(config, 'scaffold', ['evaluation', 'scaffold']));
  }
  const catalog = catalogOf(options);
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
    const loopKeys = loopTrainerKeys(site.path);
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
  const problems = new Problems('command line', new Map(), 'Invalid --seed or --set');
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
      problems.add(
        ['--set'],
        `expected key.path=value, got "${setting}": one word with no spaces, e.g. --set rounds=1`,
      );
      continue;
    }
    const keyPath = key.split('.');
    if (!(ARM_CONFIG_KEYS as string[]).includes(keyPath[0])) {
      problems.add(
        ['--set', key],
        `not a key --set can change${suggestion(keyPath[0], ARM_CONFIG_KEYS)} (it changes: ${ARM_CONFIG_KEYS.join(', ')})`,
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
