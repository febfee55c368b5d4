import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { parameterLayout } from '../model/kernels.ts';
import {
  decayMask,
  flopsPerToken,
  formatTrainBench,
  runTrainBench,
  trainBenchSizes,
} from './train-bench.ts';

const S = trainBenchSizes.find((size) => size.name === 'S')!;

describe('train bench', () => {
  it('counts FLOPs per token with the PaLM formula', () => {
    // S: 6·(2·12·64² + 64·64) + 12·2·64·64
    expect(flopsPerToken(S.shape)).toBe(6 * (2 * 12 * 4096 + 4096) + 12 * 2 * 64 * 64);
  });

  it('decays matrices and the token embedding only', () => {
    const mask = decayMask(S.shape);
    for (const slot of parameterLayout(S.shape)) {
      const expected = slot.shape.length === 2 && !slot.name.includes('wpe') ? 1 : 0;
      expect(mask[slot.offset], slot.name).toBe(expected);
      expect(mask[slot.offset + slot.size - 1], slot.name).toBe(expected);
    }
  });

  it('trains a size for a few steps and reports measurements without the PyTorch peer', async () => {
    const result = await runTrainBench({
      sizes: ['s'],
      steps: 2,
      warmup: 1,
      threads: 2,
      kernels: 'auto',
      torch: false,
      python: '/usr/bin/python3',
    });
    expect(result.sizes).toHaveLength(1);
    const [size] = result.sizes;
    expect(size.name).toBe('S');
    expect(size.params).toBe(108288);
    expect(size.tokensPerSecond).toBeGreaterThan(0);
    expect(size.gflops).toBeGreaterThan(0);
    expect(size.torchTokensPerSecond).toBeNull();
    expect(size.ratio).toBeNull();
    // Random targets over 64 tokens: the loss starts near ln 64.
    expect(size.loss).toBeGreaterThan(3.5);
    expect(size.loss).toBeLessThan(4.7);
    const table = formatTrainBench(result);
    expect(table).toContain('tok/s');
    expect(table).toContain('PyTorch unavailable');
  });

  it('reports a missing PyTorch as null, not as a failure', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const result = await runTrainBench({
        sizes: ['S'],
        steps: 1,
        warmup: 0,
        threads: 1,
        kernels: 'auto',
        torch: true,
        python: '/nonexistent/python3',
      });
      expect(result.sizes[0].torchTokensPerSecond).toBeNull();
      expect(result.torch).toBeNull();
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toContain('python3-torch');
  });

  it('rejects an unknown size with an OverseerError', async () => {
    let caught: unknown;
    try {
      await runTrainBench({
        sizes: ['XL'],
        warmup: 0,
        threads: 1,
        kernels: 'reference',
        torch: false,
        python: '/usr/bin/python3',
      });
    } catch (error) {
      caught = error;
    }
    expect(isOverseerError(caught)).toBe(true);
  });
});
