/**
 * What a model's passes cost in floating-point operations, by the standard approximation of
 * Kaplan et al. (2020, "Scaling Laws for Neural Language Models", table 1) used by Chinchilla
 * (Hoffmann et al. 2022): with N the non-embedding parameters, a forward pass costs ≈ 2·N FLOPs
 * per token and a forward plus backward pass ≈ 6·N. The embeddings (token and position) are left
 * out of N, as Kaplan does: a lookup is not a matmul. Attention's context-dependent term
 * (2·layers·context·width per token) is left out too, as the approximation does; at the embedded
 * model's short contexts it is a few percent of 2·N.
 *
 * Tokens are the positions the kernels compute on that hold a token (padding is not counted).
 * Sampling with the KV cache costs its prefill (every prompt position once) and then one
 * position per new token; without the cache every step recomputes the whole sequence, and is
 * counted so.
 */
import { parameterCount } from './kernels.ts';
import type { GptShape } from './kernels.ts';

/** Token positions a model has pushed through the network, by kind of pass. */
export interface ComputeCount {
  /** Positions through a forward pass only: sampling (prefill and decode) and scoring. */
  forwardTokens: number;
  /** Positions through a forward and a backward pass: training. */
  trainedTokens: number;
}

/** A fresh count at zero. */
export function emptyComputeCount(): ComputeCount {
  return { forwardTokens: 0, trainedTokens: 0 };
}

/** Parameters outside the token and position embeddings (Kaplan's N). */
export function nonEmbeddingParameterCount(shape: GptShape): number {
  return parameterCount(shape) - (shape.vocabSize + shape.contextLength) * shape.width;
}

/** FLOPs of a count for a model of `shape`: N · (2 · forward tokens + 6 · trained tokens). */
export function computeFlops(count: ComputeCount, shape: GptShape): number {
  return nonEmbeddingParameterCount(shape) * (2 * count.forwardTokens + 6 * count.trainedTokens);
}

/** Positions of a (batch, time) input that hold a token rather than padding. */
export function tokenPositions(inputs: Int32Array, paddingId: number): number {
  let count = 0;
  for (const token of inputs) if (token !== paddingId) count += 1;
  return count;
}

/** FLOPs a model has spent so far (its count at its own shape); differences give a phase's. */
export function modelFlops(model: { compute: ComputeCount; shape: GptShape }): number {
  return computeFlops(model.compute, model.shape);
}
