/**
 * Checkpoints of a unit: where they live under the run directory, the model a unit starts from
 * (its last checkpoint, or a fresh and perhaps pretrained one) and the round's checkpoint of model
 * and optimiser. A round starts only from what is on disk, so a redone round computes what the
 * interrupted one would have.
 */
import { join } from 'node:path';
import { loadCheckpoint, loadOptimizerState, saveCheckpoint } from '../../model/checkpoint.ts';
import type { Gpt } from '../../model/gpt.ts';
import type { AdamW } from '../../model/optimizer.ts';
import type { JsonObject } from '../../spec/index.ts';
import { initialModel } from './pretrain.ts';
import type { Unit } from './setup.ts';

/** A path segment from an arm name (sweep copies hold `@`, `=` and `,`). */
export function segment(name: string): string {
  return name.replace(/[^A-Za-z0-9._=@,-]/g, '_');
}

/** A checkpoint of the unit, relative to the run directory. */
export function checkpointPath(unit: Unit, name: string): string {
  return join(
    'checkpoints',
    segment(unit.arm.experiment),
    segment(unit.arm.name),
    `s${unit.seed}`,
    name,
  );
}

/** What a checkpoint records of the training that produced it. */
export function checkpointTraining(
  unit: Pick<Unit, 'family' | 'seed'>,
  step: number,
  details: JsonObject,
): Parameters<typeof saveCheckpoint>[1]['training'] {
  return { task: unit.family.name, step, seed: unit.seed, details };
}

/**
 * The model and optimiser a unit continues with: its last checkpoint's, or a fresh (perhaps
 * pretrained) model saved as the `initial` checkpoint and a fresh optimiser scheduled over every
 * round's optimiser steps.
 */
export async function startingPoint(unit: Unit): Promise<{ model: Gpt; optimizer: AdamW }> {
  const { state, config, trainer } = {
    state: unit.unit,
    config: unit.config,
    trainer: unit.trainer,
  };
  let model: Gpt;
  if (state.checkpoint !== undefined) {
    model = (await loadCheckpoint(join(unit.directory, state.checkpoint), unit.kernels)).model;
  } else {
    model = await initialModel(unit);
    state.checkpoint = checkpointPath(unit, 'initial');
    await saveCheckpoint(join(unit.directory, state.checkpoint), {
      model,
      training: checkpointTraining(unit, 0, {
        experiment: unit.arm.experiment,
        arm: unit.arm.name,
      }),
    });
  }
  const optimizer = trainer.createOptimizer(model, config.rounds * config.stepsPerRound);
  if (state.roundsDone > 0) {
    await loadOptimizerState(join(unit.directory, state.checkpoint), optimizer);
  }
  return { model, optimizer };
}

/** Saves the model and optimiser after round `round` (from 0); returns the checkpoint's path. */
export async function saveRound(
  unit: Unit,
  round: number,
  model: Gpt,
  optimizer: AdamW,
): Promise<string> {
  const checkpoint = checkpointPath(unit, `round-${round + 1}`);
  await saveCheckpoint(join(unit.directory, checkpoint), {
    model,
    optimizer,
    training: checkpointTraining(unit, optimizer.step, {
      experiment: unit.arm.experiment,
      arm: unit.arm.name,
      round: round + 1,
      trainer: unit.trainer.reference,
    }),
  });
  return checkpoint;
}
