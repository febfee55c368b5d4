/**
 * Amplify: the current checkpoint answers this round's training questions through the amplifying
 * scaffold — inside `decompose`, the weak expert splits each question and the model answers the
 * sub-questions it cannot — while the overseer judges every step on paper. Each episode goes to
 * the store with its judgments.
 */
import type { Gpt } from '../../model/gpt.ts';
import { deriveSeed } from '../../util/random.ts';
import type { Overseer } from '../../overseers/overseer.ts';
import { batchingPolicy } from '../../policies/batching.ts';
import { modelPolicy } from '../../policies/embedded.ts';
import type { Problem } from '../../spec/index.ts';
import { amplifyEpisodeId, roundNumber } from '../episode-ids.ts';
import { amplificationCalls } from '../metrics.ts';
import { playEpisodes } from '../run-episodes.ts';
import type { PlayedEpisode } from '../run-episodes.ts';
import { loopRecipe } from './recipes.ts';
import { roundOverseerLabels } from './setup.ts';
import type { Unit } from './setup.ts';

/** The amplified episodes of a round and what they cost the weak expert. */
export interface Amplified {
  played: PlayedEpisode[];
  /** The expert's amplification answers plus the overseer's judgments. */
  expertCalls: number;
}

/** Plays the round's distinct training questions through the amplifying scaffold, greedily. */
export async function amplify(
  unit: Unit,
  model: Gpt,
  problems: readonly Problem[],
  overseer: Overseer,
  round: number,
): Promise<Amplified> {
  const distinct = [...new Map(problems.map((problem) => [problem.question, problem])).values()];
  const seed = deriveSeed(unit.seed, 'amplify', round);
  // Behaviour cloning never reads the check, so it neither asks nor pays for it.
  const judged = unit.lesson !== 'amplified-answers';
  const name = unit.unit.checkpoint ?? 'model';
  const played = await playEpisodes({
    family: unit.family,
    scaffold: unit.scaffold,
    policy: batchingPolicy(
      modelPolicy(model, name, {
        temperature: 0,
        seed,
        maxTokens: unit.amplifyTokens,
      }),
    ),
    ...(judged ? { overseer } : {}),
    problems: distinct,
    ids: distinct.map((_, index) =>
      amplifyEpisodeId(unit.unit.key, roundNumber(unit.unit.firstRound, round), index),
    ),
    seed,
    iteration: round,
    phase: 'amplify',
    recorder: unit.recorder,
    ...(unit.executor === undefined ? {} : { executor: unit.executor }),
    // The round's model is the checkpoint it started from, so workers can load it.
    ...(unit.unit.checkpoint === undefined
      ? {}
      : {
          recipe: loopRecipe(
            unit,
            unit.config.scaffold,
            {
              checkpoint: unit.unit.checkpoint,
              name,
              temperature: 0,
              seed,
              maxTokens: unit.amplifyTokens,
            },
            judged
              ? {
                  kind: 'reseeded',
                  reference: unit.config.overseer,
                  seedLabels: roundOverseerLabels(unit, round),
                }
              : undefined,
          ),
        }),
  });
  const expertCalls = played.reduce(
    (sum, entry) => sum + amplificationCalls(entry.episode) + entry.judgments.length,
    0,
  );
  return { played, expertCalls };
}
