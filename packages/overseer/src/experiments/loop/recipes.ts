/**
 * How a queue worker rebuilds the loop's episodes: the arm's task, scaffold and overseer by their
 * references, and the model from the checkpoint on disk it was loaded from or saved to (workers
 * must see the run directory at the same path: one machine, or a shared disk). A model that is
 * only in memory (an evaluation between chunks of a round) has no recipe, so it plays here.
 */
import { join } from 'node:path';
import type { RegistryReference } from '../../spec/index.ts';
import type { EpisodeRecipe, OverseerRecipe } from '../episode-recipe.ts';
import type { Unit } from './setup.ts';

/** The model a recipe samples from: its checkpoint, its name in the episodes and its sampling. */
export interface RecipeModel {
  /** The checkpoint (relative to the run directory) the model in memory equals. */
  checkpoint: string;
  /** The policy's name in the episodes (`embedded:<name>`). */
  name: string;
  temperature: number;
  seed: number;
  maxTokens: number;
}

/** A recipe of the unit's episodes played with `scaffold` and judged by `overseer` (if any). */
export function loopRecipe(
  unit: Unit,
  scaffold: RegistryReference,
  model: RecipeModel,
  overseer: OverseerRecipe | undefined,
): EpisodeRecipe {
  return {
    task: { name: unit.config.task.name, options: unit.config.task.options },
    scaffold,
    policy: {
      kind: 'checkpoint',
      directory: join(unit.directory, model.checkpoint),
      name: model.name,
      temperature: model.temperature,
      seed: model.seed,
      maxTokens: model.maxTokens,
    },
    ...(overseer === undefined ? {} : { overseer }),
  };
}
