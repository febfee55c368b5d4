/**
 * Policies by name: `provider:model` (e.g. `embedded:runs/addition/checkpoint`) or a bare provider
 * (`oracle`, `uniform`). Every backend is registered here by name; a run records the
 * `{ name, options }` it used and `createPolicy` rebuilds the same policy from them.
 */
import { z } from 'zod';
import type { JsonObject, Policy } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { Registry } from '../util/registry.ts';
import type { Registration } from '../util/registry.ts';
import { OverseerError } from '../errors.ts';
import { anthropicProvider } from './anthropic.ts';
import { embeddedPolicy } from './embedded.ts';
import { ggufProvider } from './gguf.ts';
import { openAiProvider } from './openai.ts';
import { oraclePolicy } from './oracle.ts';
import { uniformPolicy } from './uniform.ts';

/** What a policy may be built against: reference policies need the task family. */
export interface PolicyContext {
  family?: TaskFamily;
}

/** What a provider builds against: the context and the model named after the colon. */
export interface ProviderContext extends PolicyContext {
  /** The part after the first colon (empty for bare providers). */
  model: string;
}

/** What a provider says of itself besides its factory. */
export interface PolicyTraits {
  /** Whether the provider needs a model after the colon. */
  needsModel: boolean;
}

/** A provider's registration: its description (with an example name), options and factory. */
export type PolicyRegistration<Schema extends z.ZodObject = z.ZodObject> = Registration<
  Policy | Promise<Policy>,
  ProviderContext,
  Schema
> &
  PolicyTraits;

/** Splits `provider:model` at the first colon (a model may contain colons, e.g. `gpt:4o`). */
export function parsePolicyName(name: string): { provider: string; model: string } {
  const colon = name.indexOf(':');
  return colon < 0
    ? { provider: name, model: '' }
    : { provider: name.slice(0, colon), model: name.slice(colon + 1) };
}

const OracleOptions = z.strictObject({});
const UniformOptions = z.strictObject({
  /** Seed of the draws for requests without their own seed. */
  seed: z.number().int().default(0),
});
const EmbeddedOptions = z.strictObject({
  temperature: z.number().min(0).default(0),
  topK: z.number().int().min(0).optional(),
  topP: z.number().gt(0).max(1).optional(),
  maxTokens: z.number().int().positive().optional(),
  seed: z.number().int().default(0),
  truncate: z.enum(['error', 'left']).default('error'),
  kernels: z.enum(['auto', 'native', 'reference']).default('auto'),
});

/** The policy providers, looked up by the part of a policy name before its colon. */
export const policies = new Registry<Policy | Promise<Policy>, ProviderContext, PolicyTraits>({
  noun: 'policy',
  plural: 'policy providers',
  codes: { unknown: 'policy.unknown', badOptions: 'policy.bad-options' },
  entryName: (name) => parsePolicyName(name).provider,
})
  .register('oracle', {
    describe: '`oracle` (the family’s exact solver)',
    needsModel: false,
    schema: OracleOptions,
    create: (_options, context) => oraclePolicy(requireFamily('oracle', context)),
  })
  .register('uniform', {
    describe: '`uniform` (a uniformly random answer; option seed)',
    needsModel: false,
    schema: UniformOptions,
    create: (options, context) => uniformPolicy(requireFamily('uniform', context), options),
  })
  .register('embedded', {
    describe:
      '`embedded:<checkpoint dir>` (the embedded GPT; options temperature, topK, topP, maxTokens, seed, truncate, kernels)',
    needsModel: true,
    schema: EmbeddedOptions,
    create: (options, { model }) => embeddedPolicy(model, options),
  })
  .register('openai', openAiProvider)
  .register('anthropic', anthropicProvider)
  .register('gguf', ggufProvider);

/** Every registered provider, in registration order. */
export function listPolicyProviders(): Array<PolicyRegistration & { provider: string }> {
  return policies.list().map((entry) => ({ provider: entry.name, ...entry }));
}

/** Builds the policy `name` (`provider:model`) with `options`. */
export async function createPolicy(
  name: string,
  options: JsonObject = {},
  context: PolicyContext = {},
): Promise<Policy> {
  const { provider, model } = parsePolicyName(name);
  const entry = policies.entry(name);
  if (entry.needsModel && model === '') {
    throw new OverseerError('policy.no-model', `Policy provider "${provider}" needs a model.`, {
      hint: entry.describe,
    });
  }
  if (!entry.needsModel && model !== '') {
    throw new OverseerError(
      'policy.unexpected-model',
      `Policy "${provider}" takes no model, got "${name}".`,
      { hint: entry.describe },
    );
  }
  return policies.create({ name, options }, { ...context, model });
}

function requireFamily(name: string, context: PolicyContext): TaskFamily {
  if (context.family === undefined) {
    throw new OverseerError(
      'policy.needs-family',
      `The ${name} policy answers from a task family, and none was given.`,
      {
        hint: 'Create it with the family it will answer, e.g. createPolicy(name, {}, { family }).',
      },
    );
  }
  return context.family;
}
