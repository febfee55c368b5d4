import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from './decide.ts';
import { generateInstance, type InstanceOptions, type PatternKind } from './generate.ts';
import { logLogFigure, type LogLogChartOptions } from './log-log-plot.ts';
import { formatMatrixMarket, parsePartialMatrix } from './parse.ts';
import { runPeer, type PeerName, type PeerResult } from './peers.ts';

/** Options of the benchmark; defaults are commented. */
export interface BenchOptions {
  /** Orders n. Default [100, 200, 400, 800, 1600, 3200, 10000]. */
  sizes?: number[];
  /** Patterns. Default all four. */
  patterns?: PatternKind[];
  /** m/n values. Default [5]. */
  densities?: number[];
  /** Sizes at which the dense family m/n = 20 is also run. Default [100, 1000]. */
  denseSizes?: number[];
  /** Peer solvers run on the same instances. Default ['csdp', 'sdpa']. */
  peers?: PeerName[];
  /** Largest n a peer is run at (larger: skipped, said so). Default 800. */
  peerMaxN?: number;
  /** Per-peer override of peerMaxN, e.g. { sdpa: 200 }. */
  peerMaxNByPeer?: Partial<Record<PeerName, number>>;
  /** Largest m a peer is run at (its Schur complement is m×m). Default 6000. */
  peerMaxM?: number;
  /** Peer timeout in seconds. Default 600. */
  peerTimeout?: number;
  /** ε passed to decide; YES instances are generated with margin ε (t* = ε, the edge of the promise). Default 0.05. */
  epsilon?: number;
  /** Also sweep ε at a fixed size to measure the 1/ε exponent. Default true. */
  epsilonSweep?: boolean;
  /** Order n of the ε sweep (random pattern, YES, m/n = 5). Default the smaller of 800 and the largest size. */
  epsilonSweepSize?: number;
  /** Our time budget per instance. Default 120. */
  maxSeconds?: number;
  /** Seed of the generated instances. Default 1. */
  seed?: number;
  /**
   * Orders at which the 'no' families without a small witness run (random pattern, ours and peers within
   * their limits): one chordless cycle of 30 vertices, one of n/10 vertices, and the spread obstruction.
   * Default none.
   */
  hardNoSizes?: number[];
  /** Orders of the large-scale rows (random and band, m/n = 10, ours only, memory reported). Default none. */
  largeSizes?: number[];
  /** Called after each row (progress). */
  onRow?: (row: BenchRow) => void;
}

/** One benchmark instance: our answer and time beside the peers'. */
export interface BenchRow {
  name: string;
  pattern: PatternKind;
  kind: 'yes' | 'no';
  n: number;
  m: number;
  epsilon: number;
  expected: 'completable' | 'not-completable';
  verdict: string;
  certified: boolean;
  seconds: number;
  /** CPU seconds of the process over parse and decide (user + system): the machine's load inflates `seconds`, not this. */
  cpuSeconds: number;
  peers: Partial<Record<PeerName, PeerResult | { status: 'skipped'; reason: string }>>;
  /** Peer seconds / our seconds. */
  ratio: Partial<Record<PeerName, number>>;
  correct: boolean;
  sweep?: boolean;
  /** The family when not the plain pattern-kind one, e.g. `cycle-500`, `spread`, `large`. */
  family?: string;
  /** Peak resident memory of the bench process so far (MB), after this row. */
  peakMegabytes: number;
}

/** Summary: rows plus fitted exponents. */
export interface BenchReport {
  rows: BenchRow[];
  /** Slope of log(seconds) against log(n·m), per pattern-kind (ours and peers). */
  exponentsNm: Record<string, number>;
  /** Slope of log(seconds) against log(1/ε) on the ε sweep. */
  exponentEpsilon?: number;
  allCorrect: boolean;
}

/** Least-squares slope of log y against log x (NaN with fewer than two points), y floored at 1e-6. */
export function logLogSlope(points: [number, number][]): number {
  if (points.length < 2) return Number.NaN;
  const xs = points.map((p) => Math.log(p[0]));
  const ys = points.map((p) => Math.log(Math.max(p[1], 1e-6)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let k = 0; k < xs.length; k++) {
    num += (xs[k] - mx) * (ys[k] - my);
    den += (xs[k] - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

function runOne(
  pattern: PatternKind,
  kind: 'yes' | 'no',
  n: number,
  density: number,
  epsilon: number,
  margin: number,
  options: Required<
    Omit<
      BenchOptions,
      | 'onRow'
      | 'sizes'
      | 'patterns'
      | 'densities'
      | 'denseSizes'
      | 'epsilonSweep'
      | 'epsilonSweepSize'
      | 'hardNoSizes'
      | 'largeSizes'
    >
  >,
  directory: string,
  family?: { name: string; instance: Partial<InstanceOptions> },
): BenchRow {
  const instance = generateInstance({
    pattern,
    kind,
    n,
    density,
    margin,
    seed: options.seed,
    ...family?.instance,
  });
  const text = formatMatrixMarket(instance.matrix);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const matrix = parsePartialMatrix(text);
  const decision = decide(matrix, { epsilon, maxSeconds: options.maxSeconds, seed: options.seed });
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  const verification = decision.stats.verification as { valid?: boolean } | undefined;
  const m = n + matrix.values.length;
  const row: BenchRow = {
    name: instance.name,
    pattern,
    kind,
    n,
    m,
    epsilon,
    expected: instance.expected,
    verdict: decision.verdict,
    certified: verification?.valid === true,
    seconds,
    cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6,
    peers: {},
    ratio: {},
    correct: decision.verdict === instance.expected,
    ...(family ? { family: family.name } : {}),
    peakMegabytes: process.resourceUsage().maxRSS / 1024,
  };
  for (const peer of options.peers) {
    const maxN = options.peerMaxNByPeer[peer] ?? options.peerMaxN;
    if (n > maxN || m > options.peerMaxM) {
      row.peers[peer] = {
        status: 'skipped',
        reason: `n > ${maxN} or m > ${options.peerMaxM}: would take too long`,
      };
      continue;
    }
    // Peers see the same unit-diagonal instance our solver works on (scaling is part of our O(m) preprocessing).
    const result = runPeer(
      peer,
      instance.matrix,
      directory,
      `${pattern}-${kind}-${family?.name ?? 'plain'}-${n}-${density}`,
      options.peerTimeout,
    );
    row.peers[peer] = result;
    if (result.status === 'solved') {
      row.ratio[peer] = result.seconds / seconds;
      if (result.verdict !== instance.expected) row.correct = row.correct && false;
    }
  }
  return row;
}

/** Runs the benchmark families side by side with the peers; see BenchOptions. */
export function runBench(options: BenchOptions = {}): BenchReport {
  const {
    sizes = [100, 200, 400, 800, 1600, 3200, 10000],
    patterns = ['band', 'ktree', 'random', 'grid'],
    densities = [5],
    denseSizes = [100, 1000],
    epsilonSweep = true,
    hardNoSizes = [],
    largeSizes = [],
    onRow,
  } = options;
  const resolved = {
    peers: options.peers ?? (['csdp', 'sdpa'] as PeerName[]),
    peerMaxN: options.peerMaxN ?? 800,
    peerMaxNByPeer: options.peerMaxNByPeer ?? {},
    peerMaxM: options.peerMaxM ?? 6000,
    peerTimeout: options.peerTimeout ?? 600,
    epsilon: options.epsilon ?? 0.05,
    maxSeconds: options.maxSeconds ?? 120,
    seed: options.seed ?? 1,
  };
  const directory = mkdtempSync(join(tmpdir(), 'psd-bench-'));
  const rows: BenchRow[] = [];
  const push = (row: BenchRow): void => {
    rows.push(row);
    onRow?.(row);
  };
  try {
    const sorted = [...new Set([...sizes, ...denseSizes])].sort((a, b) => a - b);
    for (const n of sorted) {
      const ds = sizes.includes(n) ? [...densities] : [];
      if (denseSizes.includes(n) && !ds.includes(20)) ds.push(20);
      for (const density of ds) {
        for (const pattern of patterns) {
          for (const kind of ['yes', 'no'] as const) {
            push(
              runOne(
                pattern,
                kind,
                n,
                density,
                resolved.epsilon,
                resolved.epsilon,
                resolved,
                directory,
              ),
            );
          }
        }
      }
    }
    for (const n of hardNoSizes) {
      const families = [
        { name: 'cycle-30', instance: { cycleLength: 30 } },
        { name: `cycle-${Math.round(n / 10)}`, instance: { cycleLength: Math.round(n / 10) } },
        { name: 'spread', instance: { obstruction: 'spread' as const } },
      ];
      for (const family of families) {
        push(
          runOne(
            'random',
            'no',
            n,
            5,
            resolved.epsilon,
            resolved.epsilon,
            resolved,
            directory,
            family,
          ),
        );
      }
    }
    for (const n of largeSizes) {
      for (const pattern of ['random', 'band'] as const) {
        for (const kind of ['yes', 'no'] as const) {
          push(
            runOne(
              pattern,
              kind,
              n,
              10,
              resolved.epsilon,
              resolved.epsilon,
              { ...resolved, peers: [] },
              directory,
              { name: 'large', instance: {} },
            ),
          );
        }
      }
    }
    if (epsilonSweep) {
      const n = options.epsilonSweepSize ?? Math.min(800, sorted[sorted.length - 1] ?? 800);
      for (const epsilon of [0.2, 0.1, 0.05, 0.02, 0.01, 0.005]) {
        const row = runOne(
          'random',
          'yes',
          n,
          5,
          epsilon,
          epsilon,
          { ...resolved, peers: [] },
          directory,
        );
        row.sweep = true;
        push(row);
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const exponentsNm: Record<string, number> = {};
  for (const [key, points] of benchPointsNm(rows)) exponentsNm[key] = logLogSlope(points);
  const sweep = rows.filter((r) => r.sweep);
  return {
    rows,
    exponentsNm,
    ...(sweep.length >= 2
      ? { exponentEpsilon: logLogSlope(sweep.map((r) => [1 / r.epsilon, r.seconds])) }
      : {}),
    allCorrect: rows.every((r) => r.correct),
  };
}

/**
 * Points (n·m, seconds) per solver and family, keyed as in exponentsNm (`ours:random-yes`,
 * `csdp:band-no`, `ours:random-no-cycle`); ε-sweep rows are left out, and a peer's family only
 * appears with at least two solved rows.
 */
export function benchPointsNm(rows: BenchRow[]): Map<string, [number, number][]> {
  const groups = new Map<string, BenchRow[]>();
  for (const row of rows) {
    if (row.sweep) continue;
    const key = `${row.pattern}-${row.kind}${row.family && row.family !== 'large' ? `-${row.family.replace(/-\d+$/, '')}` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const peers = [...new Set(rows.flatMap((row) => Object.keys(row.peers) as PeerName[]))];
  const points = new Map<string, [number, number][]>();
  for (const [key, group] of groups) {
    points.set(
      `ours:${key}`,
      group.map((r) => [r.n * r.m, r.seconds]),
    );
    for (const peer of peers) {
      const solved = group.filter(
        (r) => (r.peers[peer] as PeerResult | undefined)?.status === 'solved',
      );
      if (solved.length >= 2) {
        points.set(
          `${peer}:${key}`,
          solved.map((r) => [r.n * r.m, (r.peers[peer] as PeerResult).seconds]),
        );
      }
    }
  }
  return points;
}

/** The report as an SVG figure: seconds against n·m per solver and family, and against 1/ε on the sweep, log–log with fitted exponents. */
export function benchPlot(report: BenchReport): string {
  const charts: LogLogChartOptions[] = [
    {
      title: 'psd bench: seconds against n·m',
      note: `ε = ${report.rows.find((row) => !row.sweep)?.epsilon ?? '—'}; m counts the positions plus the diagonal`,
      reference: { slope: 1, name: "slope 1: the prize's O(nm/ε)" },
      xLabel: 'n·m',
      yLabel: 'seconds',
      series: [...benchPointsNm(report.rows)].map(([name, points]) => ({
        name,
        points,
        exponent: report.exponentsNm[name],
      })),
    },
  ];
  const sweep = report.rows.filter((row) => row.sweep);
  if (sweep.length > 0) {
    charts.push({
      title: `psd bench: seconds against 1/ε (random-yes, n = ${sweep[0].n}, t* = ε)`,
      note: 'YES instances at the edge of the promise, n·m fixed',
      reference: { slope: 1, name: "slope 1: the prize's O(nm/ε)" },
      xLabel: '1/ε',
      yLabel: 'seconds',
      series: [
        {
          name: 'ours:random-yes',
          points: sweep.map((row) => [1 / row.epsilon, row.seconds]),
          exponent: report.exponentEpsilon ?? Number.NaN,
        },
      ],
    });
  }
  return logLogFigure(charts);
}

function peerCell(row: BenchRow, peer: PeerName): string {
  const result = row.peers[peer];
  if (!result) return '—';
  if (result.status === 'skipped') return 'skipped';
  if (result.status !== 'solved') return result.status;
  const verdict = result.verdict === 'completable' ? 'Y' : 'N';
  return `${result.seconds.toFixed(2)} s (${verdict}, t*=${result.tStar!.toPrecision(3)})`;
}

/** The report as a Markdown table plus exponents. */
export function formatBenchTable(report: BenchReport): string {
  const lines = [
    '| family | n | m | ε | ours (s) | verdict | CSDP | SDPA | CSDP/ours | SDPA/ours | right | peak MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of report.rows) {
    const verdict =
      row.verdict === 'completable' ? 'Y' : row.verdict === 'not-completable' ? 'N' : '?';
    lines.push(
      `| ${row.pattern}-${row.kind}${row.family ? ` (${row.family})` : ''}${row.sweep ? ' (ε sweep)' : ''} | ${row.n} | ${row.m} | ${row.epsilon} | ${row.seconds.toFixed(3)} | ${verdict}${row.certified ? ' ✓' : ''} | ${peerCell(row, 'csdp')} | ${peerCell(row, 'sdpa')} | ${row.ratio.csdp?.toFixed(1) ?? '—'} | ${row.ratio.sdpa?.toFixed(1) ?? '—'} | ${row.correct ? 'yes' : 'NO'} | ${Math.round(row.peakMegabytes)} |`,
    );
  }
  lines.push('', 'Exponents (slope of log seconds against log n·m):');
  for (const [key, value] of Object.entries(report.exponentsNm))
    lines.push(`- ${key}: ${value.toFixed(2)}`);
  if (report.exponentEpsilon !== undefined) {
    lines.push(`- ours, random-yes, against log 1/ε: ${report.exponentEpsilon.toFixed(2)}`);
  }
  lines.push(`All answers right: ${report.allCorrect ? 'yes' : 'NO'}`);
  return lines.join('\n');
}
