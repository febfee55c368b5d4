import { describe, expect, it } from 'vitest';
import { parameterCount, parameterLayout } from './kernels.ts';
import type { GptShape } from './kernels.ts';
import {
  AdamW,
  clipGradients,
  decayMask,
  defaultOptimizerConfig,
  learningRateAt,
} from './optimizer.ts';
import { referenceKernels } from './reference-kernels.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';

const shape: GptShape = { vocabSize: 5, contextLength: 4, layers: 2, heads: 2, width: 4 };

describe('learning-rate schedule', () => {
  const config = {
    ...defaultOptimizerConfig,
    learningRate: 1,
    minLearningRate: 0.1,
    warmupSteps: 9,
    totalSteps: 109,
  };

  it('warms up linearly, decays by a cosine, then stays at the floor', () => {
    expect(learningRateAt(config, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(config, 4)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(config, 8)).toBeCloseTo(0.9, 12);
    expect(learningRateAt(config, 9)).toBeCloseTo(1, 12);
    expect(learningRateAt(config, 59)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(config, 109)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(config, 10_000)).toBe(0.1);
    for (let step = 10; step < 109; step++) {
      expect(learningRateAt(config, step)).toBeLessThan(learningRateAt(config, step - 1));
    }
  });

  it('works without warm-up', () => {
    expect(learningRateAt({ ...config, warmupSteps: 0 }, 0)).toBe(1);
  });
});

describe('decayMask', () => {
  it('decays the token embedding and the block matrices, nothing else', () => {
    const mask = decayMask(shape);
    expect(mask.length).toBe(parameterCount(shape));
    for (const slot of parameterLayout(shape)) {
      const values = new Set(mask.subarray(slot.offset, slot.offset + slot.size));
      const decays = /wte|c_attn\.weight|c_proj\.weight|c_fc\.weight/.test(slot.name);
      expect([slot.name, [...values]]).toEqual([slot.name, [decays ? 1 : 0]]);
    }
  });
});

describe('clipGradients', () => {
  it('scales to the maximum norm and reports the norm before', () => {
    const grads = Float32Array.from([3, 4]);
    expect(clipGradients(grads, 1)).toBeCloseTo(5, 6);
    expect(Math.hypot(grads[0], grads[1])).toBeCloseTo(1, 5);
    expect(grads[0] / grads[1]).toBeCloseTo(0.75, 6);
  });

  it('leaves small gradients alone and rejects non-finite ones', () => {
    const grads = Float32Array.from([0.3, 0.4]);
    clipGradients(grads, 1);
    expect(Array.from(grads)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect(() => clipGradients(Float32Array.from([NaN, 1]), 1)).toThrow(/diverged/);
  });
});

describe('AdamW', () => {
  it('applies the AdamW update with the scheduled rate and decay only where masked', () => {
    const config = { warmupSteps: 0, totalSteps: 10, learningRate: 0.1, minLearningRate: 0.01 };
    const optimizer = new AdamW(referenceKernels, shape, config);
    const count = parameterCount(shape);
    const params = new Float32Array(count).fill(1);
    const grads = new Float32Array(count).fill(0.5);
    const report = optimizer.update(params, grads);
    expect(report.learningRate).toBe(0.1);
    // Norm of the unclipped gradient; clipping then scales each entry to 1/sqrt(count).
    expect(report.gradientNorm).toBeCloseTo(0.5 * Math.sqrt(count), 4);
    expect(optimizer.step).toBe(1);
    // First step: m̂/sqrt(v̂) = sign(g), so the Adam part moves every parameter by −lr.
    const wte = 0; // a decayed matrix
    const lnGain = parameterLayout(shape).find((s) => s.name.endsWith('ln_1.weight'))!.offset;
    expect(params[wte]).toBeCloseTo(1 - 0.1 * 0.1 * 1 - 0.1, 5);
    expect(params[lnGain]).toBeCloseTo(1 - 0.1, 5);
    expect(optimizer.update(params, grads).learningRate).toBeLessThan(0.1);
  });

  it('saves and restores its state, so a resumed run takes the same updates', () => {
    const count = parameterCount(shape);
    const gradient = (step: number) =>
      Float32Array.from({ length: count }, (_, i) => Math.sin(i + step) * 0.1);
    const run = (optimizer: AdamW, params: Float32Array, from: number, to: number) => {
      for (let step = from; step < to; step++) optimizer.update(params, gradient(step));
    };
    const config = { warmupSteps: 2, totalSteps: 6 };
    const straight = new AdamW(referenceKernels, shape, config);
    const straightParams = new Float32Array(count).fill(0.5);
    run(straight, straightParams, 0, 6);

    const first = new AdamW(referenceKernels, shape, config);
    const params = new Float32Array(count).fill(0.5);
    run(first, params, 0, 3);
    const saved = first.toSafetensors();
    const bytes = encodeSafetensors(saved.tensors, saved.metadata);
    const second = new AdamW(referenceKernels, shape, config);
    second.restore(decodeSafetensors(bytes), 'optimizer.safetensors');
    expect(second.step).toBe(3);
    run(second, params, 3, 6);
    expect(Array.from(params)).toEqual(Array.from(straightParams));
  });

  it('rejects state for another shape and bad configurations', () => {
    const other = new AdamW(referenceKernels, { ...shape, width: 2, heads: 1 }).toSafetensors();
    const optimizer = new AdamW(referenceKernels, shape);
    expect(() =>
      optimizer.restore(decodeSafetensors(encodeSafetensors(other.tensors, other.metadata)), 'x'),
    ).toThrow(/state for 170 parameters, but the model has 532/);
    expect(() =>
      optimizer.restore(decodeSafetensors(encodeSafetensors([], {})), 'x.safetensors'),
    ).toThrow(/no tensor named adamw.m/);
    expect(() => new AdamW(referenceKernels, shape, { learningRate: -1 })).toThrow(
      /learningRate = -1/,
    );
    expect(
      () => new AdamW(referenceKernels, shape, { learningRate: 1e-3, minLearningRate: 1e-2 }),
    ).toThrow(/minLearningRate/);
    expect(() => new AdamW(referenceKernels, shape, { warmupSteps: 1.5 })).toThrow(/warmupSteps/);
  });
});
