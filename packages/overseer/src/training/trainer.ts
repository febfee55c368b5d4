/**
 * The common shape of every trainer: a factory takes the trainer's options (its whole config:
 * learning rate, batch, group size, KL/entropy coefficients, λ, credit …) and returns a `Trainer`
 * whose `train` improves an embedded model in place from a `TrainerContext`. The registry
 * (registry.ts) finds factories by name, so a run records `{ name, options }` and can replay them.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { Gpt } from '../model/gpt.ts';
import { AdamW } from '../model/optimizer.ts';
import type { OptimizerConfig } from '../model/optimizer.ts';
import type { JsonObject, RegistryReference } from '../spec/index.ts';
import type { SupervisedExample } from '../tasks/family.ts';
import { optionsParser } from '../util/zod-issues.ts';
import type { RolloutRewards } from './rollout-rewards.ts';
import type { Rollout } from './rollouts.ts';
import type { StepJudge, TrainingTask } from './task.ts';

/** What a trainer learns from and what it trains. */
export interface TrainerContext {
  /** The embedded model, trained in place. */
  model: Gpt;
  /**
   * The optimiser to continue with (e.g. restored from a checkpoint). Absent: the trainer builds
   * a fresh AdamW from its own options (learning rate, warm-up, schedule over its run).
   */
  optimizer?: AdamW;
  /** Seeds sampling and batch order; the same seed and context give the same run. */
  seed: number;
  /** The problems and how to grade them (reinforcement learning, expert iteration). */
  task?: TrainingTask;
  /** The overseer whose judgments are the process reward. */
  judge?: StepJudge;
  /** Prompt → completion pairs to imitate, e.g. the amplified system's answers (imitation). */
  examples?: readonly SupervisedExample[];
  /**
   * The frozen reference a KL penalty pulls towards. Absent: a copy of `model` taken when
   * training starts.
   */
  reference?: Gpt;
  /** Called after every update with its numbers (for metrics events and progress). */
  onUpdate?: (report: UpdateReport) => void;
  /**
   * Called once per update with the rollouts it sampled, judged and paid, before `onUpdate` (for
   * transcripts in a run store). Awaited; it must not change the rollouts, so training is the same
   * with or without it.
   */
  onRollouts?: (report: RolloutReport) => void | Promise<void>;
}

/** The rollouts of one update of a trainer that samples (policy gradient, expert iteration). */
export interface RolloutReport {
  /** The update they belong to: 1 for the trainer's first (as `UpdateReport.update`). */
  update: number;
  /** Every rollout of the update, judged; `group` says which problem of the update it answers. */
  rollouts: readonly Rollout[];
  /** Policy gradient: each rollout's per-step rewards after the dial and the credit. */
  rewards?: readonly RolloutRewards[];
  /** Expert iteration: whether each rollout was kept for fine-tuning. */
  kept?: readonly boolean[];
}

/** The numbers of one update; which fields are present depends on the trainer. */
export interface UpdateReport {
  /** 1 after a trainer's first update. */
  update: number;
  /** Loss (cross-entropy for imitation, the surrogate for policy gradients). */
  loss: number;
  learningRate: number;
  gradientNorm: number;
  /** Mean process reward (overseer score) per judged step of the batch. */
  processReward?: number;
  /** Mean outcome reward per episode of the batch. */
  outcomeReward?: number;
  /** Mean λ-mixed return per episode of the batch. */
  mixedReturn?: number;
  /** Share of episodes graded correct (question tasks). */
  accuracy?: number;
  /** Share of episodes whose every step the overseer approved (score > 0). */
  approvedRate?: number;
  /** Environment tasks: share of episodes classified `hack` / `intended`. */
  hackRate?: number;
  intendedRate?: number;
  /** Mean return under the intended task (environment tasks). */
  trueReturn?: number;
  /** Mean log π − log π_ref per token (KL estimate). */
  kl?: number;
  /** Mean −log π per token (entropy estimate). */
  entropy?: number;
  /** Expert iteration: samples kept for fine-tuning. */
  kept?: number;
  /** Policy gradient: share of rollouts whose group carried a signal (all, unless dropped). */
  informativeShare?: number;
  /** On-policy distillation: steps imitated (approved own steps plus expert corrections). */
  imitatedSteps?: number;
  /** On-policy distillation: steps where the expert's correction was imitated. */
  correctedSteps?: number;
  /** Wall-clock seconds of the update, sampling and judging included. */
  seconds: number;
}

/** What `train` returns. */
export interface TrainerResult {
  /** The trainer that ran, as the registry rebuilds it. */
  trainer: RegistryReference;
  /** One report per update, in order. */
  updates: UpdateReport[];
  /** The optimiser after training (to checkpoint or continue with). */
  optimizer: AdamW;
  /** Wall-clock seconds. */
  seconds: number;
}

/** A trainer built from its options. */
export interface Trainer {
  /** `{ name, options }` with every default filled in. */
  readonly reference: RegistryReference;
  /**
   * What the trainer learns from: `examples` (prompt → completion pairs in the context) or
   * `rollouts` it samples itself on the context's task.
   */
  readonly learnsFrom: 'examples' | 'rollouts';
  /**
   * Whether its updates read the overseer's judgments, so a loop must pass a judge (a policy
   * gradient at λ = 1 pays outcomes alone; imitation judges nothing).
   */
  readonly judges: boolean;
  /**
   * An `examples` trainer of amplified answers: whether it learns only those the overseer
   * approved (absent: yes); `false` imitates every one, unchecked (behaviour cloning).
   */
  readonly checkedExamples?: boolean;
  /** Problems (or, for `examples`, pairs) one update consumes. */
  readonly problemsPerUpdate: number;
  /** Optimiser steps one update takes (expert iteration fine-tunes several per iteration). */
  readonly optimizerStepsPerUpdate: number;
  /** Updates `train` takes when the context does not say otherwise. */
  readonly updates: number;
  /** How its rollouts are sampled (trainers that sample only). */
  readonly sampling?: { temperature: number };
  /** A fresh AdamW from the trainer's options, its schedule spanning `updates` updates (default: its own). */
  createOptimizer(model: Gpt, updates?: number): AdamW;
  /** Trains `context.model` in place. */
  train(context: TrainerContext): Promise<TrainerResult>;
}

/** The optimiser options every trainer resolves (`optimizerOptions` with its defaults filled). */
export interface ResolvedOptimizerOptions {
  learningRate: number;
  warmupSteps: number;
  minLearningRateRatio: number;
  weightDecay: number;
  gradientClip: number;
}

/** Optimiser options every trainer takes (defaults suit policy-gradient fine-tuning). */
export const optimizerOptions = {
  /** Peak learning rate. */
  learningRate: z.number().positive().default(3e-4),
  /** Linear warm-up steps. */
  warmupSteps: z.number().int().nonnegative().default(0),
  /** The cosine floor, as a fraction of the peak (1 = constant rate). */
  minLearningRateRatio: z.number().min(0).max(1).default(1),
  /** Decoupled weight decay on matrices. */
  weightDecay: z.number().min(0).default(0),
  /** Largest global gradient norm (0: no clipping). */
  gradientClip: z.number().min(0).default(1),
};

/** Options every trainer that samples groups takes, with that trainer's defaults. */
export function samplingOptions(defaults: { problemsPerUpdate: number; groupSize: number }) {
  return {
    /** Updates (sample, judge, one optimiser step) to take. */
    updates: z.number().int().positive().default(50),
    /** Problems sampled per update. */
    problemsPerUpdate: z.number().int().positive().default(defaults.problemsPerUpdate),
    /** Samples per problem (GRPO's k). */
    groupSize: z.number().int().positive().default(defaults.groupSize),
    /** Sampling temperature; 1 keeps the samples on-policy. */
    temperature: z.number().positive().default(1),
  };
}

/** The optimiser for a run of `totalSteps` updates from the trainer's options. */
export function optimizerFor(
  model: Gpt,
  options: ResolvedOptimizerOptions,
  totalSteps: number,
): AdamW {
  const config: Partial<OptimizerConfig> = {
    learningRate: options.learningRate,
    minLearningRate: options.learningRate * options.minLearningRateRatio,
    warmupSteps: options.warmupSteps,
    totalSteps,
    weightDecay: options.weightDecay,
    gradientClip: options.gradientClip,
  };
  return new AdamW(model.kernels, model.shape, config);
}

/** The `{ name, options }` a trainer records: its resolved options, defaults filled in. */
export function trainerReference(name: string, resolved: object): RegistryReference {
  return { name, options: resolved as unknown as JsonObject };
}

/**
 * A trainer's `createOptimizer`: an AdamW whose schedule spans `stepsPerUpdate` optimiser steps
 * for each of `updates` updates (by default `defaultUpdates`, the trainer's own count).
 */
export function optimizerFactory(
  options: ResolvedOptimizerOptions,
  defaultUpdates: number,
  stepsPerUpdate = 1,
): (model: Gpt, updates?: number) => AdamW {
  return (model, updates = defaultUpdates) =>
    optimizerFor(model, options, Math.max(1, updates * stepsPerUpdate));
}

/**
 * Parses a trainer's options strictly: an unknown key or a wrong type is an OverseerError naming
 * the key path and listing the trainer's options.
 */
export const parseTrainerOptions = optionsParser('training.bad-options', 'trainer');

/** Throws unless the context has what a trainer needs, naming what is missing. */
export function requireInContext<Key extends keyof TrainerContext>(
  trainer: string,
  context: TrainerContext,
  key: Key,
  why: string,
): NonNullable<TrainerContext[Key]> {
  const value = context[key];
  if (value === undefined || value === null) {
    throw new OverseerError('training.context', `${trainer} needs ${String(key)}: ${why}`);
  }
  return value as NonNullable<TrainerContext[Key]>;
}

/** Yields to the event loop, so timers and signals run during a long synchronous training loop. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
