/**
 * A checkpoint of the embedded GPT is a directory:
 *   model.safetensors      the parameters, one tensor per `parameterLayout` slot (GPT-2 names)
 *   config.json            model config, tokenizer alphabet, training metadata (task, step, seed…)
 *   optimizer.safetensors  AdamW moments and step, when saved for resuming
 * A save writes a sibling temporary directory and renames it into place, so a reader sees either
 * the old checkpoint or the new one, never a mixture of two steps.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { fileExists } from '../util/file-exists.ts';
import { JsonObject } from '../spec/json.ts';
import { Gpt } from './gpt.ts';
import { parameterCount, parameterLayout } from './kernels.ts';
import type { Kernels } from './kernels.ts';
import type { AdamW } from './optimizer.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { Tokenizer } from './tokenizer.ts';

/** Version of the checkpoint layout; bump when config.json or tensor names change. */
export const CHECKPOINT_VERSION = 1;

/** Optimiser hyperparameters as recorded in config.json. */
export const CheckpointOptimizer = z.strictObject({
  learningRate: z.number(),
  minLearningRate: z.number(),
  warmupSteps: z.int(),
  totalSteps: z.int(),
  beta1: z.number(),
  beta2: z.number(),
  epsilon: z.number(),
  weightDecay: z.number(),
  gradientClip: z.number(),
});

/** How the parameters came to be: task, step, seed and what the trainer measured. */
export const CheckpointTraining = z.strictObject({
  /** Task family name, or null for a model not trained on a family. */
  task: z.string().nullable(),
  /** Optimiser updates taken. */
  step: z.int().nonnegative(),
  /** Seed of initialisation and batch order. */
  seed: z.int(),
  /** Rows per training batch. */
  batchSize: z.int().positive().optional(),
  /** The optimiser's hyperparameters. */
  optimizer: CheckpointOptimizer.optional(),
  /** Training loss at the last step. */
  loss: z.number().optional(),
  /** Held-out exact match with greedy decoding, when evaluated. */
  evaluation: z.strictObject({ exactMatch: z.number(), count: z.int() }).optional(),
  /** Anything else a trainer wants to keep. */
  details: JsonObject.optional(),
});
/** Training metadata of a checkpoint. */
export type CheckpointTraining = z.infer<typeof CheckpointTraining>;

/** The whole of config.json. */
export const CheckpointConfig = z.strictObject({
  format: z.literal('overseer-gpt'),
  version: z.literal(CHECKPOINT_VERSION),
  model: z.strictObject({
    vocabSize: z.int().positive(),
    layers: z.int().positive(),
    heads: z.int().positive(),
    width: z.int().positive(),
    contextLength: z.int().positive(),
    initStandardDeviation: z.number().positive(),
  }),
  tokenizer: z.strictObject({
    type: z.literal('character'),
    alphabet: z.string().min(1),
    specials: z.array(z.string()),
  }),
  training: CheckpointTraining,
});
/** The parsed config.json of a checkpoint. */
export type CheckpointConfig = z.infer<typeof CheckpointConfig>;

const MODEL_FILE = 'model.safetensors';
const CONFIG_FILE = 'config.json';
const OPTIMIZER_FILE = 'optimizer.safetensors';

/** Saves a model (and optionally its optimiser state) as a checkpoint directory, atomically. */
export async function saveCheckpoint(
  directory: string,
  contents: { model: Gpt; training: CheckpointTraining; optimizer?: AdamW },
): Promise<void> {
  const { model, training, optimizer } = contents;
  const config: CheckpointConfig = {
    format: 'overseer-gpt',
    version: CHECKPOINT_VERSION,
    model: { vocabSize: model.tokenizer.vocabSize, ...model.config },
    tokenizer: model.tokenizer.toJson(),
    training: CheckpointTraining.parse(training),
  };
  const target = resolve(directory);
  await mkdir(dirname(target), { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = join(dirname(target), `.${basename(target)}.tmp-${suffix}`);
  const previous = join(dirname(target), `.${basename(target)}.old-${suffix}`);
  try {
    await mkdir(temporary);
    const tensors = parameterLayout(model.shape).map((slot) => ({
      name: slot.name,
      shape: slot.shape,
      data: model.params.subarray(slot.offset, slot.offset + slot.size),
    }));
    // `format: pt` is what Hugging Face loaders expect in the metadata.
    await writeSafetensors(join(temporary, MODEL_FILE), tensors, { format: 'pt' });
    if (optimizer) {
      const state = optimizer.toSafetensors();
      await writeSafetensors(join(temporary, OPTIMIZER_FILE), state.tensors, state.metadata);
    }
    await writeFile(join(temporary, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    const existed = await fileExists(target);
    if (existed) await rename(target, previous);
    await rename(temporary, target);
    if (existed) await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw new OverseerError(
      'checkpoint.write',
      `cannot write checkpoint ${directory}: ${(error as Error).message}`,
      { cause: error, hint: 'check that the folder is writable and the disk is not full' },
    );
  }
}

/** Reads and validates a checkpoint's config.json. */
export async function readCheckpointConfig(directory: string): Promise<CheckpointConfig> {
  const path = join(directory, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OverseerError(
      'checkpoint.missing',
      `${directory} is not a checkpoint: cannot read ${path}`,
      {
        cause: error,
        hint: 'pass the folder that `overseer train --out` wrote',
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OverseerError(
      'checkpoint.config',
      `${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = CheckpointConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OverseerError(
      'checkpoint.config',
      `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { hint: 'the checkpoint was written by another program or version; re-train or re-save it' },
    );
  }
  return parsed.data;
}

/** Loads a checkpoint as a model on the given kernels. */
export async function loadCheckpoint(
  directory: string,
  kernels: Kernels,
): Promise<{ model: Gpt; config: CheckpointConfig }> {
  const config = await readCheckpointConfig(directory);
  const tokenizer = Tokenizer.fromJson(config.tokenizer);
  if (tokenizer.vocabSize !== config.model.vocabSize) {
    throw new OverseerError(
      'checkpoint.config',
      `${join(directory, CONFIG_FILE)}: model.vocabSize ${config.model.vocabSize} does not match the tokenizer's ${tokenizer.vocabSize} tokens`,
    );
  }
  const { vocabSize: _vocabSize, ...modelConfig } = config.model;
  const shape = { vocabSize: tokenizer.vocabSize, ...modelConfig };
  const path = join(directory, MODEL_FILE);
  const contents = await readSafetensors(path);
  const params = new Float32Array(parameterCount(shape));
  const byName = new Map(contents.tensors.map((tensor) => [tensor.name, tensor]));
  for (const slot of parameterLayout(shape)) {
    const tensor = byName.get(slot.name);
    if (!tensor) {
      throw new OverseerError('checkpoint.tensors', `${path} has no tensor ${slot.name}`, {
        hint: 'config.json and model.safetensors do not belong together',
      });
    }
    if (tensor.shape.join(',') !== slot.shape.join(',')) {
      throw new OverseerError(
        'checkpoint.tensors',
        `${path}: tensor ${slot.name} has shape [${tensor.shape.join(', ')}], config.json implies [${slot.shape.join(', ')}]`,
        { hint: 'config.json and model.safetensors do not belong together' },
      );
    }
    params.set(tensor.data, slot.offset);
    byName.delete(slot.name);
  }
  if (byName.size > 0) {
    throw new OverseerError(
      'checkpoint.tensors',
      `${path} has tensors the model does not use: ${[...byName.keys()].slice(0, 3).join(', ')}`,
    );
  }
  return { model: new Gpt({ config: modelConfig, tokenizer, kernels, params }), config };
}

/** Restores an optimiser's state from a checkpoint saved with one. */
export async function loadOptimizerState(directory: string, optimizer: AdamW): Promise<void> {
  const path = join(directory, OPTIMIZER_FILE);
  if (!(await fileExists(path))) {
    throw new OverseerError(
      'checkpoint.no-optimizer',
      `${directory} holds no optimizer state to resume from`,
      {
        hint: 'train without --resume, or resume from a checkpoint written by `overseer train`',
      },
    );
  }
  optimizer.restore(await readSafetensors(path), path);
}
