/**
 * The reference implementation of the kernel contract: every op in plain TypeScript, computed in
 * float64 and rounded to float32 only at the boundary. Clarity over speed: it is the yardstick the
 * native kernels and the finite-difference gradient tests are measured against.
 */
import type { GptShape, Kernels, KvCache, TokenBatch } from './kernels.ts';
import type { AdamwArguments, DecodeArguments, LastLogitsArguments } from './kernels.ts';
import { LAYER_NORM_EPSILON, checkedKernels } from './kernels.ts';

/** Offsets (in floats) of one block's tensors inside the flat parameter buffer. */
interface BlockOffsets {
  ln1Weight: number;
  ln1Bias: number;
  attnWeight: number; // (3C, C)
  attnBias: number; // (3C)
  attnProjWeight: number; // (C, C)
  attnProjBias: number; // (C)
  ln2Weight: number;
  ln2Bias: number;
  fcWeight: number; // (4C, C)
  fcBias: number; // (4C)
  fcProjWeight: number; // (C, 4C)
  fcProjBias: number; // (C)
}

/** Offsets of every tensor, in the order of `parameterLayout`. */
interface Offsets {
  wte: number; // (V, C)
  wpe: number; // (T, C)
  blocks: BlockOffsets[];
  lnfWeight: number;
  lnfBias: number;
  total: number;
}

function offsetsOf(shape: GptShape): Offsets {
  const { vocabSize: V, contextLength: T, layers: L, width: C } = shape;
  let at = 0;
  const take = (size: number): number => {
    const start = at;
    at += size;
    return start;
  };
  const wte = take(V * C);
  const wpe = take(T * C);
  const blocks: BlockOffsets[] = [];
  for (let l = 0; l < L; l++) {
    blocks.push({
      ln1Weight: take(C),
      ln1Bias: take(C),
      attnWeight: take(3 * C * C),
      attnBias: take(3 * C),
      attnProjWeight: take(C * C),
      attnProjBias: take(C),
      ln2Weight: take(C),
      ln2Bias: take(C),
      fcWeight: take(4 * C * C),
      fcBias: take(4 * C),
      fcProjWeight: take(4 * C * C),
      fcProjBias: take(C),
    });
  }
  const lnfWeight = take(C);
  const lnfBias = take(C);
  return { wte, wpe, blocks, lnfWeight, lnfBias, total: at };
}

type Vector = Float64Array;
type Weights = Float32Array | Float64Array;

/** Activations of one block, kept for the backward pass. */
interface BlockActivations {
  input: Vector; // (N, C) residual stream entering the block
  ln1: Vector; // (N, C)
  ln1Mean: Vector; // (N)
  ln1Rstd: Vector; // (N)
  qkv: Vector; // (N, 3C)
  attention: Vector; // (B, H, T, T) softmax probabilities, 0 above the diagonal
  attentionOut: Vector; // (N, C) heads re-assembled
  residual: Vector; // (N, C) input + attention projection
  ln2: Vector; // (N, C)
  ln2Mean: Vector; // (N)
  ln2Rstd: Vector; // (N)
  fc: Vector; // (N, 4C) before GELU
  gelu: Vector; // (N, 4C)
}

/** Everything the forward pass computed. */
interface ForwardPass {
  blocks: BlockActivations[];
  output: Vector; // (N, C) residual stream after the last block
  lnf: Vector; // (N, C)
  lnfMean: Vector; // (N)
  lnfRstd: Vector; // (N)
  logits: Vector; // (N, V)
}

/** out[n, o] = bias[o] + Σ_i input[n, i] · weight[o, i]; weight is (outDim, inDim) at `offset`. */
function linear(
  input: Vector,
  weights: Weights,
  weightOffset: number,
  biasOffset: number, // -1: no bias
  rows: number,
  inDim: number,
  outDim: number,
): Vector {
  const out = new Float64Array(rows * outDim);
  for (let n = 0; n < rows; n++) {
    for (let o = 0; o < outDim; o++) {
      let sum = biasOffset >= 0 ? weights[biasOffset + o] : 0;
      const w = weightOffset + o * inDim;
      for (let i = 0; i < inDim; i++) sum += input[n * inDim + i] * weights[w + i];
      out[n * outDim + o] = sum;
    }
  }
  return out;
}

/** Backward of `linear`: accumulates into dInput, dWeights (weight and bias slots). */
function linearBackward(
  dOut: Vector,
  input: Vector,
  weights: Weights,
  weightOffset: number,
  biasOffset: number,
  dWeights: Vector,
  rows: number,
  inDim: number,
  outDim: number,
): Vector {
  const dInput = new Float64Array(rows * inDim);
  for (let n = 0; n < rows; n++) {
    for (let o = 0; o < outDim; o++) {
      const d = dOut[n * outDim + o];
      if (biasOffset >= 0) dWeights[biasOffset + o] += d;
      const w = weightOffset + o * inDim;
      for (let i = 0; i < inDim; i++) {
        dInput[n * inDim + i] += d * weights[w + i];
        dWeights[w + i] += d * input[n * inDim + i];
      }
    }
  }
  return dInput;
}

function layerNorm(
  input: Vector,
  weights: Weights,
  gainOffset: number,
  biasOffset: number,
  rows: number,
  C: number,
): { out: Vector; mean: Vector; rstd: Vector } {
  const out = new Float64Array(rows * C);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let n = 0; n < rows; n++) {
    let m = 0;
    for (let i = 0; i < C; i++) m += input[n * C + i];
    m /= C;
    let variance = 0;
    for (let i = 0; i < C; i++) variance += (input[n * C + i] - m) ** 2;
    variance /= C;
    const r = 1 / Math.sqrt(variance + LAYER_NORM_EPSILON);
    for (let i = 0; i < C; i++) {
      out[n * C + i] =
        (input[n * C + i] - m) * r * weights[gainOffset + i] + weights[biasOffset + i];
    }
    mean[n] = m;
    rstd[n] = r;
  }
  return { out, mean, rstd };
}

function layerNormBackward(
  dOut: Vector,
  input: Vector,
  mean: Vector,
  rstd: Vector,
  weights: Weights,
  gainOffset: number,
  biasOffset: number,
  dWeights: Vector,
  rows: number,
  C: number,
): Vector {
  const dInput = new Float64Array(rows * C);
  for (let n = 0; n < rows; n++) {
    // dx = rstd · (dnorm − mean(dnorm) − norm · mean(dnorm · norm)), dnorm = dout · gain
    let meanDnorm = 0;
    let meanDnormNorm = 0;
    for (let i = 0; i < C; i++) {
      const norm = (input[n * C + i] - mean[n]) * rstd[n];
      const dnorm = dOut[n * C + i] * weights[gainOffset + i];
      meanDnorm += dnorm;
      meanDnormNorm += dnorm * norm;
      dWeights[gainOffset + i] += dOut[n * C + i] * norm;
      dWeights[biasOffset + i] += dOut[n * C + i];
    }
    meanDnorm /= C;
    meanDnormNorm /= C;
    for (let i = 0; i < C; i++) {
      const norm = (input[n * C + i] - mean[n]) * rstd[n];
      const dnorm = dOut[n * C + i] * weights[gainOffset + i];
      dInput[n * C + i] = rstd[n] * (dnorm - meanDnorm - norm * meanDnormNorm);
    }
  }
  return dInput;
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (GPT-2's `gelu_new`). */
function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
}

function geluDerivative(x: number): number {
  const u = GELU_SCALE * (x + 0.044715 * x * x * x);
  const t = Math.tanh(u);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
}

/** Causal multi-head attention on a (N, 3C) q|k|v buffer; returns probabilities and (N, C) output. */
function attention(
  qkv: Vector,
  B: number,
  T: number,
  C: number,
  H: number,
): { probabilities: Vector; out: Vector } {
  const headSize = C / H;
  const scale = 1 / Math.sqrt(headSize);
  const probabilities = new Float64Array(B * H * T * T);
  const out = new Float64Array(B * T * C);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * 3 * C + h * headSize;
        const row = ((b * H + h) * T + t) * T;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          const k = (b * T + s) * 3 * C + C + h * headSize;
          let dot = 0;
          for (let i = 0; i < headSize; i++) dot += qkv[q + i] * qkv[k + i];
          probabilities[row + s] = dot * scale;
          if (dot * scale > max) max = dot * scale;
        }
        let total = 0;
        for (let s = 0; s <= t; s++) {
          probabilities[row + s] = Math.exp(probabilities[row + s] - max);
          total += probabilities[row + s];
        }
        for (let s = 0; s <= t; s++) probabilities[row + s] /= total;
        const y = (b * T + t) * C + h * headSize;
        for (let s = 0; s <= t; s++) {
          const v = (b * T + s) * 3 * C + 2 * C + h * headSize;
          const p = probabilities[row + s];
          for (let i = 0; i < headSize; i++) out[y + i] += p * qkv[v + i];
        }
      }
    }
  }
  return { probabilities, out };
}

function attentionBackward(
  dOut: Vector,
  qkv: Vector,
  probabilities: Vector,
  B: number,
  T: number,
  C: number,
  H: number,
): Vector {
  const headSize = C / H;
  const scale = 1 / Math.sqrt(headSize);
  const dQkv = new Float64Array(B * T * 3 * C);
  const dProbabilities = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const row = ((b * H + h) * T + t) * T;
        const y = (b * T + t) * C + h * headSize;
        const q = (b * T + t) * 3 * C + h * headSize;
        // through out = Σ_s p_s v_s
        for (let s = 0; s <= t; s++) {
          const v = (b * T + s) * 3 * C + 2 * C + h * headSize;
          let dot = 0;
          for (let i = 0; i < headSize; i++) {
            dot += dOut[y + i] * qkv[v + i];
            dQkv[v + i] += probabilities[row + s] * dOut[y + i];
          }
          dProbabilities[s] = dot;
        }
        // through the softmax: dscore_s = p_s (dp_s − Σ_r p_r dp_r)
        let weighted = 0;
        for (let s = 0; s <= t; s++) weighted += probabilities[row + s] * dProbabilities[s];
        for (let s = 0; s <= t; s++) {
          const dScore = probabilities[row + s] * (dProbabilities[s] - weighted) * scale;
          const k = (b * T + s) * 3 * C + C + h * headSize;
          for (let i = 0; i < headSize; i++) {
            dQkv[q + i] += dScore * qkv[k + i];
            dQkv[k + i] += dScore * qkv[q + i];
          }
        }
      }
    }
  }
  return dQkv;
}

/** What a block computes after attention: projection + residual, then the MLP + residual. */
function blockAfterAttention(
  x: Vector, // (N, C) the block's input
  attentionOut: Vector, // (N, C)
  params: Float32Array,
  o: BlockOffsets,
  N: number,
  C: number,
): {
  activations: Pick<BlockActivations, 'residual' | 'ln2' | 'ln2Mean' | 'ln2Rstd' | 'fc' | 'gelu'>;
  output: Vector; // (N, C)
} {
  const projected = linear(attentionOut, params, o.attnProjWeight, o.attnProjBias, N, C, C);
  const residual = new Float64Array(N * C);
  for (let i = 0; i < N * C; i++) residual[i] = x[i] + projected[i];
  const ln2 = layerNorm(residual, params, o.ln2Weight, o.ln2Bias, N, C);
  const fc = linear(ln2.out, params, o.fcWeight, o.fcBias, N, C, 4 * C);
  const activated = fc.map(gelu);
  const mlpOut = linear(activated, params, o.fcProjWeight, o.fcProjBias, N, 4 * C, C);
  const output = new Float64Array(N * C);
  for (let i = 0; i < N * C; i++) output[i] = residual[i] + mlpOut[i];
  return {
    activations: {
      residual,
      ln2: ln2.out,
      ln2Mean: ln2.mean,
      ln2Rstd: ln2.rstd,
      fc,
      gelu: activated,
    },
    output,
  };
}

/** The final LayerNorm and the output head (tied to the token embedding: logits = lnf · wteᵀ). */
function head(
  x: Vector,
  params: Float32Array,
  offsets: Offsets,
  N: number,
  C: number,
  V: number,
): { lnf: ReturnType<typeof layerNorm>; logits: Vector } {
  const lnf = layerNorm(x, params, offsets.lnfWeight, offsets.lnfBias, N, C);
  return { lnf, logits: linear(lnf.out, params, offsets.wte, -1, N, C, V) };
}

/** Full forward pass over (B, T) token ids. */
function forward(
  shape: GptShape,
  params: Float32Array,
  inputs: Int32Array,
  B: number,
  T: number,
): ForwardPass {
  const { vocabSize: V, width: C, heads: H } = shape;
  const offsets = offsetsOf(shape);
  const N = B * T;
  let x: Vector = new Float64Array(N * C);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const token = inputs[b * T + t];
      for (let i = 0; i < C; i++) {
        x[(b * T + t) * C + i] =
          params[offsets.wte + token * C + i] + params[offsets.wpe + t * C + i];
      }
    }
  }
  const blocks: BlockActivations[] = [];
  for (const o of offsets.blocks) {
    const ln1 = layerNorm(x, params, o.ln1Weight, o.ln1Bias, N, C);
    const qkv = linear(ln1.out, params, o.attnWeight, o.attnBias, N, C, 3 * C);
    const attended = attention(qkv, B, T, C, H);
    const rest = blockAfterAttention(x, attended.out, params, o, N, C);
    blocks.push({
      input: x,
      ln1: ln1.out,
      ln1Mean: ln1.mean,
      ln1Rstd: ln1.rstd,
      qkv,
      attention: attended.probabilities,
      attentionOut: attended.out,
      ...rest.activations,
    });
    x = rest.output;
  }
  const { lnf, logits } = head(x, params, offsets, N, C, V);
  return {
    blocks,
    output: x,
    lnf: lnf.out,
    lnfMean: lnf.mean,
    lnfRstd: lnf.rstd,
    logits,
  };
}

/** Per-position loss weights: the given ones, or the mean over positions with a target. */
function resolveWeights(batch: TokenBatch): Float64Array {
  const N = batch.batch * batch.time;
  const weights = new Float64Array(N);
  let counted = 0;
  for (let i = 0; i < N; i++) if (batch.targets[i] !== -1) counted++;
  for (let i = 0; i < N; i++) {
    if (batch.targets[i] === -1) continue;
    weights[i] = batch.weights ? batch.weights[i] : 1 / counted;
  }
  return weights;
}

/** log-softmax of each logits row, in place → returns (N, V) log-probabilities. */
function logSoftmax(logits: Vector, N: number, V: number): Vector {
  const out = new Float64Array(N * V);
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[n * V + v]);
    let total = 0;
    for (let v = 0; v < V; v++) total += Math.exp(logits[n * V + v] - max);
    const logTotal = max + Math.log(total);
    for (let v = 0; v < V; v++) out[n * V + v] = logits[n * V + v] - logTotal;
  }
  return out;
}

/** Loss and per-position log p(target) of a forward pass. */
function lossOf(
  logProbabilities: Vector,
  batch: TokenBatch,
  weights: Float64Array,
  V: number,
  logProbs: Float32Array | undefined,
): number {
  let loss = 0;
  const N = batch.batch * batch.time;
  for (let n = 0; n < N; n++) {
    const target = batch.targets[n];
    const logP = target === -1 ? 0 : logProbabilities[n * V + target];
    if (logProbs) logProbs[n] = logP;
    loss -= weights[n] * logP;
  }
  return loss;
}

function forwardBackward(
  shape: GptShape,
  params: Float32Array,
  grads: Float32Array,
  batch: TokenBatch,
  logProbs?: Float32Array,
): number {
  const { vocabSize: V, width: C, heads: H } = shape;
  const { batch: B, time: T, inputs, targets } = batch;
  const N = B * T;
  const offsets = offsetsOf(shape);
  const pass = forward(shape, params, inputs, B, T);
  const logProbabilities = logSoftmax(pass.logits, N, V);
  const weights = resolveWeights(batch);
  const loss = lossOf(logProbabilities, batch, weights, V, logProbs);

  const dParams = new Float64Array(offsets.total);
  // d(−w log softmax(z)_y)/dz_v = w (p_v − [v = y])
  const dLogits = new Float64Array(N * V);
  for (let n = 0; n < N; n++) {
    if (targets[n] === -1 || weights[n] === 0) continue;
    for (let v = 0; v < V; v++) {
      const p = Math.exp(logProbabilities[n * V + v]);
      dLogits[n * V + v] = weights[n] * (p - (v === targets[n] ? 1 : 0));
    }
  }
  const dLnf = linearBackward(dLogits, pass.lnf, params, offsets.wte, -1, dParams, N, C, V);
  let dX = layerNormBackward(
    dLnf,
    pass.output,
    pass.lnfMean,
    pass.lnfRstd,
    params,
    offsets.lnfWeight,
    offsets.lnfBias,
    dParams,
    N,
    C,
  );
  for (let l = offsets.blocks.length - 1; l >= 0; l--) {
    const o = offsets.blocks[l];
    const a = pass.blocks[l];
    // dX is d(loss)/d(block output); the residual passes it straight through to `residual`.
    const dGelu = linearBackward(
      dX,
      a.gelu,
      params,
      o.fcProjWeight,
      o.fcProjBias,
      dParams,
      N,
      4 * C,
      C,
    );
    const dFc = dGelu.map((d, i) => d * geluDerivative(a.fc[i]));
    const dLn2 = linearBackward(dFc, a.ln2, params, o.fcWeight, o.fcBias, dParams, N, C, 4 * C);
    const dResidual = layerNormBackward(
      dLn2,
      a.residual,
      a.ln2Mean,
      a.ln2Rstd,
      params,
      o.ln2Weight,
      o.ln2Bias,
      dParams,
      N,
      C,
    );
    for (let i = 0; i < N * C; i++) dResidual[i] += dX[i];
    const dAttentionOut = linearBackward(
      dResidual,
      a.attentionOut,
      params,
      o.attnProjWeight,
      o.attnProjBias,
      dParams,
      N,
      C,
      C,
    );
    const dQkv = attentionBackward(dAttentionOut, a.qkv, a.attention, B, T, C, H);
    const dLn1 = linearBackward(
      dQkv,
      a.ln1,
      params,
      o.attnWeight,
      o.attnBias,
      dParams,
      N,
      C,
      3 * C,
    );
    const dInput = layerNormBackward(
      dLn1,
      a.input,
      a.ln1Mean,
      a.ln1Rstd,
      params,
      o.ln1Weight,
      o.ln1Bias,
      dParams,
      N,
      C,
    );
    for (let i = 0; i < N * C; i++) dInput[i] += dResidual[i];
    dX = dInput;
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const token = inputs[b * T + t];
      for (let i = 0; i < C; i++) {
        const d = dX[(b * T + t) * C + i];
        dParams[offsets.wte + token * C + i] += d;
        dParams[offsets.wpe + t * C + i] += d;
      }
    }
  }
  grads.set(dParams);
  return loss;
}

function score(
  shape: GptShape,
  params: Float32Array,
  batch: TokenBatch,
  logProbs: Float32Array,
): number {
  const N = batch.batch * batch.time;
  const pass = forward(shape, params, batch.inputs, batch.batch, batch.time);
  const logProbabilities = logSoftmax(pass.logits, N, shape.vocabSize);
  return lossOf(logProbabilities, batch, resolveWeights(batch), shape.vocabSize, logProbs);
}

/** The forward pass of `lastLogits`, writing each row's last logits into `out`. */
function lastLogitsPass(
  shape: GptShape,
  params: Float32Array,
  ...[inputs, batch, time, lengths, out]: LastLogitsArguments
): ForwardPass {
  const V = shape.vocabSize;
  // Positions at or past a row's length may hold anything (padding); causal attention never reads
  // them for earlier positions, so any valid id stands in for them.
  const clean = new Int32Array(batch * time);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < lengths[b]; t++) clean[b * time + t] = inputs[b * time + t];
  }
  const pass = forward(shape, params, clean, batch, time);
  for (let b = 0; b < batch; b++) {
    const row = (b * time + lengths[b] - 1) * V;
    for (let v = 0; v < V; v++) out[b * V + v] = pass.logits[row + v];
  }
  return pass;
}

function lastLogits(shape: GptShape, params: Float32Array, ...rest: LastLogitsArguments): void {
  lastLogitsPass(shape, params, ...rest);
}

/** The reference's KV cache: float64 keys and values, (batch, contextLength, width) per layer. */
interface ReferenceKvCache extends KvCache {
  readonly keys: Float64Array[];
  readonly values: Float64Array[];
}

function createKvCache(shape: GptShape, batch: number): ReferenceKvCache {
  const size = batch * shape.contextLength * shape.width;
  const perLayer = () => Array.from({ length: shape.layers }, () => new Float64Array(size));
  return {
    kernels: 'reference',
    shape: { ...shape },
    batch,
    lengths: new Int32Array(batch),
    keys: perLayer(),
    values: perLayer(),
  };
}

function prefill(params: Float32Array, cache: KvCache, ...rest: LastLogitsArguments): void {
  const [, batch, time, lengths] = rest;
  const { keys, values, shape } = cache as ReferenceKvCache;
  const { width: C, contextLength: T } = shape;
  const pass = lastLogitsPass(shape, params, ...rest);
  pass.blocks.forEach(({ qkv }, l) => {
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < lengths[b]; t++) {
        const from = (b * time + t) * 3 * C;
        keys[l].set(qkv.subarray(from + C, from + 2 * C), (b * T + t) * C);
        values[l].set(qkv.subarray(from + 2 * C, from + 3 * C), (b * T + t) * C);
      }
    }
  });
}

function decode(params: Float32Array, cache: KvCache, ...rest: DecodeArguments): void {
  const [rows, positions, tokens, out] = rest;
  const { keys, values, shape } = cache as ReferenceKvCache;
  const { vocabSize: V, width: C, heads: H, contextLength: T } = shape;
  const headSize = C / H;
  const scale = 1 / Math.sqrt(headSize);
  const offsets = offsetsOf(shape);
  const n = rows.length;
  let x: Vector = new Float64Array(n * C); // (n, C)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      x[i * C + c] =
        params[offsets.wte + tokens[i] * C + c] + params[offsets.wpe + positions[i] * C + c];
    }
  }
  offsets.blocks.forEach((o, l) => {
    const ln1 = layerNorm(x, params, o.ln1Weight, o.ln1Bias, n, C);
    const qkv = linear(ln1.out, params, o.attnWeight, o.attnBias, n, C, 3 * C); // (n, 3C)
    const attended = new Float64Array(n * C);
    const scores = new Float64Array(T);
    for (let i = 0; i < n; i++) {
      const at = (rows[i] * T + positions[i]) * C; // this position's slot in the cache
      keys[l].set(qkv.subarray(i * 3 * C + C, i * 3 * C + 2 * C), at);
      values[l].set(qkv.subarray(i * 3 * C + 2 * C, i * 3 * C + 3 * C), at);
      for (let h = 0; h < H; h++) {
        const q = i * 3 * C + h * headSize;
        let max = -Infinity;
        for (let s = 0; s <= positions[i]; s++) {
          const k = (rows[i] * T + s) * C + h * headSize;
          let dot = 0;
          for (let d = 0; d < headSize; d++) dot += qkv[q + d] * keys[l][k + d];
          scores[s] = dot * scale;
          max = Math.max(max, scores[s]);
        }
        let total = 0;
        for (let s = 0; s <= positions[i]; s++) {
          scores[s] = Math.exp(scores[s] - max);
          total += scores[s];
        }
        const y = i * C + h * headSize;
        for (let s = 0; s <= positions[i]; s++) {
          const v = (rows[i] * T + s) * C + h * headSize;
          for (let d = 0; d < headSize; d++)
            attended[y + d] += (scores[s] / total) * values[l][v + d];
        }
      }
    }
    x = blockAfterAttention(x, attended, params, o, n, C).output;
  });
  const { logits } = head(x, params, offsets, n, C, V);
  for (let i = 0; i < n * V; i++) out[i] = logits[i];
}

function adamw(...args: AdamwArguments): void {
  const [params, grads, m, v, decayMask, options] = args;
  const { learningRate, beta1, beta2, epsilon, weightDecay, step } = options;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    let p = params[i];
    // Decoupled decay, as torch.optim.AdamW: shrink first, then the Adam update.
    if (decayMask[i] === 1) p -= learningRate * weightDecay * p;
    p -= (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
    params[i] = p;
  }
}

/** The portable reference kernels (plain TypeScript, float64 inside). */
export const referenceKernels: Kernels = checkedKernels({
  name: 'reference',
  forwardBackward,
  score,
  lastLogits,
  createKvCache,
  prefill,
  decode,
  adamw,
});
