import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import {
  decodingScenario,
  lastLogitsOf,
  randomBatch,
  randomParameters,
  seededRandom,
} from './kernel-fixtures.ts';
import type { GptShape, TokenBatch } from './kernels.ts';
import { parameterCount, parameterLayout } from './kernels.ts';
import { referenceKernels as kernels } from './reference-kernels.ts';

const shape: GptShape = { vocabSize: 11, contextLength: 8, layers: 2, heads: 2, width: 16 };

/**
 * Central differences on float32 parameters: the step actually taken is read back from the
 * float32 buffer, and the loss is the reference's float64 sum, so the only error left is the
 * O(h²) truncation. Tolerance: |analytic − numeric| ≤ 1e-6 + 1e-4·|numeric|.
 */
const STEP = 1e-3;
const ABSOLUTE_TOLERANCE = 1e-6;
const RELATIVE_TOLERANCE = 1e-4;
const SAMPLES_PER_TENSOR = 20;

function checkGradients(batch: TokenBatch, seed: number): void {
  const params = randomParameters(shape, seed, 0.3);
  const grads = new Float32Array(parameterCount(shape));
  kernels.forwardBackward(shape, params, grads, batch);
  const scratch = new Float32Array(batch.batch * batch.time);
  const random = seededRandom(seed + 1);
  // ratio = |analytic − numeric| / tolerance; the test fails when any ratio exceeds 1.
  let worst = { ratio: 0, detail: '' };
  for (const slot of parameterLayout(shape)) {
    const indices =
      slot.size <= SAMPLES_PER_TENSOR
        ? Array.from({ length: slot.size }, (_, i) => i)
        : Array.from({ length: SAMPLES_PER_TENSOR }, () => Math.floor(random() * slot.size));
    for (const index of indices) {
      const at = slot.offset + index;
      const original = params[at];
      params[at] = original + STEP;
      const plusValue = params[at];
      const plus = kernels.score(shape, params, batch, scratch);
      params[at] = original - STEP;
      const minusValue = params[at];
      const minus = kernels.score(shape, params, batch, scratch);
      params[at] = original;
      const numeric = (plus - minus) / (plusValue - minusValue);
      const analytic = grads[at];
      const ratio =
        Math.abs(analytic - numeric) /
        (ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(numeric));
      if (ratio > worst.ratio) {
        worst = {
          ratio,
          detail: `${slot.name}[${index}]: analytic ${analytic}, numeric ${numeric}`,
        };
      }
    }
  }
  expect(worst.ratio, `largest error/tolerance at ${worst.detail}`).toBeLessThanOrEqual(1);
}

describe('reference kernels', () => {
  it('matches finite differences with mean weights and ignored targets', () => {
    checkGradients(randomBatch(shape, 3, 8, 11, { ignoredFraction: 0.25 }), 1);
  });

  it('matches finite differences with signed non-uniform weights and a short time', () => {
    checkGradients(randomBatch(shape, 2, 6, 12, { ignoredFraction: 0.2, weights: 'signed' }), 2);
  });

  it('returns Σ weight · (−log p) and the same log-probabilities from score and forwardBackward', () => {
    const params = randomParameters(shape, 3, 0.3);
    const batch = randomBatch(shape, 2, 8, 13, { ignoredFraction: 0.3, weights: 'signed' });
    const fromScore = new Float32Array(16);
    const fromTraining = new Float32Array(16);
    const loss = kernels.score(shape, params, batch, fromScore);
    const grads = new Float32Array(parameterCount(shape));
    expect(kernels.forwardBackward(shape, params, grads, batch, fromTraining)).toBe(loss);
    expect(Array.from(fromTraining)).toEqual(Array.from(fromScore));
    let expected = 0;
    for (let i = 0; i < 16; i++) {
      if (batch.targets[i] === -1) expect(fromScore[i]).toBe(0);
      else expected -= batch.weights![i] * fromScore[i];
      expect(fromScore[i]).toBeLessThanOrEqual(0);
    }
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('averages over positions with a target when no weights are given', () => {
    const params = randomParameters(shape, 4, 0.3);
    const batch = randomBatch(shape, 2, 5, 14, { ignoredFraction: 0.4 });
    const logProbs = new Float32Array(10);
    const loss = kernels.score(shape, params, batch, logProbs);
    const counted = Array.from(batch.targets).filter((t) => t !== -1);
    const mean = -logProbs.reduce((a, b) => a + b, 0) / counted.length;
    expect(counted.length).toBeGreaterThan(0);
    expect(loss).toBeCloseTo(mean, 5);
  });

  it('gives last logits that agree with score and ignore padding past each length', () => {
    const params = randomParameters(shape, 5, 0.3);
    const time = 7;
    const lengths = new Int32Array([7, 3, 1]);
    const batch = randomBatch(shape, 3, time, 15);
    const out = new Float32Array(3 * shape.vocabSize);
    kernels.lastLogits(shape, params, batch.inputs, 3, time, lengths, out);
    const padded = batch.inputs.slice();
    for (let b = 0; b < 3; b++) for (let t = lengths[b]; t < time; t++) padded[b * time + t] = -5;
    const again = new Float32Array(out.length);
    kernels.lastLogits(shape, params, padded, 3, time, lengths, again);
    expect(Array.from(again)).toEqual(Array.from(out));
    for (let b = 0; b < 3; b++) {
      // The log-softmax of row b's last logits is the log-probability score gives that position.
      const length = lengths[b];
      const row = out.subarray(b * shape.vocabSize, (b + 1) * shape.vocabSize);
      const target = 4;
      const targets = new Int32Array(length).fill(-1);
      targets[length - 1] = target;
      const logProbs = new Float32Array(length);
      const single = batch.inputs.slice(b * time, b * time + length);
      kernels.score(shape, params, { batch: 1, time: length, inputs: single, targets }, logProbs);
      const max = Math.max(...row);
      const logTotal = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
      expect(row[target] - logTotal).toBeCloseTo(logProbs[length - 1], 5);
    }
  });

  it('takes an AdamW step with decoupled decay only where the mask says so', () => {
    const params = new Float32Array([1, -2, 0.5, 3]);
    const grads = new Float32Array([0.1, -0.2, 0, 4]);
    const m = new Float32Array(4);
    const v = new Float32Array(4);
    const mask = new Uint8Array([1, 0, 1, 0]);
    const options = {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.95,
      epsilon: 1e-8,
      weightDecay: 0.1,
      step: 1,
    };
    const before = Array.from(params);
    kernels.adamw(params, grads, m, v, mask, options);
    // Step 1 from zero moments: m̂ = g, v̂ = g², so the update is lr · g / (|g| + ε).
    for (let i = 0; i < 4; i++) {
      const decayed = before[i] * (1 - (mask[i] ? options.learningRate * options.weightDecay : 0));
      const g = grads[i];
      expect(params[i]).toBeCloseTo(decayed - (0.01 * g) / (Math.abs(g) + 1e-8), 6);
      expect(m[i]).toBeCloseTo(0.1 * g, 7);
      expect(v[i]).toBeCloseTo(0.05 * g * g, 7);
    }
  });

  it('decodes with a KV cache the logits lastLogits gives on the whole sequence', () => {
    // Both sides are float64 inside and round only their outputs to float32: differences are
    // float64 summation order, far below 1e-6 of the logits' size.
    for (const [index, config] of [shape, { ...shape, heads: 4, contextLength: 12 }].entries()) {
      const params = randomParameters(config, 60 + index, 0.3);
      const steps = decodingScenario(kernels, config, params, 5, 70 + index);
      expect(steps.length).toBeGreaterThan(config.contextLength / 2);
      let worst = { difference: 0, detail: 'none' };
      for (const [step, { sequences, logits }] of steps.entries()) {
        const expected = lastLogitsOf(kernels, config, params, sequences);
        for (let i = 0; i < expected.length; i++) {
          const difference = Math.abs(expected[i] - logits[i]) / Math.max(1, Math.abs(expected[i]));
          if (difference > worst.difference) worst = { difference, detail: `step ${step} [${i}]` };
        }
      }
      expect(worst.difference, `largest difference at ${worst.detail}`).toBeLessThan(1e-6);
    }
  });

  it('rejects decoding steps that do not fit the cache with an OverseerError', () => {
    const params = randomParameters(shape, 7);
    const cache = kernels.createKvCache(shape, 2);
    const logits = new Float32Array(2 * shape.vocabSize);
    kernels.prefill(
      params,
      cache,
      new Int32Array([1, 2, 3, 4]),
      2,
      2,
      new Int32Array([2, 1]),
      logits,
    );
    expect(Array.from(cache.lengths)).toEqual([2, 1]);
    const step = (
      rows: number[],
      positions: number[],
      out = logits.subarray(0, rows.length * 11),
    ) =>
      kernels.decode(
        params,
        cache,
        Int32Array.from(rows),
        Int32Array.from(positions),
        Int32Array.from(rows, () => 3),
        out,
      );
    step([1], [1]);
    expect(Array.from(cache.lengths)).toEqual([2, 2]);
    const cases: Array<[string, () => unknown]> = [
      ['a position past the filled ones', () => step([0], [3])],
      ['a position past the context', () => step([0], [8])],
      ['a row twice', () => step([0, 0], [2, 2])],
      ['a row outside the cache', () => step([2], [0])],
      ['no rows', () => step([], [])],
      ['a short out', () => step([0], [2], new Float32Array(3))],
      ['zero rows', () => kernels.createKvCache(shape, 0)],
      [
        'a prefill larger than the cache',
        () =>
          kernels.prefill(
            params,
            cache,
            new Int32Array(3),
            3,
            1,
            new Int32Array([1, 1, 1]),
            new Float32Array(33),
          ),
      ],
      [
        'a cache of other kernels',
        () =>
          kernels.decode(
            params,
            { ...cache, kernels: 'native' },
            new Int32Array([0]),
            new Int32Array([2]),
            new Int32Array([3]),
            new Float32Array(11),
          ),
      ],
    ];
    for (const [label, run] of cases) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(isOverseerError(caught), `${label} should throw an OverseerError`).toBe(true);
    }
  });

  it('rejects inputs that do not fit the shape with an OverseerError', () => {
    const params = randomParameters(shape, 6);
    const grads = new Float32Array(parameterCount(shape));
    const good = randomBatch(shape, 2, 4, 16);
    const cases: Array<[string, () => unknown]> = [
      [
        'time > contextLength',
        () => kernels.score(shape, params, randomBatch(shape, 1, 9, 1), new Float32Array(9)),
      ],
      ['short params', () => kernels.score(shape, params.subarray(1), good, new Float32Array(8))],
      ['short grads', () => kernels.forwardBackward(shape, params, grads.subarray(2), good)],
      ['short logProbs', () => kernels.score(shape, params, good, new Float32Array(7))],
      [
        'short targets',
        () =>
          kernels.score(
            shape,
            params,
            { ...good, targets: good.targets.subarray(1) },
            new Float32Array(8),
          ),
      ],
      [
        'input id out of range',
        () =>
          kernels.score(
            shape,
            params,
            { ...good, inputs: new Int32Array(8).fill(11) },
            new Float32Array(8),
          ),
      ],
      [
        'heads do not divide width',
        () => kernels.score({ ...shape, heads: 3 }, params, good, new Float32Array(8)),
      ],
      [
        'length beyond time',
        () =>
          kernels.lastLogits(
            shape,
            params,
            good.inputs,
            2,
            4,
            new Int32Array([4, 5]),
            new Float32Array(22),
          ),
      ],
      [
        'mismatched AdamW buffers',
        () =>
          kernels.adamw(
            params,
            grads,
            new Float32Array(3),
            new Float32Array(3),
            new Uint8Array(3),
            {
              learningRate: 1e-3,
              beta1: 0.9,
              beta2: 0.95,
              epsilon: 1e-8,
              weightDecay: 0,
              step: 1,
            },
          ),
      ],
    ];
    for (const [label, run] of cases) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(isOverseerError(caught), `${label} should throw an OverseerError`).toBe(true);
    }
  });
});
