/**
 * Scaffolds by name, so an experiment file or the CLI can name one and a run records the
 * `{ name, options }` it used. `cot` is accepted as a short name for `chain-of-thought`.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { RegistryReference } from '../spec/index.ts';
import type { JsonObject } from '../spec/index.ts';
import { chainOfThought } from './chain-of-thought.ts';
import { decompose } from './decompose.ts';
import { modelDecompose } from './model-decompose.ts';
import type { Scaffold } from './scaffold.ts';
import { snap } from './snap.ts';

const positive = z.number().int().positive();

interface ScaffoldEntry {
  description: string;
  schema: z.ZodObject;
  create(options: JsonObject): Scaffold;
}

const scaffolds: Record<string, ScaffoldEntry> = {
  snap: {
    description: 'the policy answers at once (options maxTokens, maxActions)',
    schema: z.strictObject({ maxTokens: positive.optional(), maxActions: positive.optional() }),
    create: (options) => snap(options),
  },
  'chain-of-thought': {
    description: 'reasoning lines, then the answer line (option maxTokens)',
    schema: z.strictObject({ maxTokens: positive.optional() }),
    create: (options) => chainOfThought(options),
  },
  decompose: {
    description:
      'HCH: the weak expert splits, the policy answers the leaves (options maxDepth, budget, memo, concurrency, maxSubQuestions, maxTokens)',
    schema: z.strictObject({
      maxDepth: z.number().int().min(0).optional(),
      budget: z.number().int().min(0).optional(),
      memo: z.boolean().optional(),
      concurrency: positive.optional(),
      maxSubQuestions: positive.optional(),
      maxTokens: positive.optional(),
    }),
    create: (options) => decompose(options),
  },
  'model-decompose': {
    description:
      'the policy proposes sub-questions (structured output); an overseer may judge each before it is expanded (options maxDepth, budget, maxSubQuestions, maxTokens, planMaxTokens, planAttempts, concurrency, overseer, threshold)',
    schema: z.strictObject({
      maxDepth: z.number().int().min(0).optional(),
      budget: z.number().int().min(0).optional(),
      maxSubQuestions: positive.optional(),
      maxTokens: positive.optional(),
      planMaxTokens: positive.optional(),
      planAttempts: positive.optional(),
      concurrency: positive.optional(),
      overseer: RegistryReference.optional(),
      threshold: z.number().min(-1).max(1).optional(),
    }),
    create: (options) => modelDecompose(options),
  },
};

const aliases: Record<string, string> = { cot: 'chain-of-thought' };

/** The registered scaffolds with one line each. */
export function listScaffolds(): Array<{ name: string; description: string }> {
  return Object.entries(scaffolds).map(([name, entry]) => ({
    name,
    description: entry.description,
  }));
}

/** Builds a scaffold by name; unknown names and options are errors that say what is valid. */
export function createScaffold(name: string, options: JsonObject = {}): Scaffold {
  const canonical = aliases[name] ?? name;
  const entry = Object.hasOwn(scaffolds, canonical) ? scaffolds[canonical] : undefined;
  if (entry === undefined) {
    throw new OverseerError('scaffold.unknown', `Unknown scaffold "${name}".`, {
      hint: `Known scaffolds: ${Object.keys(scaffolds).join(', ')} (cot = chain-of-thought).`,
    });
  }
  const parsed = entry.schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => {
        const path = issue.path.length === 0 ? '(options)' : issue.path.join('.');
        const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        return `${path}: ${issue.message}${keys}`;
      })
      .join('; ');
    throw new OverseerError(
      'scaffold.bad-options',
      `Bad options for scaffold ${canonical}: ${problems}.`,
      {
        hint: `The options of ${canonical} are: ${Object.keys(entry.schema.shape).join(', ')}.`,
      },
    );
  }
  return entry.create(parsed.data as JsonObject);
}
