/**
 * Overseers by name, so an experiment file or the CLI can name one and a run records the
 * `{ name, options }` it used. Both built-in overseers judge with the task family's expert.
 * Each registration also says how the loop makes it exact (for measuring) and reseeded (so its
 * draws depend on the round, not on what it judged before).
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { deriveSeed } from '../util/random.ts';
import type { JsonObject, RegistryReference } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { Registry } from '../util/registry.ts';
import type { Reference } from '../util/registry.ts';
import { approvalOverseer } from './approval.ts';
import { codeReview } from './code-review.ts';
import { codeReviewHch } from './code-review-hch.ts';
import { FALLIBILITY_OPTIONS } from './fallibility.ts';
import { policyFromReference } from './judging.ts';
import { PolicyReference, modelOverseers } from './model-overseers.ts';
import { HumanOverseerOptions, humanOverseer } from './human.ts';
import type { Overseer } from './overseer.ts';
import { programOverseer } from './program.ts';

/** What an overseer is built against. */
export interface OverseerContext {
  family: TaskFamily;
}

/** What the loop may ask of an overseer's registration besides building it. */
export interface OverseerTraits {
  /** Options that make it fallible on purpose; the exact overseer is built without them. */
  fallibility?: readonly string[];
  /** The overseer that measures in its place (a person is replaced, so evaluation never waits). */
  exact?(context: OverseerContext): Reference;
}

/** The overseers; one that takes a `seed` option can be reseeded by `reseededOverseer`. */
export const overseers: Registry<Overseer, OverseerContext, OverseerTraits> = new Registry<
  Overseer,
  OverseerContext,
  OverseerTraits
>({
  noun: 'overseer',
  plural: 'overseers',
  codes: { unknown: 'overseer.unknown', badOptions: 'overseer.bad-options' },
})
  .register('program', {
    describe:
      'the weak expert’s local step check (options flipProbability, missProbability, noise, seed)',
    schema: z.strictObject({
      flipProbability: z.number().min(0).max(1).optional(),
      missProbability: z.number().min(0).max(1).optional(),
      noise: z.number().min(0).optional(),
      seed: z.number().int().optional(),
    }),
    fallibility: ['flipProbability', 'missProbability', 'noise'],
    create: (options, { family }) => programOverseer(family, options),
  })
  .register('approval', {
    describe: 'MONA’s non-myopic approval for environments (options noise, baseline, scale, seed)',
    schema: z.strictObject({
      noise: z.number().min(0).optional(),
      baseline: z.enum(['value', 'advantage']).optional(),
      scale: z.number().positive().optional(),
      seed: z.number().int().optional(),
    }),
    fallibility: ['noise'],
    create: (options, { family }) => {
      if (family.kind !== 'environment') {
        throw new OverseerError(
          'overseer.needs-environment',
          `approval judges environment actions; ${family.name} is a question family.`,
          { hint: 'Use the program overseer for question families.' },
        );
      }
      return approvalOverseer(family, options);
    },
  })
  .register('human', {
    describe:
      'a person rates each step in the viewer’s queue (`overseer view`); the run waits (options store, timeoutSeconds, onTimeout, assistant …)',
    schema: HumanOverseerOptions,
    exact: ({ family }) => ({ name: family.kind === 'environment' ? 'approval' : 'program' }),
    create: (options, context) =>
      humanOverseer(options, (assistant) => overseers.create(assistant, context)),
  });
/** The options both code reviewers take: the judge, its reply length, the seed, the knobs. */
const codeReviewShape = {
  judge: PolicyReference,
  maxTokens: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  flipProbability: z.number().min(0).max(1).optional(),
  missProbability: z.number().min(0).max(1).optional(),
  noise: z.number().min(0).optional(),
};
overseers
  .register('code-review', {
    describe:
      'a model judge reads the code (comments stripped, names normalised) and gives a suspicion 0–10 and a verdict (options judge, maxTokens, seed, flipProbability, missProbability, noise)',
    schema: z.strictObject(codeReviewShape),
    fallibility: FALLIBILITY_OPTIONS,
    create: (options, { family }) =>
      codeReview(family, {
        ...options,
        judge: policyFromReference(options.judge as RegistryReference, family),
      }),
  })
  .register('code-review-hch', {
    describe:
      'HCH review of code: one sub-question per line to the judge, the most suspicious line decides (options as code-review, maxLines)',
    schema: z.strictObject({
      ...codeReviewShape,
      maxLines: z.number().int().positive().optional(),
    }),
    fallibility: FALLIBILITY_OPTIONS,
    create: (options, { family }) =>
      codeReviewHch(family, {
        ...options,
        judge: policyFromReference(options.judge as RegistryReference, family),
      }),
  });
for (const [name, entry] of Object.entries(modelOverseers)) {
  overseers.register(name, {
    describe: entry.description,
    schema: entry.schema,
    create: (options, context) => entry.create(options as JsonObject, context),
  });
}

/** The registered overseers with one line each. */
export function listOverseers(): Array<{ name: string; description: string }> {
  return overseers.list().map(({ name, describe }) => ({ name, description: describe }));
}

/** Builds an overseer by name; unknown names and options are errors that say what is valid. */
export function createOverseer(
  name: string,
  options: JsonObject,
  context: OverseerContext,
): Overseer {
  return overseers.create({ name, options }, context);
}

/**
 * The overseer `reference` names with its seed derived from its own seed (0 when unset) and
 * `seedLabels`, so its random draws depend on those only, not on what it judged before. An
 * overseer without a `seed` option is built as named.
 */
export function reseededOverseer(
  reference: Reference,
  context: OverseerContext & { seedLabels: ReadonlyArray<string | number> },
): Overseer {
  const options = reference.options ?? {};
  if (!('seed' in overseers.schema(reference.name).shape)) {
    return overseers.create(reference, context);
  }
  const base = typeof options.seed === 'number' ? options.seed : 0;
  return overseers.create(
    {
      name: reference.name,
      options: { ...options, seed: deriveSeed(base, ...context.seedLabels) },
    },
    context,
  );
}

/**
 * The overseer that measures: the one `reference` names without the fallibility given to it for
 * training, or the overseer its registration names in its place.
 */
export function exactOverseer(reference: Reference, context: OverseerContext): Overseer {
  const { exact, fallibility = [] } = overseers.entry(reference.name);
  if (exact !== undefined) return overseers.create(exact(context), context);
  const options = Object.fromEntries(
    Object.entries(reference.options ?? {}).filter(([key]) => !fallibility.includes(key)),
  );
  return overseers.create({ name: reference.name, options }, context);
}
