import { describe, expect, it } from 'vitest';
import { peerAvailable } from './peers.ts';
import { runStartupBench } from './startup-bench.ts';

describe('runStartupBench', () => {
  it('times node, the bin deciding the instance right, and CSDP when installed', () => {
    const report = runStartupBench({ runs: 1, n: 30 });
    expect(report).toMatchObject({ n: 30, runs: 1, correct: true });
    expect(report.m).toBeGreaterThan(30);
    expect(report.nodeMilliseconds).toBeGreaterThan(0);
    expect(report.oursMilliseconds).toBeGreaterThan(0);
    if (peerAvailable('csdp')) {
      expect(report.csdpMilliseconds).toBeGreaterThan(0);
      expect(report.ratio).toBeCloseTo(report.oursMilliseconds / report.csdpMilliseconds!, 2);
    } else {
      expect(report).toMatchObject({ csdpMilliseconds: null, ratio: null });
    }
  });
});
