import { describe, expect, it } from 'vitest';
import { benchPlot, benchPointsNm, formatBenchTable, runBench } from './bench.ts';
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

  it('plots seconds against n·m per family and against 1/ε on the sweep, with the fitted exponents', () => {
    const report = runBench({
      sizes: [30, 60],
      denseSizes: [],
      patterns: ['random', 'band'],
      peers: [],
      epsilonSweep: true,
      epsilonSweepSize: 50,
    });
    expect(report.rows.filter((row) => row.sweep).map((row) => row.epsilon)).toEqual([
      0.2, 0.1, 0.05, 0.02, 0.01, 0.005,
    ]);
    expect(report.rows.filter((row) => row.sweep).every((row) => row.n === 50)).toBe(true);
    expect(report.rows.every((row) => row.cpuSeconds > 0)).toBe(true);
    const points = benchPointsNm(report.rows);
    expect([...points.keys()]).toEqual(Object.keys(report.exponentsNm));
    expect(points.get('ours:band-no')).toHaveLength(2);
    const svg = benchPlot(report);
    expect(svg).toContain('>n·m</text>');
    expect(svg).toContain('>1/ε</text>');
    expect(svg).toContain('>seconds</text>');
    expect(svg).toContain('seconds against 1/ε (random-yes, n = 50, t* = ε)');
    // Four families against n·m, the sweep against 1/ε.
    expect(svg.match(/<g class="series"/g)).toHaveLength(5);
    for (const [name, exponent] of Object.entries(report.exponentsNm)) {
      expect(svg).toContain(`${name}: exponent ${exponent.toFixed(2)}`);
    }
    expect(svg).toContain(`ours:random-yes: exponent ${report.exponentEpsilon!.toFixed(2)}`);
  });
});
