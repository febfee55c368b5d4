import { describe, expect, it, vi } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { formatSampleBench, runSampleBench } from './sample-bench.ts';

const options = {
  sizes: ['s'],
  repeats: 1,
  warmup: 0,
  threads: 2,
  kernels: 'auto' as const,
  kvCache: true,
  torch: false,
  python: '/usr/bin/python3',
};

describe('sample bench', () => {
  it('samples a batch of 64 to the end of the context and reports tokens/s without the peer', async () => {
    const result = await runSampleBench(options);
    expect(result.sizes).toHaveLength(1);
    const [size] = result.sizes;
    expect([size.name, size.params, size.batch]).toEqual(['S', 108288, 64]);
    // <end> + 8 prompt characters, then samples until the 64-token context is full: 56 each.
    expect(size.tokens).toBe(64 * 56);
    expect(size.tokensPerSecond).toBeGreaterThan(0);
    expect(size.torchTokensPerSecond).toBeNull();
    expect(size.ratio).toBeNull();
    expect(result.kvCache).toBe(true);
    const table = formatSampleBench(result);
    expect(table).toContain('tok/s');
    expect(table).toContain('PyTorch unavailable');
  });

  it('reports a missing PyTorch as null, not as a failure', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const result = await runSampleBench({
      ...options,
      torch: true,
      python: '/nonexistent/python3',
    });
    const written = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
    stderr.mockRestore();
    expect(result.sizes[0].torchTokensPerSecond).toBeNull();
    expect(result.torch).toBeNull();
    expect(written).toContain('python3-torch');
  });

  it('rejects an unknown size with an OverseerError', async () => {
    let caught: unknown;
    try {
      await runSampleBench({ ...options, sizes: ['L'] });
    } catch (error) {
      caught = error;
    }
    expect(isOverseerError(caught)).toBe(true);
  });
});
