/**
 * Reading an experiment file: YAML parsed once, strictly, into experiments whose base, arms and
 * sweeps are layers of merge patches; every arm is expanded and checked before the file is
 * accepted, so one pass reports every problem with its line and key path.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import type { JsonObject } from '../../spec/index.ts';
import { describeValue } from '../../util/zod-issues.ts';
import type { PathSegment } from '../../util/zod-issues.ts';
import type { ParseOptions } from './catalog.ts';
import { expandInto } from './expansion.ts';
import { isPlainObject } from './merge-patch.ts';
import { recordPositions } from './positions.ts';
import { Problems, invalid } from './problems.ts';
import {
  ARM_CONFIG_KEYS,
  ArmName,
  EXPERIMENT_KEYS,
  ExperimentName,
  MetricName,
  Sweep,
  wholeNumber,
} from './schema.ts';
import type {
  ArmDeclaration,
  ConfigLayer,
  Experiment,
  ExperimentFile,
  SweepDeclaration,
} from './schema.ts';

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

  const entries: ExperimentEntry[] = [];
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
      problems.add(['defaults'], `expected a mapping, got ${describeValue(root.defaults)}`);
    } else if (root.defaults !== undefined) {
      defaults = root.defaults;
      if ('name' in defaults) problems.add(['defaults', 'name'], 'each experiment names itself');
    }
    if (!Array.isArray(root.experiments) || root.experiments.length === 0) {
      problems.add(['experiments'], 'expected a non-empty list of experiments');
    } else {
      root.experiments.forEach((value: unknown, index) => {
        if (isPlainObject(value)) entries.push({ path: ['experiments', index], value });
        else
          problems.add(['experiments', index], `expected a mapping, got ${describeValue(value)}`);
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

/** One experiment of the file: its own keys at `path`. */
interface ExperimentEntry {
  path: PathSegment[];
  value: Record<string, unknown>;
}

const DEFAULTS_PATH: PathSegment[] = ['defaults'];

/**
 * An experiment-level key, taken whole from the experiment, else from the defaults; `fallback`
 * (and `valid` false) when it does not parse, with its problems recorded.
 */
function experimentKey<T>(
  entry: ExperimentEntry,
  defaults: Record<string, unknown>,
  problems: Problems,
  key: string,
  schema: z.ZodType<T>,
  fallback: T,
): { value: T; path: PathSegment[]; valid: boolean } {
  const path = key in entry.value ? [...entry.path, key] : [...DEFAULTS_PATH, key];
  const raw = key in entry.value ? entry.value[key] : defaults[key];
  if (raw === undefined) return { value: fallback, path, valid: true };
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return { value: result.data, path, valid: true };
  for (const issue of result.error.issues) problems.addIssue(path, issue, schema);
  return { value: fallback, path, valid: false };
}

/** One declared arm, or undefined when its name is too broken to expand it. */
function readArm(
  arm: Record<string, unknown>,
  path: PathSegment[],
  earlier: readonly ArmDeclaration[],
  problems: Problems,
): ArmDeclaration | undefined {
  const { name: armName, description: armDescription, ...overrides } = arm;
  const parsedName = ArmName.safeParse(armName, { reportInput: true });
  if (!parsedName.success) {
    for (const issue of parsedName.error.issues)
      problems.addIssue([...path, 'name'], issue, ArmName);
    return undefined;
  }
  if (armDescription !== undefined && typeof armDescription !== 'string') {
    problems.add([...path, 'description'], `expected string, got ${describeValue(armDescription)}`);
  }
  if (earlier.some((other) => other.name === parsedName.data)) {
    problems.add([...path, 'name'], `arm "${parsedName.data}" is declared twice`);
  }
  for (const key of EXPERIMENT_KEYS) {
    if (key in overrides) {
      problems.add([...path, key], `${key} belongs to the whole experiment, not to one arm`);
      delete overrides[key];
    }
  }
  return {
    name: parsedName.data,
    description: typeof armDescription === 'string' ? armDescription : '',
    layer: { path, patch: overrides as JsonObject },
  };
}

/** The declared arms; `expandable` false when one could not be read. */
function readArms(
  raw: ReadonlyArray<Record<string, unknown>>,
  path: PathSegment[],
  problems: Problems,
): { arms: ArmDeclaration[]; expandable: boolean } {
  const arms: ArmDeclaration[] = [];
  let expandable = true;
  raw.forEach((arm, index) => {
    const declared = readArm(arm, [...path, index], arms, problems);
    if (declared === undefined) expandable = false;
    else arms.push(declared);
  });
  return { arms, expandable };
}

/** The sweeps with their places in the file; `expandable` false when one varies a wrong key. */
function readSweeps(
  raw: readonly Sweep[],
  path: PathSegment[],
  problems: Problems,
): { sweeps: SweepDeclaration[]; expandable: boolean } {
  const sweeps: SweepDeclaration[] = raw.map((sweep, index) => ({
    ...sweep,
    path: [...path, index],
  }));
  let expandable = true;
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
  return { sweeps, expandable };
}

/** The layers every arm starts from: the defaults, then the experiment, without experiment keys. */
function baseLayers(entry: ExperimentEntry, defaults: Record<string, unknown>): ConfigLayer[] {
  const withoutExperimentKeys = (value: Record<string, unknown>): JsonObject =>
    Object.fromEntries(
      Object.entries(value).filter(
        ([key]) => !(EXPERIMENT_KEYS as readonly string[]).includes(key),
      ),
    ) as JsonObject;
  const base: ConfigLayer[] = [];
  if (Object.keys(defaults).length > 0) {
    base.push({ path: [...DEFAULTS_PATH], patch: withoutExperimentKeys(defaults) });
  }
  base.push({ path: entry.path, patch: withoutExperimentKeys(entry.value) });
  return base;
}

/**
 * Reads one experiment's own keys and layers, recording problems; `expandable` is false when its
 * arms or sweeps are too broken to expand.
 */
function readExperiment(
  entry: ExperimentEntry,
  defaults: Record<string, unknown>,
  source: string,
  positions: ReadonlyMap<string, string>,
  problems: Problems,
): { experiment: Experiment; expandable: boolean } {
  const pick = <T>(key: string, schema: z.ZodType<T>, fallback: T) =>
    experimentKey(entry, defaults, problems, key, schema, fallback);
  const name = pick('name', ExperimentName, '');
  if (!('name' in entry.value)) problems.add(entry.path, 'name: required (name the experiment)');
  const description = pick('description', z.string(), '');
  const seeds = pick('seeds', z.array(wholeNumber).min(1), [1]);
  const metrics = pick('metrics', z.array(MetricName).min(1), ['accuracy'] as MetricName[]);
  const armsRaw = pick('arms', z.array(z.looseObject({})), [] as Array<Record<string, unknown>>);
  const sweepsRaw = pick('sweeps', z.array(Sweep), [] as Sweep[]);

  checkUnique(seeds.value, seeds.path, 'seed', problems);
  checkUnique(metrics.value, metrics.path, 'metric', problems);
  const arms = readArms(armsRaw.value, armsRaw.path, problems);
  const sweeps = readSweeps(sweepsRaw.value, sweepsRaw.path, problems);

  const experiment: Experiment = {
    name: name.value,
    description: description.value,
    source,
    seeds: seeds.value,
    metrics: metrics.value,
    base: baseLayers(entry, defaults),
    arms: arms.arms,
    sweeps: sweeps.sweeps,
    overrides: [],
    positions,
  };
  const expandable = armsRaw.valid && sweepsRaw.valid && arms.expandable && sweeps.expandable;
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
