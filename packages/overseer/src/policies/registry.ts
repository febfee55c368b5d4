/**
 * Policies by name: `provider:model` (e.g. `embedded:runs/addition/checkpoint`) or a bare provider
 * (`oracle`, `uniform`). Backends register a provider; a run records the `{ name, options }` it
 * used and `createPolicy` rebuilds the same policy from them.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { JsonObject } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { embeddedPolicy } from './embedded.ts';
import { oraclePolicy } from './oracle.ts';
import type { Policy } from './policy.ts';
import { uniformPolicy } from './uniform.ts';

/** What a policy may be built against: reference policies need the task family. */
export interface PolicyContext {
  family?: TaskFamily;
}

/** Builds a policy of one provider for a model name (empty for bare providers) and options. */
export type PolicyFactory = (
  model: string,
  options: JsonObject,
  context: PolicyContext,
) => Policy | Promise<Policy>;

/** A registered provider. */
export interface PolicyProvider {
  /** The part before the colon, e.g. `embedded`. */
  provider: string;
  /** One line for `--help` and error messages, with an example name. */
  description: string;
  /** Whether the provider needs a model after the colon. */
  needsModel: boolean;
  create: PolicyFactory;
}

const providers = new Map<string, PolicyProvider>();

/** Adds (or replaces) a provider; later backends (openai, anthropic, gguf) call this. */
export function registerPolicyProvider(provider: PolicyProvider): void {
  providers.set(provider.provider, provider);
}

/** Every registered provider, in registration order. */
export function listPolicyProviders(): PolicyProvider[] {
  return [...providers.values()];
}

/** Splits `provider:model` at the first colon (a model may contain colons, e.g. `gpt:4o`). */
export function parsePolicyName(name: string): { provider: string; model: string } {
  const colon = name.indexOf(':');
  return colon < 0
    ? { provider: name, model: '' }
    : { provider: name.slice(0, colon), model: name.slice(colon + 1) };
}

/** Parses a provider's options strictly, naming unknown keys and wrong types. */
export function parsePolicyOptions<Schema extends z.ZodObject>(
  name: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => {
      const path = issue.path.length === 0 ? '(options)' : issue.path.join('.');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${path}: ${issue.message}${keys}`;
    })
    .join('; ');
  throw new OverseerError('policy.bad-options', `Bad options for policy ${name}: ${problems}.`, {
    hint: `The options of ${name} are: ${Object.keys(schema.shape).join(', ') || '(none)'}.`,
  });
}

/** Builds the policy `name` (`provider:model`) with `options`. */
export async function createPolicy(
  name: string,
  options: JsonObject = {},
  context: PolicyContext = {},
): Promise<Policy> {
  const { provider, model } = parsePolicyName(name);
  const entry = providers.get(provider);
  if (entry === undefined) {
    throw new OverseerError('policy.unknown', `Unknown policy "${name}".`, {
      hint: `Known: ${listPolicyProviders()
        .map((known) => known.description)
        .join('; ')}.`,
    });
  }
  if (entry.needsModel && model === '') {
    throw new OverseerError('policy.no-model', `Policy provider "${provider}" needs a model.`, {
      hint: entry.description,
    });
  }
  if (!entry.needsModel && model !== '') {
    throw new OverseerError(
      'policy.unexpected-model',
      `Policy "${provider}" takes no model, got "${name}".`,
      {
        hint: entry.description,
      },
    );
  }
  return entry.create(model, options, context);
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

registerPolicyProvider({
  provider: 'oracle',
  description: '`oracle` (the family’s exact solver)',
  needsModel: false,
  create: (_model, options, context) => {
    parsePolicyOptions('oracle', OracleOptions, options);
    return oraclePolicy(requireFamily('oracle', context));
  },
});

registerPolicyProvider({
  provider: 'uniform',
  description: '`uniform` (a uniformly random answer; option seed)',
  needsModel: false,
  create: (_model, options, context) =>
    uniformPolicy(
      requireFamily('uniform', context),
      parsePolicyOptions('uniform', UniformOptions, options),
    ),
});

registerPolicyProvider({
  provider: 'embedded',
  description:
    '`embedded:<checkpoint dir>` (the embedded GPT; options temperature, topK, topP, maxTokens, seed, truncate, kernels)',
  needsModel: true,
  create: (model, options) =>
    embeddedPolicy(model, parsePolicyOptions(`embedded:${model}`, EmbeddedOptions, options)),
});
