import { logLogSlope } from './bench.ts';
import { logLogFigure } from './log-log-plot.ts';
import { approximateSquare } from './square.ts';
import {
  generateSquareInstance,
  type SquareFamily,
  type SquareInstanceOptions,
} from './square-families.ts';

/** Options of the squaring benchmark; defaults are commented. */
export interface SquareBenchOptions {
  /** Rows n of A. Default [1000, 3000, 10000, 30000, 100000]. */
  sizes?: number[];
  /** Families. Default all four: dense, sparse, low-rank, power-law. */
  families?: SquareFamily[];
  /** Columns p of the dense, low-rank and power-law families (fixed, so time against n·m shows the scaling in n). Default 100. */
  columns?: number;
  /** Columns p of the sparse family. Default 1000. */
  sparseColumns?: number;
  /** Non-zero probability of the sparse family. Default 0.01. */
  fill?: number;
  /** Off-diagonal positions per row. Default 10. */
  positionsPerRow?: number;
  /** Budget per instance. Default 120. */
  maxSeconds?: number;
  /** Seed. Default 1. */
  seed?: number;
  /** Called after each row (progress). */
  onRow?: (row: SquareBenchRow) => void;
}

/** One squaring instance: the answer's rank, residual, method and time. */
export interface SquareBenchRow {
  family: SquareFamily;
  n: number;
  p: number;
  /** Entries matched: the positions plus the diagonal. */
  m: number;
  rank: number;
  method: string;
  relativeResidual: number;
  /** The answer is a fitted factor of rank ≤ min(p/4, 64) matching every entry within 1e-8 of the largest. */
  low: boolean;
  seconds: number;
  /** CPU seconds of the process over the call (user + system): the machine's load inflates `seconds`, not this. */
  cpuSeconds: number;
  /** Peak resident memory of the bench process so far (MB), after this row. */
  peakMegabytes: number;
}

/** Rows plus the fitted exponents. */
export interface SquareBenchReport {
  rows: SquareBenchRow[];
  /** Slope of log(seconds) against log(n·m), per family. */
  exponentsNm: Record<string, number>;
  /** Slope of log(CPU seconds) against log(n·m), per family. */
  cpuExponentsNm: Record<string, number>;
  /** Every row answered with a low-rank fit. */
  allLow: boolean;
}

/** Runs approximate squaring on the generated families across sizes and fits the time exponent in n·m. */
export function runSquareBench(options: SquareBenchOptions = {}): SquareBenchReport {
  const {
    sizes = [1000, 3000, 10000, 30000, 100000],
    families = ['dense', 'sparse', 'low-rank', 'power-law'],
    columns = 100,
    sparseColumns = 1000,
    fill = 0.01,
    positionsPerRow = 10,
    maxSeconds = 120,
    seed = 1,
    onRow,
  } = options;
  // An unknown family fails before anything runs, not after the families before it.
  for (const family of families) generateSquareInstance({ family, rows: 2, columns: 1 });
  const rows: SquareBenchRow[] = [];
  for (const n of sizes) {
    for (const family of families) {
      const instanceOptions: SquareInstanceOptions = {
        family,
        rows: n,
        columns: family === 'sparse' ? sparseColumns : columns,
        positionsPerRow,
        fill,
        seed,
      };
      const { a, positions } = generateSquareInstance(instanceOptions);
      const cpu = process.cpuUsage();
      const result = approximateSquare(a, positions, { maxSeconds, seed });
      const cpuUsed = process.cpuUsage(cpu);
      const row: SquareBenchRow = {
        family,
        n,
        p: a.columns,
        m: n + positions.length,
        rank: result.rank,
        method: result.method,
        relativeResidual: result.relativeResidual,
        low:
          result.method === 'burer-monteiro' &&
          result.rank <= Math.min(a.columns / 4, 64) &&
          result.relativeResidual <= 1e-8,
        seconds: result.seconds,
        cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6,
        peakMegabytes: process.resourceUsage().maxRSS / 1024,
      };
      rows.push(row);
      onRow?.(row);
    }
  }
  const exponentsNm: Record<string, number> = {};
  const cpuExponentsNm: Record<string, number> = {};
  for (const family of families) {
    const group = rows.filter((row) => row.family === family);
    exponentsNm[family] = logLogSlope(group.map((row) => [row.n * row.m, row.seconds]));
    cpuExponentsNm[family] = logLogSlope(group.map((row) => [row.n * row.m, row.cpuSeconds]));
  }
  return { rows, exponentsNm, cpuExponentsNm, allLow: rows.every((row) => row.low) };
}

/** The squaring report as a Markdown table plus exponents. */
export function formatSquareBenchTable(report: SquareBenchReport): string {
  const lines = [
    '| family | n | p | m | rank | method | max residual / largest | seconds | CPU seconds | peak MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of report.rows) {
    lines.push(
      `| ${row.family} | ${row.n} | ${row.p} | ${row.m} | ${row.rank} | ${row.method}${row.low ? ' ✓' : ''} | ${row.relativeResidual.toExponential(1)} | ${row.seconds.toFixed(3)} | ${row.cpuSeconds.toFixed(3)} | ${Math.round(row.peakMegabytes)} |`,
    );
  }
  lines.push('', 'Exponents (slope of log seconds against log n·m; the prize asks for about 1):');
  for (const [family, value] of Object.entries(report.exponentsNm)) {
    lines.push(
      `- ${family}: ${value.toFixed(2)} (CPU time: ${report.cpuExponentsNm[family].toFixed(2)})`,
    );
  }
  lines.push(`All answered low-rank within 1e-8: ${report.allLow ? 'yes' : 'NO'}`);
  return lines.join('\n');
}

/** The squaring report as an SVG figure: wall and CPU seconds against n·m, log–log, one series per family with its exponent. */
export function squareBenchPlot(report: SquareBenchReport): string {
  const families = Object.keys(report.exponentsNm);
  const chart = (
    measure: 'seconds' | 'cpuSeconds',
    exponents: Record<string, number>,
    label: string,
  ) => ({
    title: `psd bench --square: ${label} against n·m`,
    note: 'm counts the positions plus the diagonal; p is fixed per family',
    reference: { slope: 1, name: "slope 1: the prize's O(nm)" },
    xLabel: 'n·m',
    yLabel: label,
    series: families.map((family) => ({
      name: family,
      points: report.rows
        .filter((row) => row.family === family)
        .map((row): [number, number] => [row.n * row.m, row[measure]]),
      exponent: exponents[family],
    })),
  });
  return logLogFigure([
    chart('seconds', report.exponentsNm, 'wall seconds'),
    chart('cpuSeconds', report.cpuExponentsNm, 'CPU seconds'),
  ]);
}
