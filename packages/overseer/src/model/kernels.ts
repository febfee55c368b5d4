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
  lastLogits(
    shape: GptShape,
    params: Float32Array,
    inputs: Int32Array,
    batch: number,
    time: number,
    lengths: Int32Array,
    out: Float32Array,
  ): void;
  /**
   * One AdamW step in place (decoupled weight decay applied only where `decayMask[i]` is 1: matrix
   * weights, not biases, LayerNorm gains or position embeddings). `step` counts from 1.
   */
  adamw(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    decayMask: Uint8Array,
    options: {
      learningRate: number;
      beta1: number;
      beta2: number;
      epsilon: number;
      weightDecay: number;
      step: number;
    },
  ): void;
}
