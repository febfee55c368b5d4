/**
 * `imitation`: supervised fine-tuning on prompt → completion pairs — the amplified system's
 * answers or traces as a scaffold produced them (those the overseer approved, or with
 * `approvedOnly: false` all of them: behaviour cloning), or an expert's demonstrations. It is the
 * supervised machinery of supervised.ts (loss on the completion and end token only, batches from
 * (seed, step)) behind the common Trainer shape.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { trainSupervised } from './supervised.ts';
import {
  optimizerFactory,
  trainerReference,
  optimizerOptions,
  parseTrainerOptions,
  requireInContext,
} from './trainer.ts';
import type { Trainer, UpdateReport } from './trainer.ts';

/** Options of imitation. */
export const ImitationOptions = z.strictObject({
  /** Optimiser steps to take. */
  steps: z.number().int().positive().default(200),
  /** Pairs per batch (drawn with replacement). */
  batchSize: z.number().int().positive().default(32),
  ...optimizerOptions,
  /** Peak learning rate (supervised training tolerates a higher one than policy gradients). */
  learningRate: z.number().positive().default(1e-3),
  /** Linear warm-up steps. */
  warmupSteps: z.number().int().nonnegative().default(20),
  /** The cosine floor as a fraction of the peak. */
  minLearningRateRatio: z.number().min(0).max(1).default(0.1),
  /** Decoupled weight decay on matrices. */
  weightDecay: z.number().min(0).default(0.1),
  /**
   * Learn only the amplified answers the overseer approved on paper (IDA by imitation). `false`
   * is behaviour cloning: every amplified answer is imitated and the check is never asked.
   */
  approvedOnly: z.boolean().default(true),
});
/** Options of imitation, as written. */
export type ImitationOptions = z.input<typeof ImitationOptions>;

/** The imitation (supervised fine-tuning) trainer. */
export function imitation(options: ImitationOptions = {}): Trainer {
  const resolved = parseTrainerOptions('imitation', ImitationOptions, options);
  const reference = trainerReference('imitation', resolved);
  const createOptimizer = optimizerFactory(resolved, resolved.steps);
  return {
    reference,
    learnsFrom: 'examples',
    judges: false,
    checkedExamples: resolved.approvedOnly,
    problemsPerUpdate: resolved.batchSize,
    optimizerStepsPerUpdate: 1,
    updates: resolved.steps,
    createOptimizer,
    async train(context) {
      const started = performance.now();
      const examples = requireInContext(
        'imitation',
        context,
        'examples',
        'the prompt → completion pairs to imitate',
      );
      if (examples.length === 0) {
        throw new OverseerError('training.no-data', 'imitation was given no pairs to learn from', {
          hint: 'run the scaffold on some problems first, or check the filter that chose the pairs',
        });
      }
      const { model } = context;
      const optimizer = context.optimizer ?? createOptimizer(model);
      const first = optimizer.step;
      const updates: UpdateReport[] = [];
      let last = performance.now();
      await trainSupervised({
        model,
        optimizer,
        train: [...examples],
        steps: first + resolved.steps,
        batchSize: resolved.batchSize,
        seed: context.seed,
        progress: false,
        onStep(step) {
          const now = performance.now();
          const report: UpdateReport = {
            update: step.step - first,
            loss: step.loss,
            learningRate: step.learningRate,
            gradientNorm: step.gradientNorm,
            seconds: (now - last) / 1000,
          };
          last = now;
          updates.push(report);
          context.onUpdate?.(report);
        },
      });
      return {
        trainer: reference,
        updates,
        optimizer,
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}
