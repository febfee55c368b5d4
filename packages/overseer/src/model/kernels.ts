/**
 * The compute contract of the embedded GPT. Two implementations keep it: `reference` (plain
 * TypeScript, portable, the one gradients are checked against) and `native` (a Node-API addon of
 * hand-written C kernels built at `npm ci`). Everything above this file (training, sampling,
 * scoring, RL) speaks only this interface.
 *
 * The model is GPT-2 / nanoGPT: token + position embeddings, `layers` pre-norm blocks of
 * (LayerNorm → causal multi-head self-attention → residual, LayerNorm → MLP(4·width, GELU-tanh) →
 * residual), a final LayerNorm, and an output head tied to the token embedding. LayerNorm epsilon
 * 1e-5; attention scale 1/sqrt(headSize); no dropout.
 */
import { OverseerError } from '../errors.ts';
import type { NativeKernels } from './native-kernels.ts';
import { NATIVE_BUILD_COMMAND, createNativeKernels } from './native-kernels.ts';
import { referenceKernels } from './reference-kernels.ts';

/** Hyperparameters that fix the parameter layout. */
export interface GptShape {
  /** Number of token ids (the tokenizer's size). */
  vocabSize: number;
  /** Longest sequence the position embedding covers. */
  contextLength: number;
  /** Number of transformer blocks. */
  layers: number;
  /** Attention heads per block; must divide `width`. */
  heads: number;
  /** Embedding width (channels). */
  width: number;
}

/** One named tensor inside the flat parameter buffer. */
export interface TensorSlot {
  /** GPT-2 / nanoGPT name, e.g. `transformer.h.0.attn.c_attn.weight`. */
  name: string;
  /** Row-major shape; linear weights are (out, in) as in torch.nn.Linear. */
  shape: number[];
  /** Offset in floats into the flat buffer. */
  offset: number;
  /** Number of floats. */
  size: number;
}

/**
 * The flat parameter layout, in buffer order. Both kernels and the checkpoint writer use it:
 * wte (V, C), wpe (T, C), then per block h.{l}: ln_1.weight (C), ln_1.bias (C),
 * attn.c_attn.weight (3C, C), attn.c_attn.bias (3C), attn.c_proj.weight (C, C), attn.c_proj.bias (C),
 * ln_2.weight (C), ln_2.bias (C), mlp.c_fc.weight (4C, C), mlp.c_fc.bias (4C),
 * mlp.c_proj.weight (C, 4C), mlp.c_proj.bias (C); then ln_f.weight (C), ln_f.bias (C).
 */
export function parameterLayout(shape: GptShape): TensorSlot[] {
  const { vocabSize: V, contextLength: T, layers: L, width: C } = shape;
  const entries: Array<[string, number[]]> = [
    ['transformer.wte.weight', [V, C]],
    ['transformer.wpe.weight', [T, C]],
  ];
  for (let l = 0; l < L; l++) {
    const p = `transformer.h.${l}`;
    entries.push(
      [`${p}.ln_1.weight`, [C]],
      [`${p}.ln_1.bias`, [C]],
      [`${p}.attn.c_attn.weight`, [3 * C, C]],
      [`${p}.attn.c_attn.bias`, [3 * C]],
      [`${p}.attn.c_proj.weight`, [C, C]],
      [`${p}.attn.c_proj.bias`, [C]],
      [`${p}.ln_2.weight`, [C]],
      [`${p}.ln_2.bias`, [C]],
      [`${p}.mlp.c_fc.weight`, [4 * C, C]],
      [`${p}.mlp.c_fc.bias`, [4 * C]],
      [`${p}.mlp.c_proj.weight`, [C, 4 * C]],
      [`${p}.mlp.c_proj.bias`, [C]],
    );
  }
  entries.push(['transformer.ln_f.weight', [C]], ['transformer.ln_f.bias', [C]]);
  const slots: TensorSlot[] = [];
  let offset = 0;
  for (const [name, dims] of entries) {
    const size = dims.reduce((a, b) => a * b, 1);
    slots.push({ name, shape: dims, offset, size });
    offset += size;
  }
  return slots;
}

/** Total number of parameters (floats) for a shape. */
export function parameterCount(shape: GptShape): number {
  const slots = parameterLayout(shape);
  const last = slots[slots.length - 1];
  return last.offset + last.size;
}

/** A batch of token sequences, row-major (batch, time). */
export interface TokenBatch {
  /** Rows in the batch. */
  batch: number;
  /** Positions per row; at most `contextLength`. */
  time: number;
  /** (batch, time) input token ids. */
  inputs: Int32Array;
  /** (batch, time) next-token ids; -1 means "no loss at this position". */
  targets: Int32Array;
  /**
   * (batch, time) per-position loss weights. Absent: every position with a target gets weight
   * 1/(number of positions with a target), i.e. the mean cross-entropy. Policy-gradient trainers
   * pass advantages here (they may be negative).
   */
  weights?: Float32Array;
}

/**
 * The (batch, time) token arguments of `lastLogits` and `prefill`: `inputs` (batch, time), the
 * filled `lengths` (batch) and `out` (batch, vocabSize) for each row's last logits.
 */
export type LastLogitsArguments = [
  inputs: Int32Array,
  batch: number,
  time: number,
  lengths: Int32Array,
  out: Float32Array,
];

/** The arguments of a `decode` step: `rows`, `positions`, `tokens` (n) and `out` (n, vocabSize). */
export type DecodeArguments = [
  rows: Int32Array,
  positions: Int32Array,
  tokens: Int32Array,
  out: Float32Array,
];

/**
 * Keys and values of every layer for up to `batch` rows, kept between decoding steps so that each
 * new token costs one position through the network instead of the whole sequence. Made by
 * `Kernels.createKvCache`; only the kernels that made it can use it (what else it holds, e.g.
 * weights packed for the step's matmuls, is theirs to choose).
 */
export interface KvCache {
  /** Name of the kernels that made it. */
  readonly kernels: string;
  /** The model shape it is laid out for. */
  readonly shape: GptShape;
  /** Rows it holds. */
  readonly batch: number;
  /** (batch) positions filled per row: `decode` may write at most one past them. */
  readonly lengths: Int32Array;
}

/** The compute operations every kernel implementation provides. */
export interface Kernels {
  /** `reference` or `native`. */
  readonly name: string;
  /**
   * Forward and backward pass. Returns loss = Σ weight · (−log p(target)) over positions with a
   * target. Overwrites `grads` (same layout as `params`) with d(loss)/d(params). When `logProbs`
   * (batch·time) is given, writes log p(target) there (0 where target is -1).
   */
  forwardBackward(
    shape: GptShape,
    params: Float32Array,
    grads: Float32Array,
    batch: TokenBatch,
    logProbs?: Float32Array,
  ): number;
  /** Forward pass only: writes log p(target) per position into `logProbs`; returns the loss. */
  score(shape: GptShape, params: Float32Array, batch: TokenBatch, logProbs: Float32Array): number;
  /**
   * Forward pass only: for each row b, writes the logits (vocabSize) predicted after position
   * lengths[b] − 1 into out[b·vocabSize …]. `inputs` is (batch, time); positions ≥ lengths[b] are
   * ignored (causal attention never reads them).
   */
  lastLogits(shape: GptShape, params: Float32Array, ...rest: LastLogitsArguments): void;
  /** An empty KV cache for up to `batch` rows of `shape` (filled by `prefill`, grown by `decode`). */
  createKvCache(shape: GptShape, batch: number): KvCache;
  /**
   * `lastLogits` for rows 0 … batch−1 of `cache` (batch ≤ cache.batch) that also keeps every
   * layer's keys and values at positions < lengths[b] in the cache. `params` must not change until
   * the last `decode` on this cache: the kept keys and values were computed from them.
   */
  prefill(params: Float32Array, cache: KvCache, ...rest: LastLogitsArguments): void;
  /**
   * One position for each listed row: row rows[i] reads token tokens[i] at position positions[i]
   * (≤ its filled length, < contextLength), attending to the cached keys and values before it;
   * keeps the new keys and values and writes the logits predicted after it into
   * out[i·vocabSize …]. Equal, within float rounding, to `lastLogits` on the whole sequence.
   */
  decode(params: Float32Array, cache: KvCache, ...rest: DecodeArguments): void;
  /**
   * One AdamW step in place (decoupled weight decay applied only where `decayMask[i]` is 1: matrix
   * weights, not biases, LayerNorm gains or position embeddings). `step` counts from 1.
   */
  adamw(...args: AdamwArguments): void;
}

/** The settings of one AdamW step; `step` counts from 1. */
export interface AdamwStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  step: number;
}

/** The arguments of `adamw`: the buffers it updates in place (one length), the mask and the step. */
export type AdamwArguments = [
  params: Float32Array,
  grads: Float32Array,
  m: Float32Array,
  v: Float32Array,
  decayMask: Uint8Array,
  options: AdamwStep,
];

/** LayerNorm epsilon of every LayerNorm in the model (GPT-2's value). */
export const LAYER_NORM_EPSILON = 1e-5;

function invalid(message: string, hint?: string): OverseerError {
  return new OverseerError('kernels.invalid-input', message, hint === undefined ? {} : { hint });
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}

/** Throws an OverseerError unless every hyperparameter is a positive integer and heads divide width. */
export function validateShape(shape: GptShape): void {
  for (const key of ['vocabSize', 'contextLength', 'layers', 'heads', 'width'] as const) {
    if (!isPositiveInteger(shape[key])) {
      throw invalid(`GptShape.${key} must be a positive integer, got ${shape[key]}`);
    }
  }
  if (shape.width % shape.heads !== 0) {
    throw invalid(
      `GptShape.heads (${shape.heads}) must divide GptShape.width (${shape.width})`,
      'pick a width that is a multiple of the number of heads',
    );
  }
}

/** Throws an OverseerError unless `buffer` holds exactly one float per parameter of `shape`. */
export function validateParameters(shape: GptShape, buffer: Float32Array, what: string): void {
  const expected = parameterCount(shape);
  if (!(buffer instanceof Float32Array) || buffer.length !== expected) {
    throw invalid(
      `${what} must be a Float32Array of ${expected} floats for this shape, got ${describe(buffer)}`,
    );
  }
}

function describe(buffer: unknown): string {
  if (ArrayBuffer.isView(buffer)) {
    return `${buffer.constructor.name} of length ${(buffer as Float32Array).length}`;
  }
  return buffer === undefined ? 'undefined' : typeof buffer;
}

function validateDimensions(shape: GptShape, batch: number, time: number): void {
  if (!isPositiveInteger(batch)) throw invalid(`batch must be a positive integer, got ${batch}`);
  if (!isPositiveInteger(time)) throw invalid(`time must be a positive integer, got ${time}`);
  if (time > shape.contextLength) {
    throw invalid(
      `time (${time}) exceeds the model's contextLength (${shape.contextLength})`,
      'truncate the sequences or train a model with a longer context',
    );
  }
}

function validateLength(
  buffer: unknown,
  kind: 'Int32Array' | 'Float32Array',
  length: number,
  what: string,
): void {
  const ok =
    (kind === 'Int32Array' ? buffer instanceof Int32Array : buffer instanceof Float32Array) &&
    (buffer as Int32Array).length === length;
  if (!ok) throw invalid(`${what} must be a ${kind} of length ${length}, got ${describe(buffer)}`);
}

/**
 * Throws an OverseerError unless the batch fits the shape: time ≤ contextLength, buffers of
 * batch·time entries, input ids in [0, vocabSize), targets in [−1, vocabSize), finite weights.
 */
export function validateBatch(
  shape: GptShape,
  batch: TokenBatch,
  logProbs: Float32Array | undefined,
  logProbsRequired = false,
): void {
  validateDimensions(shape, batch.batch, batch.time);
  const N = batch.batch * batch.time;
  validateLength(batch.inputs, 'Int32Array', N, 'inputs');
  validateLength(batch.targets, 'Int32Array', N, 'targets');
  if (batch.weights !== undefined) validateLength(batch.weights, 'Float32Array', N, 'weights');
  if (logProbs !== undefined || logProbsRequired) {
    validateLength(logProbs, 'Float32Array', N, 'logProbs');
  }
  const V = shape.vocabSize;
  for (let i = 0; i < N; i++) {
    const input = batch.inputs[i];
    if (input < 0 || input >= V) {
      throw invalid(`inputs[${i}] = ${input} is not a token id in [0, ${V})`);
    }
    const target = batch.targets[i];
    if (target < -1 || target >= V) {
      throw invalid(`targets[${i}] = ${target} is neither -1 nor a token id in [0, ${V})`);
    }
    if (batch.weights !== undefined && !Number.isFinite(batch.weights[i])) {
      throw invalid(`weights[${i}] = ${batch.weights[i]} is not finite`);
    }
  }
}

/** Throws an OverseerError unless the arguments of `lastLogits` fit the shape. */
export function validateLastLogits(
  shape: GptShape,
  ...[inputs, batch, time, lengths, out]: LastLogitsArguments
): void {
  validateDimensions(shape, batch, time);
  validateLength(inputs, 'Int32Array', batch * time, 'inputs');
  validateLength(lengths, 'Int32Array', batch, 'lengths');
  validateLength(out, 'Float32Array', batch * shape.vocabSize, 'out');
  for (let b = 0; b < batch; b++) {
    if (lengths[b] < 1 || lengths[b] > time) {
      throw invalid(`lengths[${b}] = ${lengths[b]} is not in [1, time = ${time}]`);
    }
    for (let t = 0; t < lengths[b]; t++) {
      const input = inputs[b * time + t];
      if (input < 0 || input >= shape.vocabSize) {
        throw invalid(
          `inputs[${b * time + t}] = ${input} is not a token id in [0, ${shape.vocabSize})`,
        );
      }
    }
  }
}

/** Throws an OverseerError unless `batch` rows of `shape` can have a KV cache. */
export function validateKvCacheSize(shape: GptShape, batch: number): void {
  validateShape(shape);
  if (!isPositiveInteger(batch)) {
    throw invalid(`a KV cache needs a positive whole number of rows, got ${batch}`);
  }
}

function validateCacheOwner(cache: KvCache, kernels: string): void {
  if (cache.kernels !== kernels) {
    throw invalid(
      `this KV cache was made by the ${cache.kernels} kernels, not the ${kernels} ones`,
      'make the cache with createKvCache of the kernels that decode with it',
    );
  }
}

/** Throws an OverseerError unless a `prefill` of `batch` rows fits `cache` and the inputs. */
export function validatePrefill(
  kernels: string,
  params: Float32Array,
  cache: KvCache,
  ...rest: LastLogitsArguments
): void {
  const [, batch] = rest;
  validateCacheOwner(cache, kernels);
  validateParameters(cache.shape, params, 'params');
  if (batch > cache.batch) {
    throw invalid(
      `prefill of ${batch} rows does not fit a KV cache of ${cache.batch}`,
      'make the cache with at least as many rows as the largest batch',
    );
  }
  validateLastLogits(cache.shape, ...rest);
}

/**
 * Throws an OverseerError unless a `decode` step fits `cache`: distinct rows in [0, cache.batch),
 * each position in [0, contextLength) and at most the row's filled length, token ids in range.
 */
export function validateDecode(
  kernels: string,
  params: Float32Array,
  cache: KvCache,
  ...[rows, positions, tokens, out]: DecodeArguments
): void {
  validateCacheOwner(cache, kernels);
  const { shape } = cache;
  validateParameters(shape, params, 'params');
  const n = rows instanceof Int32Array ? rows.length : -1;
  if (n < 1) throw invalid(`rows must be a non-empty Int32Array, got ${describe(rows)}`);
  validateLength(positions, 'Int32Array', n, 'positions');
  validateLength(tokens, 'Int32Array', n, 'tokens');
  validateLength(out, 'Float32Array', n * shape.vocabSize, 'out');
  const seen = new Uint8Array(cache.batch);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!(row >= 0 && row < cache.batch) || seen[row] === 1) {
      throw invalid(`rows[${i}] = ${row} is not a distinct row of the cache [0, ${cache.batch})`);
    }
    seen[row] = 1;
    const position = positions[i];
    if (!(position >= 0 && position < shape.contextLength && position <= cache.lengths[row])) {
      throw invalid(
        `positions[${i}] = ${position} is not in [0, min(contextLength ${shape.contextLength}, filled ${cache.lengths[row]} + 1))`,
        'decode each row one position after the last one kept (prefill first)',
      );
    }
    if (!(tokens[i] >= 0 && tokens[i] < shape.vocabSize)) {
      throw invalid(`tokens[${i}] = ${tokens[i]} is not a token id in [0, ${shape.vocabSize})`);
    }
  }
}

/** Records the positions a `prefill` filled (bookkeeping shared by every implementation). */
export function recordPrefill(cache: KvCache, batch: number, lengths: Int32Array): void {
  cache.lengths.fill(0);
  cache.lengths.set(lengths.subarray(0, batch));
}

/** Records the positions a `decode` step filled. */
export function recordDecode(cache: KvCache, rows: Int32Array, positions: Int32Array): void {
  for (let i = 0; i < rows.length; i++) cache.lengths[rows[i]] = positions[i] + 1;
}

/** Throws an OverseerError unless the AdamW buffers have one length and the options are sane. */
export function validateAdamw(...[params, grads, m, v, decayMask, options]: AdamwArguments): void {
  const n = params instanceof Float32Array ? params.length : -1;
  if (n < 0) throw invalid(`params must be a Float32Array, got ${describe(params)}`);
  validateLength(grads, 'Float32Array', n, 'grads');
  validateLength(m, 'Float32Array', n, 'm');
  validateLength(v, 'Float32Array', n, 'v');
  if (!(decayMask instanceof Uint8Array) || decayMask.length !== n) {
    throw invalid(`decayMask must be a Uint8Array of length ${n}, got ${describe(decayMask)}`);
  }
  if (!isPositiveInteger(options.step)) {
    throw invalid(`AdamW step counts from 1, got ${options.step}`);
  }
  for (const key of ['learningRate', 'beta1', 'beta2', 'epsilon'] as const) {
    if (!Number.isFinite(options[key])) throw invalid(`AdamW ${key} must be finite`);
  }
  if (options.beta1 < 0 || options.beta1 >= 1 || options.beta2 < 0 || options.beta2 >= 1) {
    throw invalid(`AdamW betas must lie in [0, 1), got ${options.beta1}, ${options.beta2}`);
  }
}

/**
 * An implementation's compute with the contract's checks and KV-cache bookkeeping around it, so
 * that every implementation rejects bad input with the same OverseerError before any work: each
 * implementation writes only the compute (its extras, e.g. the native `setThreads`, pass through).
 */
export function checkedKernels<Implementation extends Kernels>(
  kernels: Implementation,
): Implementation {
  const { name } = kernels;
  return {
    ...kernels,
    forwardBackward(shape, params, grads, batch, logProbs) {
      validateShape(shape);
      validateParameters(shape, params, 'params');
      validateParameters(shape, grads, 'grads');
      validateBatch(shape, batch, logProbs);
      return kernels.forwardBackward(shape, params, grads, batch, logProbs);
    },
    score(shape, params, batch, logProbs) {
      validateShape(shape);
      validateParameters(shape, params, 'params');
      validateBatch(shape, batch, logProbs, true);
      return kernels.score(shape, params, batch, logProbs);
    },
    lastLogits(shape, params, ...rest) {
      validateShape(shape);
      validateParameters(shape, params, 'params');
      validateLastLogits(shape, ...rest);
      kernels.lastLogits(shape, params, ...rest);
    },
    createKvCache(shape, batch) {
      validateKvCacheSize(shape, batch);
      return kernels.createKvCache(shape, batch);
    },
    prefill(params, cache, ...rest) {
      validatePrefill(name, params, cache, ...rest);
      kernels.prefill(params, cache, ...rest);
      const [, batch, , lengths] = rest;
      recordPrefill(cache, batch, lengths);
    },
    decode(params, cache, ...rest) {
      validateDecode(name, params, cache, ...rest);
      kernels.decode(params, cache, ...rest);
      const [rows, positions] = rest;
      recordDecode(cache, rows, positions);
    },
    adamw(...args) {
      validateAdamw(...args);
      kernels.adamw(...args);
    },
  };
}

/** Which kernels to use: `auto` prefers native and falls back to reference with one warning. */
export type KernelPreference = 'auto' | 'native' | 'reference';

let fallbackWarned = false;
let nativeInstance: NativeKernels | undefined;

/**
 * Returns the kernels for a preference. `native` throws an OverseerError (with the rebuild
 * command as its hint) when the addon is not built; `auto` then falls back to the reference
 * kernels and says so once on stderr.
 */
export function loadKernels(preference: KernelPreference = 'auto'): Kernels {
  if (preference === 'reference') return referenceKernels;
  if (preference !== 'native' && preference !== 'auto') {
    throw new OverseerError(
      'kernels.unknown-preference',
      `unknown kernels "${String(preference)}"; use auto, native or reference`,
    );
  }
  try {
    nativeInstance ??= createNativeKernels();
    return nativeInstance;
  } catch (error) {
    if (preference === 'native') throw error;
    if (!fallbackWarned) {
      fallbackWarned = true;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      process.stderr.write(
        `warning: native kernels unavailable, using the slower TypeScript reference kernels ` +
          `(${reason}). Build them with: ${NATIVE_BUILD_COMMAND}\n`,
      );
    }
    return referenceKernels;
  }
}

/**
 * Sets the number of CPU threads of the native kernels (default 2) and returns the number in use;
 * the reference kernels are single-threaded, so without the addon this returns 1.
 */
export function setThreads(threads: number): number {
  const kernels = loadKernels('auto');
  return kernels.name === 'native' ? (kernels as NativeKernels).setThreads(threads) : 1;
}
