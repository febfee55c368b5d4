/**
 * An episode as a queue job: the data a worker gets (the recipe, the problem, its id and where it
 * is recorded) and the handler that plays it there and answers with the episode as the store
 * records it. The coordinating process records that answer; a worker never opens the store.
 */
import { z } from 'zod';
import { policyQueueName } from '../executor/queue-connection.ts';
import type { JsonObject, JsonValue, Policy } from '../spec/index.ts';
import { LoopPhase, Problem, RunUnit } from '../spec/index.ts';
import { buildEpisodeParts, EpisodeRecipe } from './episode-recipe.ts';
import type { EpisodeParts } from './episode-recipe.ts';
import { playEpisode, recordedEpisode } from './run-episodes.ts';
import type { PlayedEpisode } from './run-episodes.ts';

/** One episode's job data. */
export const EpisodeJob = z.strictObject({
  recipe: EpisodeRecipe,
  problem: Problem,
  /** The episode id (its resume key). */
  id: z.string().min(1),
  seed: z.number().int(),
  /** The run that records it (none: an unrecorded evaluation). */
  runId: z.string().min(1).optional(),
  unit: RunUnit.optional(),
  iteration: z.number().int().nonnegative().optional(),
  phase: LoopPhase.optional(),
});
/** One episode's job data. */
export type EpisodeJob = z.infer<typeof EpisodeJob>;

/** The name episodes give the policy of `recipe` (`provider:model`, or `embedded:<name>`). */
export function recipePolicyName(recipe: EpisodeRecipe): string {
  return recipe.policy.kind === 'registry'
    ? recipe.policy.reference.name
    : `embedded:${recipe.policy.name}`;
}

/**
 * The queue of an episode job: its policy's own (`policyQueueName`), so two models never share
 * one queue and one's 429 pauses only its episodes (the queue executor's `queueOf`).
 */
export function episodeQueueOf(data: JsonObject): string {
  return policyQueueName(recipePolicyName(EpisodeRecipe.parse(data.recipe)));
}

/** Options of `episodeJobHandler`. */
export interface EpisodeJobHandlerOptions {
  /** Wraps every policy a recipe builds (e.g. with the cluster-wide rate limit). */
  wrapPolicy?: (policy: Policy) => Policy;
  /**
   * Called with each played episode before it is returned; may throw to refuse the answer
   * (the worker turns a provider's 429 into a pause of the queue this way).
   */
  inspect?: (played: PlayedEpisode) => void;
}

/**
 * A handler of episode jobs: builds each distinct recipe once (its components are shared by the
 * jobs in flight, so their policy calls batch), plays the episode and answers with the recorded
 * episode (the store's `RecordedEpisode`) as JSON.
 */
export function episodeJobHandler(
  options: EpisodeJobHandlerOptions = {},
): (data: JsonObject) => Promise<JsonValue> {
  const built = new Map<string, Promise<EpisodeParts>>();
  const partsOf = (recipe: EpisodeRecipe): Promise<EpisodeParts> => {
    const key = JSON.stringify(recipe);
    let parts = built.get(key);
    if (parts === undefined) {
      parts = buildEpisodeParts(recipe).then((made) =>
        options.wrapPolicy === undefined
          ? made
          : { ...made, policy: options.wrapPolicy(made.policy) },
      );
      // A recipe that failed to build is built again by the next job, not remembered broken.
      void parts.catch(() => built.delete(key));
      built.set(key, parts);
    }
    return parts;
  };
  return async (data) => {
    const job = EpisodeJob.parse(data);
    const parts = await partsOf(job.recipe);
    const played = await playEpisode({ ...parts, seed: job.seed }, job.problem, job.id);
    options.inspect?.(played);
    return recordedEpisode(
      {
        runId: job.runId ?? 'unrecorded',
        ...(job.unit === undefined ? {} : { unit: job.unit }),
        ...(job.iteration === undefined ? {} : { iteration: job.iteration }),
        ...(job.phase === undefined ? {} : { phase: job.phase }),
      },
      played,
    ) as unknown as JsonValue;
  };
}
