/**
 * What an experiment file may name: the catalog of registry names and their options' schemas,
 * derived from the registries themselves, and the trainer options the loop sets from an arm's keys.
 */
import type { z } from 'zod';
import { outcomeEnvironments } from '../../outcomes/registry.ts';
import { overseers } from '../../overseers/registry.ts';
import { scaffolds } from '../../scaffolds/registry.ts';
import { families } from '../../tasks/registry.ts';
import { trainers } from '../../training/registry.ts';
import type { Registry } from '../../util/registry.ts';
import { formatPath } from '../../util/zod-issues.ts';
import type { PathSegment } from '../../util/zod-issues.ts';
import { Credit } from './schema.ts';
/** The reference kinds whose options a catalog can check. */
export type ReferenceKind = 'task' | 'scaffold' | 'overseer' | 'trainer' | 'outcome';

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

/**
 * Trainer options the loop sets from the arm's own keys (so the arm, its sweeps and the report
 * agree on them): trainer option → the arm key it comes from.
 */
export const LOOP_TRAINER_KEYS: Array<{ path: string[]; keys: Record<string, string> }> = [
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

/** The trainer options the loop sets at a trainer reference's path (none elsewhere). */
export function loopTrainerKeys(path: readonly PathSegment[]): Record<string, string> | undefined {
  return LOOP_TRAINER_KEYS.find((entry) => formatPath(entry.path) === formatPath(path))?.keys;
}

/** A trainer's options schema without the keys the loop sets. */
function withoutLoopKeys(schema: z.ZodObject, path: PathSegment[]): z.ZodType {
  const keys = loopTrainerKeys(path);
  const mask = Object.fromEntries(
    Object.keys(keys ?? {})
      .filter((key) => key in schema.shape)
      .map((key) => [key, true] as const),
  );
  return schema.omit(mask as never);
}

/**
 * The catalog of the built-in registries: every task family, scaffold (with its aliases), overseer,
 * outcome environment and trainer with its options schema (trainers' without the keys the loop sets), so a file's
 * names and options are checked when it is parsed.
 */
export function registryCatalog(): OptionCatalog {
  const schemas = (registry: Registry<unknown, never>): Record<string, z.ZodType> => ({
    ...Object.fromEntries(registry.names().map((name) => [name, registry.schema(name)])),
    ...Object.fromEntries(
      Object.entries(registry.aliases()).map(([alias, name]) => [alias, registry.schema(name)]),
    ),
  });
  const trainer = Object.fromEntries(
    trainers.names().map((name) => [name, withoutLoopKeys(trainers.schema(name), ['trainer'])]),
  );
  return {
    task: schemas(families),
    scaffold: schemas(scaffolds),
    overseer: schemas(overseers),
    trainer,
    outcome: schemas(outcomeEnvironments),
  };
}

let builtinCatalog: OptionCatalog | undefined;

/** The catalog parsing checks against: the one given, else the built-in registries'. */
export function catalogOf(options: ParseOptions): OptionCatalog {
  return options.catalog ?? (builtinCatalog ??= registryCatalog());
}

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
    options = trainers.create({ name, options: {} }).reference.options;
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
