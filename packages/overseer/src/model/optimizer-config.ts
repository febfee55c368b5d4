/**
 * The optimiser's hyperparameters and their defaults, apart from AdamW so the command line can show
 * the defaults without loading the model.
 */

/** Optimiser hyperparameters; every field has a default in `defaultOptimizerConfig`. */
export interface OptimizerConfig {
  /** Peak learning rate, reached at the end of warm-up. */
  learningRate: number;
  /** The floor the cosine decays to, reached at `totalSteps`. */
  minLearningRate: number;
  /** Steps of linear warm-up from ~0 to `learningRate`. */
  warmupSteps: number;
  /** Step at which the cosine reaches `minLearningRate` (usually the run's length). */
  totalSteps: number;
  /** Adam's first-moment decay. */
  beta1: number;
  /** Adam's second-moment decay. */
  beta2: number;
  /** Adam's denominator guard. */
  epsilon: number;
  /** Decoupled weight decay, applied to matrices only (see `decayMask`). */
  weightDecay: number;
  /** Largest global L2 norm of the gradient; larger gradients are scaled down. 0 disables. */
  gradientClip: number;
}

/** Defaults for small character-level models (nanoGPT's shakespeare_char recipe, scaled). */
export const defaultOptimizerConfig: OptimizerConfig = {
  learningRate: 2e-3, // small models tolerate a high peak rate; 6e-3 diverged on addition
  minLearningRate: 2e-4, // learningRate / 10, as nanoGPT
  warmupSteps: 100,
  totalSteps: 5000,
  beta1: 0.9,
  beta2: 0.99, // 0.99 rather than 0.95: few tokens per step make the second moment noisy
  epsilon: 1e-8,
  weightDecay: 0.1,
  gradientClip: 1.0,
};
