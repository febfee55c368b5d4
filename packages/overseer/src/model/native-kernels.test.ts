import { afterAll, describe, expect, it } from 'vitest';
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
import type { NativeKernels } from './native-kernels.ts';
import { createNativeKernels } from './native-kernels.ts';
import { referenceKernels as reference } from './reference-kernels.ts';

/**
 * Native (float32 C) against reference (float64 TypeScript). Tolerances:
 * - loss: |native − reference| ≤ 1e-5 · max(1, |reference|);
 * - each gradient tensor: max |native − reference| ≤ 1e-4 · max |reference| + 1e-7 (measured
 *   differences are ~1e-6 of the tensor's largest entry);
 * - log-probabilities and last logits: |native − reference| ≤ 1e-4 · max(1, |reference|).
 */
const LOSS_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-4;
const VALUE_TOLERANCE = 1e-4;

let native: NativeKernels | undefined;
let missing = '';
try {
  native = createNativeKernels();
} catch (error) {
  missing = error instanceof Error ? error.message : String(error);
  if (!process.env.CI) {
    console.warn(
      `skipping the native kernel tests: ${missing} (run: npm rebuild @overseer/kernels)`,
    );
  }
}

const tiny: GptShape = { vocabSize: 11, contextLength: 8, layers: 2, heads: 2, width: 16 };
// Odd sizes: GEMM edge tiles, 3 heads of 16, a K block boundary in the weight gradients (N > 256).
const odd: GptShape = { vocabSize: 37, contextLength: 40, layers: 2, heads: 3, width: 48 };
// Width 132: 4·width = 528 crosses the GEMM's 512-column block; heads of 33 take the scalar path.
const wide: GptShape = { vocabSize: 29, contextLength: 24, layers: 1, heads: 4, width: 132 };
// The vectorised attention paths: heads of 16, 32 and 64, with time a multiple of 16 (operands
// used in place) and not (copied into padded scratch).
const attentionCases: Array<{ label: string; shape: GptShape; time: number }> = [
  {
    label: 'heads of 16, in place',
    shape: { vocabSize: 17, contextLength: 32, layers: 2, heads: 4, width: 64 },
    time: 32,
  },
  {
    label: 'heads of 32, in place',
    shape: { vocabSize: 23, contextLength: 48, layers: 1, heads: 2, width: 64 },
    time: 48,
  },
  {
    label: 'heads of 32, padded',
    shape: { vocabSize: 23, contextLength: 48, layers: 1, heads: 2, width: 64 },
    time: 19,
  },
  {
    label: 'heads of 64, in place',
    shape: { vocabSize: 19, contextLength: 32, layers: 1, heads: 1, width: 64 },
    time: 16,
  },
  {
    label: 'heads of 64, padded',
    shape: { vocabSize: 19, contextLength: 32, layers: 1, heads: 1, width: 64 },
    time: 21,
  },
];
const heads32 = attentionCases[1].shape;

function largestGradientError(
  shape: GptShape,
  expected: Float32Array,
  actual: Float32Array,
): { ratio: number; detail: string } {
  let worst = { ratio: 0, detail: 'none' };
  for (const slot of parameterLayout(shape)) {
    let difference = 0;
    let scale = 0;
    for (let i = slot.offset; i < slot.offset + slot.size; i++) {
      difference = Math.max(difference, Math.abs(expected[i] - actual[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    const ratio = difference / (GRADIENT_TOLERANCE * scale + 1e-7);
    if (ratio > worst.ratio) {
      worst = { ratio, detail: `${slot.name}: max |diff| ${difference}, max |grad| ${scale}` };
    }
  }
  return worst;
}

function largestValueError(expected: Float32Array, actual: Float32Array): string | undefined {
  let worst: { ratio: number; detail: string } = { ratio: 0, detail: '' };
  for (let i = 0; i < expected.length; i++) {
    const ratio =
      Math.abs(expected[i] - actual[i]) / (VALUE_TOLERANCE * Math.max(1, Math.abs(expected[i])));
    if (ratio > worst.ratio) {
      worst = { ratio, detail: `[${i}]: reference ${expected[i]}, native ${actual[i]}` };
    }
  }
  return worst.ratio > 1 ? worst.detail : undefined;
}

function compareTraining(shape: GptShape, params: Float32Array, batch: TokenBatch): void {
  const kernels = native!;
  const count = parameterCount(shape);
  const expectedGrads = new Float32Array(count);
  const actualGrads = new Float32Array(count).fill(Number.NaN); // must be fully overwritten
  const N = batch.batch * batch.time;
  const expectedLogProbs = new Float32Array(N);
  const actualLogProbs = new Float32Array(N);
  const expected = reference.forwardBackward(shape, params, expectedGrads, batch, expectedLogProbs);
  const actual = kernels.forwardBackward(shape, params, actualGrads, batch, actualLogProbs);
  expect(
    Math.abs(actual - expected),
    `loss: reference ${expected}, native ${actual}`,
  ).toBeLessThanOrEqual(LOSS_TOLERANCE * Math.max(1, Math.abs(expected)));
  const worst = largestGradientError(shape, expectedGrads, actualGrads);
  expect(worst.ratio, `largest gradient difference / tolerance at ${worst.detail}`).toBeLessThan(1);
  expect(largestValueError(expectedLogProbs, actualLogProbs), 'logProbs').toBeUndefined();
  const scored = new Float32Array(N);
  const scoreLoss = kernels.score(shape, params, batch, scored);
  expect(Math.abs(scoreLoss - expected)).toBeLessThanOrEqual(
    LOSS_TOLERANCE * Math.max(1, Math.abs(expected)),
  );
  expect(largestValueError(expectedLogProbs, scored), 'score logProbs').toBeUndefined();
}

describe.runIf(native !== undefined || process.env.CI)('native kernels against reference', () => {
  afterAll(() => {
    native?.setThreads(2);
  });

  it('is built (CI requires the addon)', () => {
    expect(missing, 'the native addon failed to load').toBe('');
    expect(native!.info().threads).toBeGreaterThanOrEqual(1);
  });

  it('agrees on forwardBackward and score for a tiny model with mean weights', () => {
    const batch = randomBatch(tiny, 3, 8, 21, { ignoredFraction: 0.25 });
    compareTraining(tiny, randomParameters(tiny, 20, 0.3), batch);
  });

  it('agrees with signed weights, ignored targets and odd sizes', () => {
    const batch = randomBatch(odd, 8, 39, 23, { ignoredFraction: 0.2, weights: 'signed' });
    compareTraining(odd, randomParameters(odd, 22, 0.1), batch);
  });

  it('agrees across GEMM block boundaries and head sizes that are not multiples of 16', () => {
    const batch = randomBatch(wide, 12, 24, 25, { ignoredFraction: 0.1, weights: 'signed' });
    compareTraining(wide, randomParameters(wide, 24, 0.05), batch);
  });

  for (const [index, { label, shape, time }] of attentionCases.entries()) {
    it(`agrees for ${label}`, () => {
      const batch = randomBatch(shape, 3, time, 40 + index, {
        ignoredFraction: 0.1,
        weights: 'signed',
      });
      compareTraining(shape, randomParameters(shape, 50 + index, 0.2), batch);
    });
  }

  it('gives the same answers with one thread and with two', () => {
    const kernels = native!;
    const params = randomParameters(odd, 26, 0.1);
    const batch = randomBatch(odd, 4, 40, 27, { weights: 'signed' });
    const count = parameterCount(odd);
    const one = new Float32Array(count);
    const two = new Float32Array(count);
    kernels.setThreads(1);
    const lossOne = kernels.forwardBackward(odd, params, one, batch);
    expect(kernels.setThreads(2)).toBe(2);
    const lossTwo = kernels.forwardBackward(odd, params, two, batch);
    expect(Math.abs(lossOne - lossTwo)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(lossOne)));
    const worst = largestGradientError(odd, one, two);
    expect(worst.ratio, `1 vs 2 threads at ${worst.detail}`).toBeLessThan(1);
  });

  it('returns zero loss and zero gradients when every target is ignored', () => {
    const kernels = native!;
    const batch = randomBatch(tiny, 2, 5, 28, { ignoredFraction: 1 });
    const grads = new Float32Array(parameterCount(tiny)).fill(7);
    const logProbs = new Float32Array(10).fill(7);
    expect(kernels.forwardBackward(tiny, randomParameters(tiny, 29), grads, batch, logProbs)).toBe(
      0,
    );
    expect(grads.every((g) => g === 0)).toBe(true);
    expect(logProbs.every((p) => p === 0)).toBe(true);
  });

  it('agrees on lastLogits with varied lengths and garbage past them', () => {
    const kernels = native!;
    for (const shape of [tiny, odd, heads32]) {
      const params = randomParameters(shape, 30, 0.2);
      const batch = 5;
      const time = shape.contextLength;
      const random = seededRandom(31);
      const lengths = Int32Array.from({ length: batch }, (_, b) =>
        b === 0 ? time : 1 + Math.floor(random() * time),
      );
      const inputs = randomBatch(shape, batch, time, 32).inputs;
      const expected = new Float32Array(batch * shape.vocabSize);
      reference.lastLogits(shape, params, inputs, batch, time, lengths, expected);
      for (let b = 0; b < batch; b++) {
        for (let t = lengths[b]; t < time; t++) inputs[b * time + t] = -1;
      }
      const actual = new Float32Array(expected.length);
      kernels.lastLogits(shape, params, inputs, batch, time, lengths, actual);
      expect(
        largestValueError(expected, actual),
        `lastLogits, width ${shape.width}`,
      ).toBeUndefined();
    }
  });

  it('decodes with a KV cache the logits the reference gives on the whole sequence', () => {
    // Ragged prompts, rows sitting out of steps, a spare cache row; heads of 16, 32, 33 (the
    // scalar path) and 64; a batch with 12-, 8- and odd-row GEMM tiles across two threads.
    const cases: Array<[GptShape, number]> = [
      [tiny, 3],
      [odd, 7],
      [wide, 13],
      [heads32, 5],
      [attentionCases[3].shape, 4],
    ];
    for (const [index, [shape, batch]] of cases.entries()) {
      const params = randomParameters(shape, 80 + index, 0.2);
      const steps = decodingScenario(native!, shape, params, batch, 90 + index);
      const expected = new Float32Array(steps.reduce((n, step) => n + step.logits.length, 0));
      const actual = new Float32Array(expected.length);
      let at = 0;
      for (const { sequences, logits } of steps) {
        expected.set(lastLogitsOf(reference, shape, params, sequences), at);
        actual.set(logits, at);
        at += logits.length;
      }
      expect(
        largestValueError(expected, actual),
        `decoding, width ${shape.width}, heads ${shape.heads}`,
      ).toBeUndefined();
    }
  });

  it('decodes the same with one thread and with two, and like the reference decoder', () => {
    const kernels = native!;
    const params = randomParameters(odd, 100, 0.2);
    kernels.setThreads(1);
    const one = decodingScenario(kernels, odd, params, 30, 101);
    kernels.setThreads(2);
    const two = decodingScenario(kernels, odd, params, 30, 101);
    const byReference = decodingScenario(reference, odd, params, 30, 101);
    const flatten = (steps: typeof one) => Float32Array.from(steps.flatMap((s) => [...s.logits]));
    expect(largestValueError(flatten(one), flatten(two)), '1 vs 2 threads').toBeUndefined();
    expect(largestValueError(flatten(byReference), flatten(two)), 'reference').toBeUndefined();
  });

  it('refuses a KV cache made by the reference kernels', () => {
    const params = randomParameters(tiny, 102);
    const cache = reference.createKvCache(tiny, 1);
    let caught: unknown;
    try {
      native!.prefill(
        params,
        cache,
        new Int32Array([1]),
        1,
        1,
        new Int32Array([1]),
        new Float32Array(11),
      );
    } catch (error) {
      caught = error;
    }
    expect(isOverseerError(caught)).toBe(true);
  });

  it('agrees on AdamW steps, with and without decay', () => {
    const kernels = native!;
    const n = 5000;
    const random = seededRandom(33);
    const params = Float32Array.from({ length: n }, () => random() * 2 - 1);
    const mask = Uint8Array.from({ length: n }, () => (random() < 0.6 ? 1 : 0));
    const state = [params.slice(), new Float32Array(n), new Float32Array(n)];
    const other = [params.slice(), new Float32Array(n), new Float32Array(n)];
    for (let step = 1; step <= 3; step++) {
      const grads = Float32Array.from({ length: n }, () => (random() - 0.5) * 0.1);
      const options = {
        learningRate: 3e-3,
        beta1: 0.9,
        beta2: 0.99,
        epsilon: 1e-8,
        weightDecay: 0.1,
        step,
      };
      reference.adamw(state[0], grads, state[1], state[2], mask, options);
      kernels.adamw(other[0], grads, other[1], other[2], mask, options);
    }
    for (let k = 0; k < 3; k++) {
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const scale = 1e-5 * Math.max(1e-3, Math.abs(state[k][i]));
        worst = Math.max(worst, Math.abs(state[k][i] - other[k][i]) / scale);
      }
      expect(worst, `AdamW buffer ${['params', 'm', 'v'][k]}`).toBeLessThan(1);
    }
  });

  it('rejects the same bad input as the reference with an OverseerError', () => {
    const kernels = native!;
    const params = randomParameters(tiny, 34);
    const good = randomBatch(tiny, 2, 4, 35);
    const attempts: Array<[string, () => unknown]> = [
      [
        'time > contextLength',
        () => kernels.score(tiny, params, randomBatch(tiny, 1, 9, 1), new Float32Array(9)),
      ],
      ['wrong grads size', () => kernels.forwardBackward(tiny, params, new Float32Array(5), good)],
      ['wrong logProbs size', () => kernels.score(tiny, params, good, new Float32Array(3))],
      [
        'bad target',
        () =>
          kernels.score(
            tiny,
            params,
            { ...good, targets: new Int32Array(8).fill(-2) },
            new Float32Array(8),
          ),
      ],
      [
        'zero length',
        () =>
          kernels.lastLogits(
            tiny,
            params,
            good.inputs,
            2,
            4,
            new Int32Array([0, 4]),
            new Float32Array(22),
          ),
      ],
      ['threads', () => kernels.setThreads(0)],
    ];
    for (const [label, attempt] of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(isOverseerError(caught), `${label} should throw an OverseerError`).toBe(true);
    }
  });
});
