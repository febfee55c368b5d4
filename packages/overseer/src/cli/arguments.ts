/**
 * The command line's argument parsers, in one place: each flag's text becomes a checked value
 * (whole number, number, JSON object, list) with a message naming the rule it broke, `--kernels`
 * is declared once, and a verb's parsed options are checked against its zod schema instead of cast.
 */
import { InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { Kernels } from '../model/kernels.ts';
import { JsonObject } from '../spec/json.ts';
import { issueProblems } from '../util/zod-issues.ts';

/** Parses a whole number ≥ `minimum` for commander, with a message naming the flag's rule. */
export function integerArgument(minimum: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < minimum) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${minimum}, got "${value}"`);
    }
    return number;
  };
}

/** Parses a finite number (optionally > 0 or ≥ 0) for commander. */
export function numberArgument(rule: 'positive' | 'non-negative' | 'any' = 'any') {
  return (value: string): number => {
    const number = Number(value);
    const ok =
      value.trim() !== '' &&
      Number.isFinite(number) &&
      (rule === 'any' || (rule === 'positive' ? number > 0 : number >= 0));
    if (!ok) {
      const expected = rule === 'any' ? 'a number' : `a ${rule} number`;
      throw new InvalidArgumentError(`expected ${expected}, got "${value}"`);
    }
    return number;
  };
}

/** Parses a JSON object flag, naming the flag when it is not one. */
export function jsonObjectArgument(flag: string) {
  return (value: string): JsonObject => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new OverseerError(
        'cli.bad-json',
        `${flag}: ${error instanceof Error ? error.message : String(error)}`,
        { hint: `${flag} takes a JSON object, e.g. ${flag} '{"maxDepth": 2}'.` },
      );
    }
    const object = JsonObject.safeParse(parsed);
    if (!object.success) {
      throw new OverseerError('cli.bad-json', `${flag} must be a JSON object, got ${value}.`);
    }
    return object.data;
  };
}

/** Parses `3` or `1,2,3` into whole numbers, naming the flag when a part is not one. */
export function wholeNumberListArgument(flag: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((part) => part.trim());
    if (parts.some((part) => !/^\d+$/.test(part))) {
      throw new OverseerError('cli.bad-list', `${flag} takes whole numbers, got "${value}".`, {
        hint: `e.g. ${flag} 3 or ${flag} 1,2,3`,
      });
    }
    return parts.map(Number);
  };
}

/** Splits a comma-separated list (`S,M`), dropping empty items. */
export function listArgument(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Collects a repeatable flag's values (`--set a=1 --set b=2`). */
export function repeatedArgument(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Collects repeatable `--set key.path=value` settings; a value without `=` (`--set rounds 1`,
 * where the shell split the setting in two) is refused with the form it takes.
 */
export function settingArgument(value: string, previous: string[] = []): string[] {
  if (!value.includes('=')) {
    throw new InvalidArgumentError(
      `expected key.path=value, got "${value}": one word with no spaces, e.g. --set rounds=1`,
    );
  }
  return repeatedArgument(value, previous);
}

/** The compute kernels a verb may ask for: `auto` is native when built, else the reference. */
export const KernelsName = z.enum(['auto', 'native', 'reference']);
/** The compute kernels a verb may ask for. */
export type KernelsName = z.infer<typeof KernelsName>;

/** The `--kernels` flag, the same on every verb that computes with the embedded GPT. */
export function kernelsOption(defaultKernels: KernelsName = 'auto'): Option {
  return new Option('--kernels <name>', 'compute kernels')
    .choices(KernelsName.options)
    .default(defaultKernels);
}

/**
 * The kernels to compute with: `auto` is native when built, else the reference (with a warning).
 * Asynchronous because the kernels load only when a verb computes, never for `--help`.
 */
export async function kernelsNamed(name: string): Promise<Kernels> {
  const parsed = KernelsName.safeParse(name);
  if (!parsed.success) {
    throw new OverseerError('cli.kernels', `unknown kernels "${name}"`, {
      hint: 'use --kernels auto, native or reference',
    });
  }
  const { loadKernels } = await import('../model/kernels.ts');
  return loadKernels(parsed.data);
}

/** `--max-tokens` for the option key `maxTokens`. */
function flagOf(key: PropertyKey): string {
  return `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * A verb's options as commander parsed them, checked against the verb's schema: a value of the
 * wrong kind is an OverseerError naming the flag (the parsers above make that rare; the schema
 * is what lets the verb use the values without casts).
 */
export function verbOptions<Schema extends z.ZodType>(
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(options, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = issueProblems(parsed.error.issues, schema).map(
    ({ path, message }) => `${path.length === 0 ? 'options' : flagOf(path[0])}: ${message}`,
  );
  throw new OverseerError('cli.bad-options', problems.join('; '), {
    hint: 'Run the verb with --help for what each flag takes.',
  });
}
