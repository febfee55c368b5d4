import {
  fitBurerMonteiro,
  type FitProblem,
  type FitResult,
  type FitStatus,
} from './burer-monteiro.ts';
import type { GramCertificate } from './certificate.ts';
import { gramTolerance } from './decide.ts';
import { PsdError } from './errors.ts';
import { parallelClasses, type ParallelClasses } from './parallel-rows.ts';
import type { PartialMatrix } from './partial-matrix.ts';
import { createRandom, type Random } from './random.ts';
import { verifyCertificate, type Verification } from './verify.ts';

/** A real n×p matrix by rows: for row i, column indices and values in start[i]..start[i+1]. */
export interface SparseRows {
  rows: number;
  columns: number;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

/** Parses a Matrix Market `coordinate real general` or `array real general` matrix into SparseRows. */
export function parseGeneralMatrix(text: string, source = 'input'): SparseRows {
  const lines = text.split(/\r?\n/);
  const words = (lines[0] ?? '').trim().toLowerCase().split(/\s+/);
  if (
    words[0] !== '%%matrixmarket' ||
    words[1] !== 'matrix' ||
    (words[3] !== 'real' && words[3] !== 'integer')
  ) {
    throw new PsdError('parse.header', `${source}:1: malformed header "${lines[0] ?? ''}"`, {
      hint: 'expected "%%MatrixMarket matrix coordinate real general" or "... array real general"',
    });
  }
  let k = 1;
  while (k < lines.length && (lines[k].startsWith('%') || lines[k].trim() === '')) k++;
  const size = (lines[k] ?? '').trim().split(/\s+/).map(Number);
  const [rows, columns] = size;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) {
    throw new PsdError('parse.size-line', `${source}:${k + 1}: malformed size line`);
  }
  // Flat arrays and a counting sort by row: the input can hold millions of entries.
  const rowOf: number[] = [];
  const columnOf: number[] = [];
  const values: number[] = [];
  const array = words[2] === 'array';
  let position = 0;
  for (k++; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '' || line.startsWith('%')) continue;
    const parts = line.split(/\s+/);
    if (array) {
      const value = Number(parts[0]);
      if (!Number.isFinite(value)) {
        throw new PsdError('parse.not-finite', `${source}:${k + 1}: "${parts[0]}" is not finite`);
      }
      // Column-major order.
      rowOf.push(position % rows);
      columnOf.push(Math.floor(position / rows));
      values.push(value);
      position++;
    } else {
      const i = Number(parts[0]);
      const j = Number(parts[1]);
      const value = Number(parts[2]);
      if (
        !Number.isInteger(i) ||
        !Number.isInteger(j) ||
        i < 1 ||
        j < 1 ||
        i > rows ||
        j > columns
      ) {
        throw new PsdError(
          'parse.index-range',
          `${source}:${k + 1}: index (${parts[0]}, ${parts[1]}) out of range`,
        );
      }
      if (!Number.isFinite(value)) {
        throw new PsdError('parse.not-finite', `${source}:${k + 1}: "${parts[2]}" is not finite`);
      }
      rowOf.push(i - 1);
      columnOf.push(j - 1);
      values.push(value);
    }
  }
  const start = new Int32Array(rows + 1);
  for (const i of rowOf) start[i + 1]++;
  for (let i = 0; i < rows; i++) start[i + 1] += start[i];
  const next = start.slice(0, rows);
  const index = new Int32Array(values.length);
  const value = new Float64Array(values.length);
  for (let e = 0; e < values.length; e++) {
    const slot = next[rowOf[e]]++;
    index[slot] = columnOf[e];
    value[slot] = values[e];
  }
  // Columns ascending within each row (insertion sort: rows are short and usually already sorted).
  for (let i = 0; i < rows; i++) {
    for (let p = start[i] + 1; p < start[i + 1]; p++) {
      const c = index[p];
      const x = value[p];
      let q = p - 1;
      while (q >= start[i] && index[q] > c) {
        index[q + 1] = index[q];
        value[q + 1] = value[q];
        q--;
      }
      index[q + 1] = c;
      value[q + 1] = x;
    }
  }
  return { rows, columns, start, index, value };
}

/** Parses positions: JSON [[i, j], ...] or Matrix Market coordinate (pattern or valued; values ignored), 1-based. */
export function parsePositions(text: string, n: number, source = 'positions'): [number, number][] {
  const pairs: [number, number][] = [];
  const add = (i: number, j: number, where: string): void => {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 1 || j < 1 || i > n || j > n) {
      throw new PsdError('parse.index-range', `${where}: position (${i}, ${j}) is outside 1..${n}`);
    }
    pairs.push([i, j]);
  };
  if (text.trimStart().startsWith('[')) {
    const data: unknown = JSON.parse(text);
    if (!Array.isArray(data)) throw new PsdError('parse.json', `${source}: expected [[i, j], ...]`);
    data.forEach((pair, k) => {
      if (!Array.isArray(pair) || pair.length < 2)
        throw new PsdError('parse.json', `${source}[${k}]: expected [i, j]`);
      add(Number(pair[0]), Number(pair[1]), `${source}[${k}]`);
    });
    return pairs;
  }
  const lines = text.split(/\r?\n/);
  if (!lines[0]?.toLowerCase().startsWith('%%matrixmarket')) {
    throw new PsdError(
      'parse.header',
      `${source}:1: expected a Matrix Market header or a JSON array`,
    );
  }
  let k = 1;
  while (k < lines.length && (lines[k].startsWith('%') || lines[k].trim() === '')) k++;
  for (k++; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '' || line.startsWith('%')) continue;
    const parts = line.split(/\s+/);
    add(Number(parts[0]), Number(parts[1]), `${source}:${k + 1}`);
  }
  return pairs;
}

/** The entries of A Aᵀ at the positions (plus the diagonal), computed row by row without forming A Aᵀ. */
export function squaredEntries(a: SparseRows, positions: [number, number][]): PartialMatrix {
  const n = a.rows;
  const dense = new Float64Array(a.columns);
  const rowDot = (i: number, j: number): number => {
    for (let p = a.start[i]; p < a.start[i + 1]; p++) dense[a.index[p]] = a.value[p];
    let s = 0;
    for (let p = a.start[j]; p < a.start[j + 1]; p++) s += dense[a.index[p]] * a.value[p];
    for (let p = a.start[i]; p < a.start[i + 1]; p++) dense[a.index[p]] = 0;
    return s;
  };
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = a.start[i]; p < a.start[i + 1]; p++) s += a.value[p] * a.value[p];
    diagonal[i] = s;
  }
  const keys = new Set<number>();
  for (const [i1, j1] of positions) {
    if (i1 === j1) continue;
    const i = Math.max(i1, j1) - 1;
    const j = Math.min(i1, j1) - 1;
    keys.add(i * n + j);
  }
  const sorted = [...keys].sort((x, y) => x - y);
  const rows = Int32Array.from(sorted, (k) => Math.floor(k / n));
  const columns = Int32Array.from(sorted, (k) => k % n);
  const values = Float64Array.from(sorted, (_, e) => rowDot(rows[e], columns[e]));
  return { n, diagonal, rows, columns, values };
}

/** One stage of the rank schedule: the rank fitted at, how it ended, its iterations and time. */
export interface SquareStage {
  rank: number;
  status: FitStatus;
  iterations: number;
  seconds: number;
}

/** The squaring answer: a Gram factor V (n×k, k usually ≪ p) with V Vᵀ = A Aᵀ at the positions. */
export interface SquareResult {
  certificate: GramCertificate;
  verification: Verification;
  /** burer-monteiro: a fitted low-rank factor; copy-of-A: V = A (exact, rank p), when p is no larger than the fit would start at or the fit failed. */
  method: 'burer-monteiro' | 'copy-of-A';
  rank: number;
  /** A rigorous bound on max |v_i·v_j − (A Aᵀ)_ij| over the positions and the diagonal. */
  residual: number;
  /** `residual` divided by the largest |(A Aᵀ)_ij| there (the largest diagonal entry). */
  relativeResidual: number;
  /** The rank schedule as it ran. */
  stages: SquareStage[];
  seconds: number;
}

/** Options of `approximateSquare`; defaults are commented. */
export interface SquareOptions {
  /** Max |v_i·v_j − c_ij| on the unit-diagonal scaled targets c_ij = (A Aᵀ)_ij / √(a_ii a_jj). Default 1e-8. */
  tolerance?: number;
  /** Time budget; past it A itself is returned. Default 60. */
  maxSeconds?: number;
  /** Largest rank of the fitted factor (also at most p). Default 64. */
  maxRank?: number;
  /** Burer–Monteiro iterations per stage of the rank schedule. Default 2000. */
  stageIterations?: number;
  /** Seed of the initial factor. Default 1. */
  seed?: number;
}

/**
 * The smallest k with n·k − k(k−1)/2 ≥ constraints: below it a rank-k factor has fewer degrees of freedom
 * than there are entries to match, so a generic instance has no fit.
 */
export function countingRank(n: number, constraints: number): number {
  let k = 1;
  while (n * k - (k * (k - 1)) / 2 < constraints && k < n) k++;
  return k;
}

/** A row-major factor with `extra` columns appended: small random entries on rows whose target is not zero. */
function widen(
  factor: Float64Array,
  n: number,
  rank: number,
  extra: number,
  diagonalTarget: Float64Array,
  random: Random,
): Float64Array {
  const wider = rank + extra;
  const out = new Float64Array(n * wider);
  for (let i = 0; i < n; i++) {
    out.set(factor.subarray(i * rank, (i + 1) * rank), i * wider);
    // Zero columns would be a saddle (their gradient 4 R V is zero); small ones let the fit use them.
    if (diagonalTarget[i] > 0)
      for (let c = rank; c < wider; c++) out[i * wider + c] = 1e-3 * random.normal();
  }
  return out;
}

/**
 * The unit-diagonal fit on one row per class of parallel rows: a position between classes carries its scaled
 * target signed to the representatives (one per pair of classes: the others agree with it, A being a
 * completion), a position inside a class is implied, and other rows of a class have a zero diagonal target.
 */
function mergedProblem(
  target: PartialMatrix,
  scaledValues: Float64Array,
  classes: ParallelClasses,
): FitProblem {
  const { n } = target;
  const { representative, sign } = classes;
  const diagonalTarget = Float64Array.from(target.diagonal, (d, i) =>
    d > 0 && representative[i] === i ? 1 : 0,
  );
  if (classes.merged === 0) {
    return { n, diagonalTarget, rows: target.rows, columns: target.columns, targets: scaledValues };
  }
  const seen = new Set<number>();
  const rows: number[] = [];
  const columns: number[] = [];
  const targets: number[] = [];
  for (let e = 0; e < scaledValues.length; e++) {
    const i = representative[target.rows[e]];
    const j = representative[target.columns[e]];
    if (i === j) continue;
    const key = Math.max(i, j) * n + Math.min(i, j);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(i);
    columns.push(j);
    targets.push(scaledValues[e] * sign[target.rows[e]] * sign[target.columns[e]]);
  }
  return {
    n,
    diagonalTarget,
    rows: Int32Array.from(rows),
    columns: Int32Array.from(columns),
    targets: Float64Array.from(targets),
  };
}

/**
 * Problem 2 (approximate squaring): the m entries of A Aᵀ are computed in O(Σ row overlaps), scaled to unit
 * diagonal, rows of A that a position shows to be parallel share one vector (see `parallelClasses`), and
 * Burer–Monteiro fits a Gram factor to them on a rank schedule: it starts at twice the counting
 * rank (a generic fit needs at least that many degrees of freedom; uniformly drawn positions make the scaled
 * targets nearly orthogonal, so a fit at the counting rank itself is slow) and doubles, keeping the factor,
 * whenever a stage stalls, up to min(maxRank, p). A Aᵀ itself is a completion, so a fit exists at rank p;
 * when the schedule misses the budget or the tolerance, A itself is returned (exact, rank p).
 */
export function approximateSquare(
  a: SparseRows,
  positions: [number, number][],
  options: SquareOptions = {},
): SquareResult {
  const started = performance.now();
  const {
    tolerance = 1e-8,
    maxSeconds = 60,
    maxRank = 64,
    stageIterations = 2000,
    seed = 1,
  } = options;
  const deadline = started + maxSeconds * 1000;
  const target = squaredEntries(a, positions);
  const n = target.n;
  const root = Float64Array.from(target.diagonal, (d) => Math.sqrt(d));
  const scaledValues = Float64Array.from(target.values, (v, e) => {
    const s = root[target.rows[e]] * root[target.columns[e]];
    return s > 0 ? v / s : 0;
  });
  const classes = parallelClasses(a, target);
  const problem = mergedProblem(target, scaledValues, classes);
  const cap = Math.min(maxRank, a.columns);
  const random = createRandom(seed);
  const stages: SquareStage[] = [];
  const representatives = n - classes.merged;
  let rank = Math.min(
    cap,
    2 * countingRank(representatives, representatives + problem.targets.length),
  );
  let fit: FitResult | undefined;
  // When p is no larger than the first rank, A itself is as low-rank as the fit and exact.
  if (rank < a.columns) {
    let initial: { factor: Float64Array; rank: number } | undefined;
    while (performance.now() < deadline) {
      const stageStarted = performance.now();
      fit = fitBurerMonteiro(problem, {
        rank,
        maxRank: rank,
        maxIterations: rank === cap ? Number.MAX_SAFE_INTEGER : stageIterations,
        deadline,
        shift: 0,
        fitTolerance: tolerance * 0.1,
        psdTolerance: 1e-12,
        seed: seed + stages.length,
        ...(initial ? { initial } : {}),
      });
      stages.push({
        rank,
        status: fit.status,
        iterations: fit.iterations,
        seconds: (performance.now() - stageStarted) / 1000,
      });
      if (fit.status === 'fits' || rank === cap) break;
      const wider = Math.min(cap, 2 * rank);
      initial = {
        factor: widen(fit.factor, n, rank, wider - rank, problem.diagonalTarget, random),
        rank: wider,
      };
      rank = wider;
    }
  }
  let factor: number[][];
  let method: SquareResult['method'] = 'burer-monteiro';
  if (fit?.status === 'fits') {
    const k = fit.rank;
    const fitted = fit.factor;
    const { representative, sign } = classes;
    factor = Array.from({ length: n }, (_, i) => {
      const offset = representative[i] * k;
      const scale = sign[i] * root[i];
      return Array.from(fitted.subarray(offset, offset + k), (x) => x * scale);
    });
  } else {
    method = 'copy-of-A';
    factor = Array.from({ length: n }, (_, i) => {
      const row = new Array<number>(a.columns).fill(0);
      for (let p = a.start[i]; p < a.start[i + 1]; p++) row[a.index[p]] = a.value[p];
      return row;
    });
  }
  const certificate: GramCertificate = {
    kind: 'gram',
    factor,
    tolerance: gramTolerance(target, factor),
  };
  const verification = verifyCertificate(target, certificate);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(target.diagonal[i]));
  const residual = verification.maxResidual ?? Number.NaN;
  return {
    certificate,
    verification,
    method,
    rank: factor[0]?.length ?? 0,
    residual,
    relativeResidual: largest > 0 ? residual / largest : residual,
    stages,
    seconds: (performance.now() - started) / 1000,
  };
}
