/**
 * AdamW for the embedded GPT, as nanoGPT trains it: global-norm gradient clipping, a linear
 * learning-rate warm-up then cosine decay to a floor, decoupled weight decay on matrices only.
 * The update itself runs in the kernels (`Kernels.adamw`); this file owns the schedule, the
 * clipping and the state a resumed run needs.
 */
import { OverseerError } from '../errors.ts';
import { parameterCount, parameterLayout } from './kernels.ts';
import type { GptShape, Kernels } from './kernels.ts';
import type { NamedTensor, SafetensorsContents } from './safetensors.ts';
import { requireTensor } from './safetensors.ts';
import { defaultOptimizerConfig } from './optimizer-config.ts';
import type { OptimizerConfig } from './optimizer-config.ts';

export { defaultOptimizerConfig } from './optimizer-config.ts';
export type { OptimizerConfig } from './optimizer-config.ts';

/** Learning rate for update number `step` (0-based): warm-up, cosine decay, then the floor. */
export function learningRateAt(config: OptimizerConfig, step: number): number {
  if (step < config.warmupSteps) {
    return (config.learningRate * (step + 1)) / (config.warmupSteps + 1);
  }
  if (step >= config.totalSteps) return config.minLearningRate;
  const progress =
    (step - config.warmupSteps) / Math.max(1, config.totalSteps - config.warmupSteps);
  const coefficient = 0.5 * (1 + Math.cos(Math.PI * progress));
  return config.minLearningRate + coefficient * (config.learningRate - config.minLearningRate);
}

/**
 * 1 for every float of a matrix that should decay (the token embedding, attention and MLP
 * weights), 0 for biases, LayerNorm gains and the position embedding.
 */
export function decayMask(shape: GptShape): Uint8Array {
  const mask = new Uint8Array(parameterCount(shape));
  for (const slot of parameterLayout(shape)) {
    if (slot.shape.length === 2 && slot.name !== 'transformer.wpe.weight') {
      mask.fill(1, slot.offset, slot.offset + slot.size);
    }
  }
  return mask;
}

/** Scales `grads` in place so their global L2 norm is at most `maxNorm`; returns the norm before. */
export function clipGradients(grads: Float32Array, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm)) {
    throw new OverseerError(
      'training.diverged',
      `the gradient norm is ${norm}: training diverged`,
      {
        hint: 'lower the learning rate (--lr) or raise the warm-up',
      },
    );
  }
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}

/** Checks an optimiser configuration, naming the field that is out of range. */
export function validateOptimizerConfig(config: OptimizerConfig): void {
  const checks: Array<[keyof OptimizerConfig, boolean]> = [
    ['learningRate', config.learningRate > 0],
    [
      'minLearningRate',
      config.minLearningRate >= 0 && config.minLearningRate <= config.learningRate,
    ],
    ['warmupSteps', Number.isInteger(config.warmupSteps) && config.warmupSteps >= 0],
    ['totalSteps', Number.isInteger(config.totalSteps) && config.totalSteps >= 0],
    ['beta1', config.beta1 >= 0 && config.beta1 < 1],
    ['beta2', config.beta2 >= 0 && config.beta2 < 1],
    ['epsilon', config.epsilon > 0],
    ['weightDecay', config.weightDecay >= 0],
    ['gradientClip', config.gradientClip >= 0],
  ];
  for (const [key, ok] of checks) {
    if (!ok || !Number.isFinite(config[key])) {
      throw new OverseerError(
        'optimizer.config',
        `optimizer ${key} = ${config[key]} is out of range`,
        {
          hint:
            key === 'minLearningRate'
              ? 'the floor must lie between 0 and the peak learning rate'
              : `see defaultOptimizerConfig for a sensible ${key}`,
        },
      );
    }
  }
}

/** What one optimiser step did. */
export interface OptimizerStepReport {
  /** The learning rate used for this update. */
  learningRate: number;
  /** The gradient's global L2 norm before clipping. */
  gradientNorm: number;
}

/** AdamW state (moments and the step count) plus its schedule. */
export class AdamW {
  /** Hyperparameters, including the schedule. */
  readonly config: OptimizerConfig;
  /** First moments, one per parameter. */
  readonly m: Float32Array;
  /** Second moments, one per parameter. */
  readonly v: Float32Array;
  /** Updates taken so far. */
  step = 0;
  private readonly mask: Uint8Array;

  constructor(
    private readonly kernels: Kernels,
    shape: GptShape,
    config: Partial<OptimizerConfig> = {},
  ) {
    this.config = { ...defaultOptimizerConfig, ...config };
    validateOptimizerConfig(this.config);
    const count = parameterCount(shape);
    this.m = new Float32Array(count);
    this.v = new Float32Array(count);
    this.mask = decayMask(shape);
  }

  /** Clips `grads` in place and applies one AdamW update to `params`. */
  update(params: Float32Array, grads: Float32Array): OptimizerStepReport {
    const gradientNorm = clipGradients(grads, this.config.gradientClip);
    const learningRate = learningRateAt(this.config, this.step);
    this.step++;
    this.kernels.adamw(params, grads, this.m, this.v, this.mask, {
      learningRate,
      beta1: this.config.beta1,
      beta2: this.config.beta2,
      epsilon: this.config.epsilon,
      weightDecay: this.config.weightDecay,
      step: this.step,
    });
    return { learningRate, gradientNorm };
  }

  /** The state as safetensors tensors and metadata (`optimizer.safetensors` in a checkpoint). */
  toSafetensors(): { tensors: NamedTensor[]; metadata: Record<string, string> } {
    return {
      tensors: [
        { name: 'adamw.m', shape: [this.m.length], data: this.m },
        { name: 'adamw.v', shape: [this.v.length], data: this.v },
      ],
      metadata: { step: String(this.step), config: JSON.stringify(this.config) },
    };
  }

  /**
   * Restores moments and step from a saved state. The schedule comes from `this.config`, so a
   * resumed run may extend `totalSteps`.
   */
  restore(contents: SafetensorsContents, source: string): void {
    const m = requireTensor(contents, 'adamw.m', source);
    const v = requireTensor(contents, 'adamw.v', source);
    if (m.data.length !== this.m.length || v.data.length !== this.v.length) {
      throw new OverseerError(
        'optimizer.mismatch',
        `${source} holds optimizer state for ${m.data.length} parameters, but the model has ${this.m.length}`,
        { hint: 'resume with the same model shape the checkpoint was trained with' },
      );
    }
    const step = Number(contents.metadata.step);
    if (!Number.isInteger(step) || step < 0) {
      throw new OverseerError(
        'optimizer.mismatch',
        `${source} has no valid "step" in its metadata`,
      );
    }
    this.m.set(m.data);
    this.v.set(v.data);
    this.step = step;
  }
}
