/**
 * Scaffolds by name, so an experiment file or the CLI can name one and a run records the
 * `{ name, options }` it used. `cot` is accepted as a short name for `chain-of-thought`.
 */
import { z } from 'zod';
import { RegistryReference } from '../spec/index.ts';
import type { JsonObject } from '../spec/index.ts';
import { Registry } from '../util/registry.ts';
import { chainOfThought } from './chain-of-thought.ts';
import { decompose } from './decompose.ts';
import { modelDecompose } from './model-decompose.ts';
import type { Scaffold } from './scaffold.ts';
import { snap } from './snap.ts';
import { tools } from './tools.ts';

const positive = z.number().int().positive();

/** The scaffolds (`cot` is `chain-of-thought`). */
export const scaffolds = new Registry<Scaffold>({
  noun: 'scaffold',
  plural: 'scaffolds',
  codes: { unknown: 'scaffold.unknown', badOptions: 'scaffold.bad-options' },
  aliases: { cot: 'chain-of-thought' },
})
  .register('snap', {
    describe: 'the policy answers at once (options maxTokens, maxActions)',
    schema: z.strictObject({ maxTokens: positive.optional(), maxActions: positive.optional() }),
    create: (options) => snap(options),
  })
  .register('chain-of-thought', {
    describe: 'reasoning lines, then the answer line (option maxTokens)',
    schema: z.strictObject({ maxTokens: positive.optional() }),
    create: (options) => chainOfThought(options),
  })
  .register('decompose', {
    describe:
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
  })
  .register('model-decompose', {
    describe:
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
  })
  .register('tools', {
    describe:
      'the policy calls tools over turns, each call a step judged before it runs (options tools, documents, protocol, maxTurns, maxTokens, instructions, overseer, threshold)',
    schema: z.strictObject({
      tools: z.array(z.string().min(1)).optional(),
      documents: z.string().min(1).optional(),
      protocol: z.enum(['auto', 'native', 'text']).optional(),
      maxTurns: positive.optional(),
      maxTokens: positive.optional(),
      instructions: z.boolean().optional(),
      overseer: RegistryReference.optional(),
      threshold: z.number().min(-1).max(1).optional(),
    }),
    create: (options) => tools(options),
  });

/** The registered scaffolds with one line each. */
export function listScaffolds(): Array<{ name: string; description: string }> {
  return scaffolds.list().map(({ name, describe }) => ({ name, description: describe }));
}

/** Builds a scaffold by name; unknown names and options are errors that say what is valid. */
export function createScaffold(name: string, options: JsonObject = {}): Scaffold {
  return scaffolds.create({ name, options }, undefined);
}
