import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import type { KernelPreference } from './kernels.ts';
import { loadKernels, parameterCount, parameterLayout, validateBatch } from './kernels.ts';

const shape = { vocabSize: 64, contextLength: 64, layers: 2, heads: 4, width: 64 };

describe('kernel contract', () => {
  it('lays parameters out contiguously in GPT-2 order', () => {
    const slots = parameterLayout(shape);
    expect(slots[0].name).toBe('transformer.wte.weight');
    expect(slots.at(-1)!.name).toBe('transformer.ln_f.bias');
    let offset = 0;
    for (const slot of slots) {
      expect(slot.offset).toBe(offset);
      offset += slot.size;
    }
    // 12·C² + 13·C per block, embeddings V·C + T·C, final LayerNorm 2·C.
    expect(parameterCount(shape)).toBe(64 * 64 + 64 * 64 + 2 * (12 * 64 * 64 + 13 * 64) + 2 * 64);
  });

  it('loads the reference on request and something that works on auto', () => {
    expect(loadKernels('reference').name).toBe('reference');
    const auto = loadKernels('auto');
    expect(['native', 'reference']).toContain(auto.name);
    if (process.env.CI) expect(auto.name).toBe('native');
  });

  it('rejects an unknown preference', () => {
    let caught: unknown;
    try {
      loadKernels('fast' as KernelPreference);
    } catch (error) {
      caught = error;
    }
    expect(isOverseerError(caught)).toBe(true);
  });

  it('explains in the error message what to change', () => {
    const batch = { batch: 1, time: 65, inputs: new Int32Array(65), targets: new Int32Array(65) };
    expect(() => validateBatch(shape, batch, undefined)).toThrow(/contextLength \(64\)/);
    const wrong = { batch: 2, time: 3, inputs: new Int32Array(6), targets: new Int32Array(5) };
    expect(() => validateBatch(shape, wrong, undefined)).toThrow(
      /targets must be a Int32Array of length 6/,
    );
  });
});
