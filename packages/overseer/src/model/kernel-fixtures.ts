/**
 * Seeded fixtures for the kernel tests and the training benchmark: random parameters in GPT-2's
 * layout and random token batches. Deterministic, so a failing comparison reproduces exactly.
 */
import type { GptShape, TokenBatch } from './kernels.ts';
import { parameterCount, parameterLayout } from './kernels.ts';

/** A small seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample from a uniform source (Box–Muller). */
export function normalSample(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Random parameters: matrices and embeddings N(0, scale²), LayerNorm gains 1 + N(0, scale²),
 * biases N(0, scale²). Tests use a large scale so every path carries a visible gradient.
 */
export function randomParameters(shape: GptShape, seed: number, scale = 0.02): Float32Array {
  const random = seededRandom(seed);
  const params = new Float32Array(parameterCount(shape));
  for (const slot of parameterLayout(shape)) {
    const gain = /ln_\d\.weight|ln_f\.weight/.test(slot.name) ? 1 : 0;
    for (let i = 0; i < slot.size; i++) {
      params[slot.offset + i] = gain + scale * normalSample(random);
    }
  }
  return params;
}

/** Random token ids in [0, vocabSize) and next-token targets, optionally with ignored targets. */
export function randomBatch(
  shape: GptShape,
  batch: number,
  time: number,
  seed: number,
  options: { ignoredFraction?: number; weights?: 'mean' | 'signed' } = {},
): TokenBatch {
  const random = seededRandom(seed);
  const N = batch * time;
  const inputs = new Int32Array(N);
  const targets = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    inputs[i] = Math.floor(random() * shape.vocabSize);
    targets[i] = Math.floor(random() * shape.vocabSize);
    if (random() < (options.ignoredFraction ?? 0)) targets[i] = -1;
  }
  const result: TokenBatch = { batch, time, inputs, targets };
  if (options.weights === 'signed') {
    const weights = new Float32Array(N);
    // Non-uniform, some negative: the shape of policy-gradient advantages.
    for (let i = 0; i < N; i++) weights[i] = (random() * 2 - 0.7) / time;
    result.weights = weights;
  }
  return result;
}
