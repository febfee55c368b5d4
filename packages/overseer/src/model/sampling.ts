/**
 * Choosing one token from a row of logits: temperature, top-k, top-p (nucleus), greedy at
 * temperature 0. Returns the token's log-probability both under the distribution actually
 * sampled from and under the model itself (temperature 1, no truncation), because
 * policy-gradient methods need the latter while diagnostics want the former.
 */
import { OverseerError } from '../errors.ts';
import type { Random } from '../util/random.ts';

/** How to turn logits into a choice. */
export interface SamplingOptions {
  /** Divides the logits; 0 means greedy (always the most likely token). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (after temperature). Absent or 0: keep all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p. Absent or 1: all. */
  topP?: number;
}

/** One sampled token. */
export interface SampledToken {
  /** The chosen token id. */
  token: number;
  /** log p(token) under the distribution actually used (0 for greedy choices). */
  logProb: number;
  /** log p(token) under the model at temperature 1 with nothing truncated. */
  modelLogProb: number;
}

/** Checks sampling options, naming the option that is out of range. */
export function validateSamplingOptions(options: SamplingOptions): void {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new OverseerError('sampling.options', `temperature ${temperature} must be ≥ 0`, {
      hint: 'use 0 for greedy decoding, 1 for the model’s own distribution',
    });
  }
  if (!(Number.isInteger(topK) && topK >= 0)) {
    throw new OverseerError('sampling.options', `top-k ${topK} must be a whole number ≥ 0`, {
      hint: 'use 0 to keep every token',
    });
  }
  if (!(topP > 0 && topP <= 1)) {
    throw new OverseerError('sampling.options', `top-p ${topP} must lie in (0, 1]`, {
      hint: 'use 1 to keep every token',
    });
  }
}

/** log Σ exp(logits) (float64 arithmetic, the max subtracted first). */
function logSumExp(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return max + Math.log(sum);
}

/** log-softmax of `logits` (float64 arithmetic), written into `out`. */
export function logSoftmax(logits: ArrayLike<number>, out: Float64Array): Float64Array {
  const logSum = logSumExp(logits);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - logSum;
  return out;
}

// Scratch of `candidatesByLikelihood` and `sampleToken`, grown on demand (sampling is synchronous).
let keys = new Float64Array(0);
const bits = new Uint32Array(1);
const floats = new Float32Array(bits.buffer);
let ids = new Int32Array(0);
let weights = new Float64Array(0);

/**
 * The token ids not in `excluded`, most likely first, ties by lower id; returns how many. Float32
 * logits are sorted as numeric keys (their order-preserving bits, then the id) by the typed array's
 * own sort, several times faster than a comparator; anything else (or a NaN) takes the comparator.
 */
function candidatesByLikelihood(logits: ArrayLike<number>, excluded: ReadonlySet<number>): number {
  const vocabSize = logits.length;
  if (ids.length < vocabSize) {
    ids = new Int32Array(vocabSize);
    keys = new Float64Array(vocabSize);
  }
  let count = 0;
  let comparable = logits instanceof Float32Array && vocabSize <= 1 << 21;
  // id < 2^idBits, so key · 2^idBits + id stays an exact integer below 2^53.
  const idScale = 2 ** Math.max(1, Math.ceil(Math.log2(vocabSize)));
  for (let id = 0; id < vocabSize; id++) {
    if (excluded.has(id)) continue;
    ids[count] = id;
    if (comparable) {
      const value = logits[id];
      if (Number.isNaN(value)) comparable = false;
      floats[0] = value + 0; // −0 ties with +0, as in the comparator
      // Larger floats get smaller keys: flip negatives whole, set the sign bit of positives.
      const ordered = bits[0] & 0x80000000 ? ~bits[0] >>> 0 : (bits[0] | 0x80000000) >>> 0;
      keys[count] = (0xffffffff - ordered) * idScale + id;
    }
    count++;
  }
  if (comparable) {
    const sorted = keys.subarray(0, count).sort();
    for (let i = 0; i < count; i++) ids[i] = sorted[i] % idScale;
  } else {
    const order = Array.from(ids.subarray(0, count));
    order.sort((a, b) => logits[b] - logits[a] || a - b);
    ids.set(order);
  }
  return count;
}

/**
 * Picks a token from `logits` (one row, vocabSize long). Tokens in `excluded` are never chosen
 * (e.g. padding); the model log-probability still counts them, as the model's distribution does.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  random: Random,
  excluded: ReadonlySet<number> = new Set(),
): SampledToken {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  const logSum = logSumExp(logits);
  const count = candidatesByLikelihood(logits, excluded);
  if (count === 0) {
    throw new OverseerError('sampling.empty', 'every token is excluded; nothing can be sampled');
  }
  const candidates = ids; // most likely first

  if (temperature === 0) {
    const token = candidates[0];
    return { token, logProb: 0, modelLogProb: logits[token] - logSum };
  }

  let kept = topK > 0 ? Math.min(topK, count) : count;
  if (weights.length < kept) weights = new Float64Array(kept);
  const top = logits[candidates[0]] / temperature;
  let total = 0;
  for (let i = 0; i < kept; i++) {
    weights[i] = Math.exp(logits[candidates[i]] / temperature - top);
    total += weights[i];
  }
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < kept; i++) {
      cumulative += weights[i] / total;
      if (cumulative >= topP) {
        kept = i + 1;
        break;
      }
    }
    total = 0;
    for (let i = 0; i < kept; i++) total += weights[i];
  }

  const threshold = random.next() * total;
  let cumulative = 0;
  let chosen = kept - 1; // float rounding can leave the threshold just above the last sum
  for (let i = 0; i < kept; i++) {
    cumulative += weights[i];
    if (threshold < cumulative) {
      chosen = i;
      break;
    }
  }
  const token = candidates[chosen];
  return {
    token,
    logProb: Math.log(weights[chosen] / total),
    modelLogProb: logits[token] - logSum,
  };
}
