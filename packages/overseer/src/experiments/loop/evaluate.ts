/**
 * Evaluate: the model as it stands answers the held-out (or fresh training) problems through the
 * evaluation scaffold, judged by the exact overseer; environments are played as trained
 * (sampled), questions greedily (the distilled model's best answer), unless the arm's
 * `evaluation.temperature` says otherwise.
 */
import type { Gpt } from '../../model/gpt.ts';
import { deriveSeed } from '../../util/random.ts';
import { batchingPolicy } from '../../policies/batching.ts';
import { modelPolicy } from '../../policies/embedded.ts';
import { evaluationEpisodeId } from '../episode-ids.ts';
import { evaluate } from '../evaluate.ts';
import type { Evaluation } from '../evaluate.ts';
import { measuringOverseer } from './setup.ts';
import { loopRecipe } from './recipes.ts';
import type { Unit } from './setup.ts';

/** Evaluates `model` (named `policyName` in the episodes) at `step` of round `round`. */
export async function evaluateModel(
  unit: Unit,
  model: Gpt,
  step: number,
  round: number,
  policyName: string,
): Promise<Evaluation> {
  unit.signal?.throwIfAborted();
  unit.at(round, 'evaluate');
  const { family, evaluationProblems: problems } = unit;
  const seed = deriveSeed(unit.seed, 'evaluation');
  const policy = batchingPolicy(
    modelPolicy(model, policyName, {
      temperature: unit.config.evaluation.temperature ?? (family.kind === 'environment' ? 1 : 0),
      seed,
      maxTokens: unit.evaluationTokens,
    }),
  );
  return evaluate({
    family,
    scaffold: unit.evaluationScaffold,
    policy,
    overseer: measuringOverseer(unit),
    problems,
    ids: problems.map((_, index) => evaluationEpisodeId(unit.unit.key, step, index)),
    seed,
    iteration: round,
    phase: 'evaluation',
    recorder: unit.recorder,
    trainedDifficulties: trainedDifficulties(unit),
    ...(unit.executor === undefined ? {} : { executor: unit.executor }),
    // Workers can load the model only when it is the checkpoint on disk (not between chunks).
    ...(policyName === unit.unit.checkpoint
      ? {
          recipe: loopRecipe(
            unit,
            unit.config.evaluation.scaffold,
            {
              checkpoint: policyName,
              name: policyName,
              temperature: family.kind === 'environment' ? 1 : 0,
              seed,
              maxTokens: unit.evaluationTokens,
            },
            { kind: 'exact', reference: unit.config.overseer },
          ),
        }
      : {}),
  });
}

/** The difficulties the unit trains on: the task's, or the family's default. */
function trainedDifficulties(unit: Unit): number[] {
  const { difficulty } = unit.config.task;
  if (difficulty === undefined) return [unit.family.difficulties.default];
  return typeof difficulty === 'number' ? [difficulty] : difficulty;
}
