/**
 * The model a unit starts from: fresh (the same for every arm of an experiment under one seed, so
 * arms start alike), pretrained on the task's exact completions when the arm asks for it.
 * Pretraining is shared: arms with the same task, model and pretraining reuse one checkpoint.
 */
import { join } from 'node:path';
import { OverseerError } from '../../errors.ts';
import { loadCheckpoint, saveCheckpoint } from '../../model/checkpoint.ts';
import { Gpt } from '../../model/gpt.ts';
import { deriveSeed } from '../../util/random.ts';
import { Tokenizer } from '../../model/tokenizer.ts';
import { fileExists } from '../../util/file-exists.ts';
import { makeDemonstrations } from '../run-demonstrations.ts';
import { answersWithTools, modelAlphabet } from '../tool-lessons.ts';
import { fingerprint } from '../run-state.ts';
import { checkpointTraining, segment } from './checkpoint.ts';
import { difficulty, loopTrainer, workKinds } from './setup.ts';
import type { Unit } from './setup.ts';

/** Most supervised pairs drawn for pretraining. */
const MAX_PRETRAIN_PAIRS = 20_000;

/** A fresh model for the unit, pretrained (or loaded from the shared pretraining) when asked. */
export async function initialModel(unit: Unit): Promise<Gpt> {
  const { arm, seed, progress, config, family, format } = unit;
  const fresh = (): Gpt =>
    Gpt.create({
      tokenizer: new Tokenizer(modelAlphabet(family, unit.evaluationScaffold)),
      kernels: unit.kernels,
      seed: deriveSeed(seed, 'initial-model'),
      config: config.model,
    });
  if (config.pretrain.steps === 0) return fresh();
  const key = fingerprint({
    task: config.task,
    model: config.model,
    pretrain: config.pretrain,
    format,
    seed,
    // A tools arm's model has the protocol's characters too: not the snap arms' checkpoint.
    ...(answersWithTools(unit.evaluationScaffold)
      ? { alphabet: modelAlphabet(family, unit.evaluationScaffold) }
      : {}),
  });
  const shared = join(unit.directory, 'checkpoints', segment(arm.experiment), `pretrain-${key}`);
  progress.at(
    { unit: unit.label, round: 0, rounds: config.rounds, phase: 'pretrain' },
    workKinds(arm).pretrain,
  );
  if (await fileExists(join(shared, 'config.json'))) {
    // Already trained by another arm: its steps are done, and took no time here.
    progress.advance(config.pretrain.steps, false);
    return (await loadCheckpoint(shared, unit.kernels)).model;
  }
  const trainer = loopTrainer(config.pretrain.trainer, {
    steps: config.pretrain.steps,
    updates: config.pretrain.steps,
    iterations: config.pretrain.steps,
  });
  if (trainer.learnsFrom !== 'examples') {
    throw new OverseerError(
      'run.pretrain-trainer',
      `pretraining imitates the task's exact completions; ${trainer.reference.name} cannot`,
      { hint: 'set pretrain.trainer to { name: imitation } (the default)' },
    );
  }
  const model = fresh();
  const examples = makeDemonstrations(config.pretrain.demonstrations, family, {
    seed: deriveSeed(seed, 'pretrain'),
    count: Math.min(MAX_PRETRAIN_PAIRS, config.pretrain.steps * trainer.problemsPerUpdate),
    format,
    ...difficulty(config.task.difficulty),
  });
  await trainer.train({
    model,
    seed: deriveSeed(seed, 'pretrain'),
    examples,
    onUpdate: () => {
      progress.advance(1);
      unit.signal?.throwIfAborted();
    },
  });
  await saveCheckpoint(shared, {
    model,
    training: checkpointTraining(unit, config.pretrain.steps, {
      experiment: arm.experiment,
      pretrain: trainer.reference,
    }),
  });
  return model;
}
