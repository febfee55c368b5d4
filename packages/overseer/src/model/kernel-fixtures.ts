/**
 * Seeded fixtures for the kernel tests and the training benchmark: random parameters in GPT-2's
 * layout and random token batches. Deterministic, so a failing comparison reproduces exactly.
 */
import type { GptShape, Kernels, TokenBatch } from './kernels.ts';
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

/** One step of a decoding scenario: which rows moved, their whole sequences, their logits. */
export interface DecodingStep {
  /** Cache rows that read a token this step (all of them at the prefill). */
  rows: number[];
  /** Each listed row's whole sequence so far, the token it just read last. */
  sequences: number[][];
  /** (rows.length, vocabSize) logits predicted after each sequence. */
  logits: Float32Array;
}

/**
 * Runs a seeded KV-cache decoding scenario on `kernels`: `batch` prompts of random lengths
 * (1 … contextLength/2) prefilled in a cache with one spare row, then steps of random tokens in
 * which a random fifth of the rows sit out, until every row fills the context. Tests compare each
 * step's logits with `lastLogits` on the whole sequences.
 */
export function decodingScenario(
  kernels: Kernels,
  shape: GptShape,
  params: Float32Array,
  batch: number,
  seed: number,
): DecodingStep[] {
  const random = seededRandom(seed);
  const token = (): number => Math.floor(random() * shape.vocabSize);
  const T = shape.contextLength;
  const sequences = Array.from({ length: batch }, () =>
    Array.from({ length: 1 + Math.floor(random() * Math.max(1, T / 2)) }, token),
  );
  const time = Math.max(...sequences.map((s) => s.length));
  const inputs = new Int32Array(batch * time).fill(-1); // garbage past each length
  sequences.forEach((sequence, b) => inputs.set(sequence, b * time));
  const lengths = Int32Array.from(sequences, (s) => s.length);
  const cache = kernels.createKvCache(shape, batch + 1);
  const first = new Float32Array(batch * shape.vocabSize);
  kernels.prefill(params, cache, inputs, batch, time, lengths, first);
  const steps: DecodingStep[] = [
    { rows: sequences.map((_, b) => b), sequences: sequences.map((s) => [...s]), logits: first },
  ];
  for (;;) {
    const open = sequences.flatMap((s, b) => (s.length < T ? [b] : []));
    if (open.length === 0) return steps;
    const rows = open.filter(() => random() < 0.8);
    if (rows.length === 0) continue;
    const tokens = Int32Array.from(rows, () => token());
    const positions = Int32Array.from(rows, (b) => sequences[b].length);
    rows.forEach((b, i) => sequences[b].push(tokens[i]));
    const logits = new Float32Array(rows.length * shape.vocabSize);
    kernels.decode(params, cache, Int32Array.from(rows), positions, tokens, logits);
    steps.push({ rows, sequences: rows.map((b) => [...sequences[b]]), logits });
  }
}

/** `lastLogits` of whole sequences (padded into one batch), the yardstick of a decoding step. */
export function lastLogitsOf(
  kernels: Kernels,
  shape: GptShape,
  params: Float32Array,
  sequences: number[][],
): Float32Array {
  const time = Math.max(...sequences.map((s) => s.length));
  const inputs = new Int32Array(sequences.length * time);
  sequences.forEach((sequence, b) => inputs.set(sequence, b * time));
  const out = new Float32Array(sequences.length * shape.vocabSize);
  const lengths = Int32Array.from(sequences, (s) => s.length);
  kernels.lastLogits(shape, params, inputs, sequences.length, time, lengths, out);
  return out;
}
