/**
 * What a queue worker rebuilds an episode's components from: the task family, the scaffold, the
 * policy and the overseer, each by its registry reference — the run's own config — or, for the
 * loop's embedded model, the checkpoint directory it was saved to. A worker builds each recipe
 * once and shares the components among the jobs it runs at once, so their policy calls batch.
 */
import { z } from 'zod';
import { loadCheckpoint } from '../model/checkpoint.ts';
import { loadKernels } from '../model/kernels.ts';
import { createOverseer, exactOverseer, reseededOverseer } from '../overseers/registry.ts';
import type { Overseer } from '../overseers/overseer.ts';
import { batchingPolicy } from '../policies/batching.ts';
import { modelPolicy } from '../policies/embedded.ts';
import { createPolicy } from '../policies/registry.ts';
import { createScaffold } from '../scaffolds/registry.ts';
import type { Scaffold } from '../scaffolds/scaffold.ts';
import { RegistryReference } from '../spec/index.ts';
import type { Policy } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';

/** The policy of a recipe: a registry reference, or an embedded checkpoint on a shared disk. */
export const PolicyRecipe = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('registry'), reference: RegistryReference }),
  z.strictObject({
    kind: z.literal('checkpoint'),
    /** The checkpoint directory (absolute; every worker must see the same path). */
    directory: z.string().min(1),
    /** The name the episodes give the policy (`embedded:<name>`), as the loop names it. */
    name: z.string().min(1),
    temperature: z.number().nonnegative(),
    seed: z.number().int(),
    maxTokens: z.number().int().positive(),
  }),
]);
/** The policy of a recipe. */
export type PolicyRecipe = z.infer<typeof PolicyRecipe>;

/** The overseer of a recipe: as named, its exact (measuring) form, or reseeded by labels. */
export const OverseerRecipe = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('registry'), reference: RegistryReference }),
  z.strictObject({ kind: z.literal('exact'), reference: RegistryReference }),
  z.strictObject({
    kind: z.literal('reseeded'),
    reference: RegistryReference,
    seedLabels: z.array(z.union([z.string(), z.number()])),
  }),
]);
/** The overseer of a recipe. */
export type OverseerRecipe = z.infer<typeof OverseerRecipe>;

/** Everything an episode is played with, as JSON. */
export const EpisodeRecipe = z.strictObject({
  task: RegistryReference,
  scaffold: RegistryReference,
  policy: PolicyRecipe,
  overseer: OverseerRecipe.optional(),
});
/** Everything an episode is played with, as JSON. */
export type EpisodeRecipe = z.infer<typeof EpisodeRecipe>;

/** The components a recipe builds. */
export interface EpisodeParts {
  family: TaskFamily;
  scaffold: Scaffold;
  policy: Policy;
  overseer?: Overseer;
}

/** Builds a recipe's components (the policy batched, as the loop batches it). */
export async function buildEpisodeParts(recipe: EpisodeRecipe): Promise<EpisodeParts> {
  const family = getFamily(recipe.task.name, recipe.task.options);
  const scaffold = createScaffold(recipe.scaffold.name, recipe.scaffold.options);
  scaffold.check(family);
  const policy = batchingPolicy(await recipePolicy(recipe.policy, family));
  const overseer =
    recipe.overseer === undefined ? undefined : recipeOverseer(recipe.overseer, family);
  return { family, scaffold, policy, ...(overseer === undefined ? {} : { overseer }) };
}

async function recipePolicy(recipe: PolicyRecipe, family: TaskFamily): Promise<Policy> {
  if (recipe.kind === 'registry') {
    return createPolicy(recipe.reference.name, recipe.reference.options, { family });
  }
  const { model } = await loadCheckpoint(recipe.directory, loadKernels('auto'));
  return modelPolicy(model, recipe.name, {
    temperature: recipe.temperature,
    seed: recipe.seed,
    maxTokens: recipe.maxTokens,
  });
}

function recipeOverseer(recipe: OverseerRecipe, family: TaskFamily): Overseer {
  if (recipe.kind === 'exact') return exactOverseer(recipe.reference, { family });
  if (recipe.kind === 'reseeded') {
    return reseededOverseer(recipe.reference, { family, seedLabels: recipe.seedLabels });
  }
  return createOverseer(recipe.reference.name, recipe.reference.options, { family });
}
