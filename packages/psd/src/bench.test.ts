import { describe, expect, it } from 'vitest';
import { formatBenchTable, runBench } from './bench.ts';
import { peerAvailable } from './peers.ts';

describe('psd bench', () => {
  it('runs the families on a tiny size with CSDP beside us and reports ratios and exponents', () => {
    const peers = peerAvailable('csdp') ? (['csdp'] as const) : ([] as const);
    const report = runBench({
      sizes: [30, 40],
      densities: [5],
      denseSizes: [30],
      patterns: ['random', 'band'],
      peers: [...peers],
      epsilonSweep: false,
      epsilon: 0.05,
    });
    // Two sizes × two patterns × YES/NO, plus m/n = 20 at the first size.
    expect(report.rows).toHaveLength(12);
    expect(report.allCorrect).toBe(true);
    expect(Object.keys(report.exponentsNm)).toContain('ours:random-yes');
    if (peers.length > 0) expect(report.rows.every((row) => row.ratio.csdp! > 0)).toBe(true);
    expect(formatBenchTable(report)).toContain('| random-no | 30 |');
  });

  it('skips a peer above its own size limit and says so', () => {
    const report = runBench({
      sizes: [30],
      denseSizes: [],
      patterns: ['band'],
      peers: ['csdp'],
      peerMaxNByPeer: { csdp: 20 },
      epsilonSweep: false,
    });
    expect(report.rows.map((row) => row.peers.csdp?.status)).toEqual(['skipped', 'skipped']);
  });

  it('runs the NO families without a small witness and the large rows, with memory', () => {
    const report = runBench({
      sizes: [],
      denseSizes: [],
      hardNoSizes: [300],
      largeSizes: [300],
      peers: [],
      epsilonSweep: false,
      epsilon: 0.05,
    });
    expect(report.rows.map((row) => row.family)).toEqual([
      'cycle-30',
      'cycle-30',
      'spread',
      'large',
      'large',
      'large',
      'large',
    ]);
    expect(report.allCorrect).toBe(true);
    expect(report.rows.every((row) => row.certified && row.peakMegabytes > 0)).toBe(true);
    expect(formatBenchTable(report)).toContain('| random-no (spread) | 300 |');
  });
});
