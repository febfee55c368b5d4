/**
 * Supervised fine-tuning (imitation) of the embedded GPT on prompt/completion pairs: the loss
 * covers the completion's tokens and the end token, never the prompt; batches are padded rows
 * drawn at random from the training pairs; held-out exact match uses greedy decoding.
 *
 * The batch of step s depends only on (seed, s), so a run resumed from a checkpoint at step k
 * takes exactly the updates an uninterrupted run would have taken from k on.
 */
import cliProgress from 'cli-progress';
import { OverseerError } from '../errors.ts';
import { saveCheckpoint } from '../model/checkpoint.ts';
import type { CheckpointTraining } from '../model/checkpoint.ts';
import { makeTokenBatch } from '../model/gpt.ts';
import type { Gpt, SequenceForBatch } from '../model/gpt.ts';
import type { TokenBatch } from '../model/kernels.ts';
import type { AdamW } from '../model/optimizer.ts';
import { Random, deriveSeed } from '../util/random.ts';
import type { SupervisedExample } from '../tasks/family.ts';

/**
 * A measured recipe for the `addition` family (3-digit snap format): the shape, optimiser and
 * step count with which the embedded model reaches ≥ 99% held-out exact match (see the learning
 * test in supervised.test.ts). The quickstart demo uses it too.
 */
export const additionRecipe = {
  seed: 1,
  steps: 2000,
  batchSize: 64, // batch 32 learns far slower per token: the carry needs low-noise gradients
  trainCount: 100_000, // 20 000 pairs overfit (≈95% held-out); 100 000 generalise
  model: { layers: 2, heads: 4, width: 128, contextLength: 16, initStandardDeviation: 0.02 },
  optimizer: { learningRate: 2e-3, minLearningRate: 2e-4, warmupSteps: 100 },
};

/** Options of `trainSupervised`. */
export interface SupervisedOptions {
  /** The model to train, in place. */
  model: Gpt;
  /** Its optimiser; training runs from `optimizer.step` (0, or the step a checkpoint resumed at). */
  optimizer: AdamW;
  /** Training pairs. */
  train: SupervisedExample[];
  /** Held-out pairs for exact-match evaluation at the end (and every `evaluateEvery` steps). */
  test?: SupervisedExample[];
  /** Train until the optimiser has taken this many steps in total. */
  steps: number;
  /** Rows per batch (default 32). */
  batchSize?: number;
  /** Seed of the batch order (use the model's seed). */
  seed: number;
  /** Evaluate on `test` every this many steps as well as at the end (default 0: only at the end). */
  evaluateEvery?: number;
  /** Held-out pairs used by the periodic evaluations (default 100; the final one uses all). */
  periodicEvaluationCount?: number;
  /** Save a resumable checkpoint here every `checkpointEvery` steps and at the end. */
  checkpoint?: { directory: string; every?: number; task: string | null };
  /** A progress bar on stderr: `auto` shows it on a TTY outside CI (default). */
  progress?: boolean | 'auto';
  /** Called after every step. */
  onStep?: (report: StepReport) => void;
}

/** One training step's numbers. */
export interface StepReport {
  /** Steps taken so far (1 after the first update). */
  step: number;
  /** Mean cross-entropy per target token of this step's batch. */
  loss: number;
  /** Learning rate used. */
  learningRate: number;
  /** Gradient norm before clipping. */
  gradientNorm: number;
}

/** Held-out exact-match accuracy. */
export interface ExactMatch {
  /** Fraction of pairs whose greedy completion equals the expected one exactly. */
  exactMatch: number;
  /** Pairs evaluated. */
  count: number;
  /** Pairs answered correctly. */
  correct: number;
  /** Up to ten wrong answers, for reports. */
  mistakes: Array<{ prompt: string; expected: string; got: string }>;
}

/** What `trainSupervised` returns. */
export interface SupervisedResult {
  /** Step the run started at (non-zero when resumed). */
  startStep: number;
  /** Steps taken in total (= options.steps). */
  steps: number;
  /** Loss of every step taken in this call, in order. */
  losses: number[];
  /** Mean loss of the last (up to) 20 steps. */
  finalLoss: number;
  /** Periodic held-out evaluations, by step. */
  evaluations: Array<{ step: number; exactMatch: number; count: number }>;
  /** The final held-out evaluation, when test pairs were given. */
  evaluation?: ExactMatch;
  /** Training time in seconds (evaluation and checkpoint writes excluded). */
  trainSeconds: number;
  /** Tokens (input positions, padding included) processed per second of training. */
  tokensPerSecond: number;
}

/** The token sequences of pairs: `<end> prompt completion <end>`, loss from the completion on. */
export function supervisedSequences(model: Gpt, examples: SupervisedExample[]): SequenceForBatch[] {
  return examples.map((example) => {
    const sequence = model.encode(example.prompt, example.completion);
    if (sequence.tokens.length - 1 > model.config.contextLength) {
      throw new OverseerError(
        'training.context',
        `the pair ${JSON.stringify(example.prompt)} → ${JSON.stringify(example.completion)} needs ${sequence.tokens.length - 1} positions, more than the model's context of ${model.config.contextLength}`,
        { hint: `train with --context ${sequence.tokens.length - 1} or more` },
      );
    }
    return sequence;
  });
}

/** The batch of step `step` (0-based): rows drawn with replacement, from (seed, step) alone. */
export function batchForStep(
  sequences: SequenceForBatch[],
  paddingId: number,
  options: { seed: number; step: number; batchSize: number },
): TokenBatch {
  const random = new Random(deriveSeed(options.seed, 'batch', options.step));
  const rows = Array.from(
    { length: options.batchSize },
    () => sequences[random.integer(sequences.length)],
  );
  return makeTokenBatch(rows, paddingId);
}

/** Greedy-decodes every prompt and counts completions equal to the expected ones. */
export function evaluateExactMatch(
  model: Gpt,
  examples: SupervisedExample[],
  options: { batchSize?: number } = {},
): ExactMatch {
  if (examples.length === 0) return { exactMatch: 0, count: 0, correct: 0, mistakes: [] };
  // One token past the longest answer: a model that does not stop there is wrong anyway.
  const maxTokens = Math.max(...examples.map((e) => Array.from(e.completion).length)) + 1;
  const answers = model.complete(
    examples.map((e) => e.prompt),
    { maxTokens, batchSize: options.batchSize ?? 128 },
  );
  let correct = 0;
  const mistakes: ExactMatch['mistakes'] = [];
  answers.forEach((got, i) => {
    if (got === examples[i].completion) correct++;
    else if (mistakes.length < 10) {
      mistakes.push({ prompt: examples[i].prompt, expected: examples[i].completion, got });
    }
  });
  return { exactMatch: correct / examples.length, count: examples.length, correct, mistakes };
}

/** True when a progress bar should be drawn: stderr is a terminal and this is not CI. */
export function progressWanted(setting: boolean | 'auto' = 'auto'): boolean {
  if (setting !== 'auto') return setting;
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

/** Trains `model` on prompt/completion pairs up to `steps` optimiser steps. */
export async function trainSupervised(options: SupervisedOptions): Promise<SupervisedResult> {
  const { model, optimizer, steps, seed } = options;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new OverseerError('training.steps', `steps = ${steps} must be a whole number ≥ 0`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new OverseerError('training.batch', `batch size ${batchSize} must be a positive integer`);
  }
  if (options.train.length === 0) {
    throw new OverseerError('training.no-data', 'there are no training pairs to learn from');
  }
  const startStep = optimizer.step;
  if (startStep > steps) {
    throw new OverseerError(
      'training.steps',
      `the checkpoint is already at step ${startStep}, past the requested ${steps} steps`,
      { hint: `pass --steps greater than ${startStep} to train further` },
    );
  }
  const sequences = supervisedSequences(model, options.train);
  const test = options.test ?? [];
  const periodicTest = test.slice(0, options.periodicEvaluationCount ?? 100);
  const checkpointEvery = options.checkpoint?.every ?? 0;

  const bar = progressWanted(options.progress)
    ? new cliProgress.SingleBar(
        {
          format:
            'train |{bar}| {value}/{total} steps | loss {loss} | {rate} tok/s | {eta_formatted} left',
          barsize: 30,
          hideCursor: true,
          synchronousUpdate: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(steps, startStep, { loss: '…', rate: '…' });

  const losses: number[] = [];
  const evaluations: SupervisedResult['evaluations'] = [];
  let smoothed = Number.NaN;
  let tokens = 0;
  let trainMilliseconds = 0;
  let lastYield = performance.now();
  let lastReport: StepReport | undefined;
  try {
    for (let step = startStep; step < steps; step++) {
      const started = performance.now();
      const batch = batchForStep(sequences, model.tokenizer.paddingId, { seed, step, batchSize });
      const update = model.trainStep(batch, optimizer);
      trainMilliseconds += performance.now() - started;
      tokens += batch.batch * batch.time;
      losses.push(update.loss);
      smoothed = Number.isNaN(smoothed) ? update.loss : 0.9 * smoothed + 0.1 * update.loss;
      lastReport = {
        step: step + 1,
        loss: update.loss,
        learningRate: update.learningRate,
        gradientNorm: update.gradientNorm,
      };
      options.onStep?.(lastReport);
      bar?.update(step + 1, {
        loss: smoothed.toFixed(4),
        rate: Math.round(tokens / (trainMilliseconds / 1000)),
      });
      const done = step + 1;
      if (options.evaluateEvery && done % options.evaluateEvery === 0 && done < steps) {
        const result = evaluateExactMatch(model, periodicTest);
        evaluations.push({ step: done, exactMatch: result.exactMatch, count: result.count });
      }
      if (
        options.checkpoint &&
        checkpointEvery > 0 &&
        done % checkpointEvery === 0 &&
        done < steps
      ) {
        await saveCheckpoint(options.checkpoint.directory, {
          model,
          optimizer,
          training: trainingMetadata(options, batchSize, done, update.loss),
        });
      }
      // Let timers and signals run now and then; the loop is otherwise synchronous.
      if (performance.now() - lastYield > 200) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  } finally {
    bar?.stop();
  }

  const evaluation = test.length > 0 ? evaluateExactMatch(model, test) : undefined;
  const recent = losses.slice(-20);
  const finalLoss = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : Number.NaN;
  if (options.checkpoint) {
    await saveCheckpoint(options.checkpoint.directory, {
      model,
      optimizer,
      training: {
        ...trainingMetadata(options, batchSize, optimizer.step, lastReport?.loss),
        ...(evaluation
          ? { evaluation: { exactMatch: evaluation.exactMatch, count: evaluation.count } }
          : {}),
      },
    });
  }
  const trainSeconds = trainMilliseconds / 1000;
  return {
    startStep,
    steps: optimizer.step,
    losses,
    finalLoss,
    evaluations,
    evaluation,
    trainSeconds,
    tokensPerSecond: trainSeconds > 0 ? tokens / trainSeconds : 0,
  };
}

function trainingMetadata(
  options: SupervisedOptions,
  batchSize: number,
  step: number,
  loss: number | undefined,
): CheckpointTraining {
  return {
    task: options.checkpoint?.task ?? null,
    step,
    seed: options.seed,
    batchSize,
    optimizer: { ...options.optimizer.config },
    ...(loss === undefined ? {} : { loss }),
    details: { trainer: 'supervised', trainPairs: options.train.length },
  };
}
