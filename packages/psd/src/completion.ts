import { fitBurerMonteiro } from './burer-monteiro.ts';
import type { DenseCompletion, GramCertificate, LowRankSparseCompletion } from './certificate.ts';
import { gramTolerance } from './decide.ts';
import type { PartialMatrix } from './partial-matrix.ts';

/** How `psd complete` writes a completion. */
export type CompletionFormat = 'factor' | 'low-rank-sparse' | 'dense';

/** The completion formats, for the CLI's validation. */
export const completionFormats: readonly CompletionFormat[] = [
  'factor',
  'low-rank-sparse',
  'dense',
];

/** A Gram certificate split into its low-rank part W (n×width, row-major), σ and the shift block's colours. */
interface ShiftSplit {
  width: number;
  low: Float64Array;
  sigma: Float64Array;
  color: Int32Array;
}

function splitShiftBlock(certificate: GramCertificate): ShiftSplit {
  const n = certificate.factor.length;
  const k = certificate.factor[0]?.length ?? 0;
  const shiftColumns = certificate.shiftColumns ?? 0;
  const width = k - shiftColumns;
  const low = new Float64Array(n * width);
  const sigma = new Float64Array(n);
  const color = new Int32Array(n).fill(-1);
  certificate.factor.forEach((row, i) => {
    for (let c = 0; c < width; c++) low[i * width + c] = row[c];
    for (let c = width; c < k; c++) {
      if (row[c] !== 0) {
        sigma[i] = Math.abs(row[c]);
        color[i] = c - width;
      }
    }
  });
  return { width, low, sigma, color };
}

function lowDot(split: ShiftSplit, i: number, j: number): number {
  const { width, low } = split;
  let dot = 0;
  for (let c = 0; c < width; c++) dot += low[i * width + c] * low[j * width + c];
  return dot;
}

/** Largest scaled Gershgorin row sum Σ_j |E_ij|/(σ_i σ_j) of the residual E = P_Ω(W Wᵀ + diag σ²) − A. */
function shiftRowSum(matrix: PartialMatrix, split: ShiftSplit): number {
  const { n, diagonal, rows, columns, values } = matrix;
  const { sigma } = split;
  const sum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (sigma[i] > 0) {
      sum[i] = Math.abs(lowDot(split, i, i) + sigma[i] * sigma[i] - diagonal[i]) / sigma[i] ** 2;
    }
  }
  for (let e = 0; e < values.length; e++) {
    const i = rows[e];
    const j = columns[e];
    if (sigma[i] === 0 || sigma[j] === 0) continue;
    const scaled = Math.abs(lowDot(split, i, j) - values[e]) / (sigma[i] * sigma[j]);
    sum[i] += scaled;
    sum[j] += scaled;
  }
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, sum[i]);
  return max;
}

/** Options of `refineGramCertificate`; defaults are commented. */
export interface RefineOptions {
  /** Target max |v_i·v_j − a_ij| / √(a_ii a_jj) on the specified entries. Default 1e-11. */
  tolerance?: number;
  /** Wall-clock budget in seconds. Default 60. */
  maxSeconds?: number;
}

/**
 * Refines a rigorous Gram certificate (with a shift block) until V Vᵀ matches every specified entry to
 * `tolerance` relative to √(a_ii a_jj). The certificate proves A − c·diag(σ²) has a PSD completion for
 * c = 1 − (its Gershgorin row sum), so the shift block is kept at σ·√(c/2) — a strictly feasible target — and
 * W alone is refitted there by Burer–Monteiro from its current value. The result stays rigorous (the
 * residual is far below the shift). Undefined when the budget runs out first.
 */
export function refineGramCertificate(
  matrix: PartialMatrix,
  certificate: GramCertificate,
  options: RefineOptions = {},
): GramCertificate | undefined {
  const { tolerance = 1e-11, maxSeconds = 60 } = options;
  const split = splitShiftBlock(certificate);
  const { n, diagonal, rows, columns, values } = matrix;
  const margin = 1 - shiftRowSum(matrix, split);
  if (!(margin > 0) || split.width === 0) return undefined;
  const keep = Math.sqrt(margin / 2);
  // Unit-diagonal scaling of the rows with a positive diagonal (zero rows stay zero).
  const root = Float64Array.from(diagonal, (d) => Math.sqrt(Math.max(d, 0)));
  const active: number[] = [];
  const local = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (root[i] > 0) local[i] = active.push(i) - 1;
  const edgeIds: number[] = [];
  for (let e = 0; e < values.length; e++)
    if (local[rows[e]] >= 0 && local[columns[e]] >= 0) edgeIds.push(e);
  const width = split.width;
  const initial = new Float64Array(active.length * width);
  const diagonalTarget = new Float64Array(active.length);
  active.forEach((i, p) => {
    for (let c = 0; c < width; c++) initial[p * width + c] = split.low[i * width + c] / root[i];
    diagonalTarget[p] = 1 - ((keep * split.sigma[i]) / root[i]) ** 2;
  });
  const fit = fitBurerMonteiro(
    {
      n: active.length,
      diagonalTarget,
      rows: Int32Array.from(edgeIds, (e) => local[rows[e]]),
      columns: Int32Array.from(edgeIds, (e) => local[columns[e]]),
      targets: Float64Array.from(edgeIds, (e) => values[e] / (root[rows[e]] * root[columns[e]])),
    },
    {
      rank: width,
      maxRank: Math.max(width, 96),
      maxIterations: 100000,
      deadline: performance.now() + maxSeconds * 1000,
      shift: 0,
      fitTolerance: tolerance,
      stationarity: 1e-12,
      psdTolerance: 1e-12,
      initial: { factor: initial, rank: width },
    },
  );
  if (fit.status !== 'fits') return undefined;
  const rank = fit.rank;
  const colors = certificate.shiftColumns ?? 0;
  const factor = Array.from({ length: n }, () => new Array<number>(rank + colors).fill(0));
  active.forEach((i, p) => {
    for (let c = 0; c < rank; c++) factor[i][c] = root[i] * fit.factor[p * rank + c];
    if (split.color[i] >= 0) factor[i][rank + split.color[i]] = keep * split.sigma[i];
  });
  return {
    kind: 'gram',
    factor,
    tolerance: gramTolerance(matrix, factor),
    shiftColumns: colors,
  };
}

/** The exact completion W Wᵀ + diag(σ²) − E of a rigorous Gram certificate, with E written out. */
export function lowRankSparseForm(
  matrix: PartialMatrix,
  certificate: GramCertificate,
): LowRankSparseCompletion {
  const split = splitShiftBlock(certificate);
  const { n, diagonal, rows, columns, values } = matrix;
  const sparse: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const e = lowDot(split, i, i) + split.sigma[i] * split.sigma[i] - diagonal[i];
    if (e !== 0) sparse.push([i + 1, i + 1, e]);
  }
  for (let p = 0; p < values.length; p++) {
    const e = lowDot(split, rows[p], columns[p]) - values[p];
    if (e !== 0) sparse.push([rows[p] + 1, columns[p] + 1, e]);
  }
  sparse.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const factor = Array.from({ length: n }, (_, i) =>
    Array.from(split.low.subarray(i * split.width, (i + 1) * split.width)),
  );
  return { kind: 'low-rank-sparse', factor, sigma: Array.from(split.sigma), sparse };
}

/**
 * The completion W Wᵀ + diag(σ²) − E as an n×n matrix: the specified entries are A's own values (which that
 * formula equals exactly), the others W_i·W_j.
 */
export function denseForm(matrix: PartialMatrix, certificate: GramCertificate): DenseCompletion {
  const split = splitShiftBlock(certificate);
  const { n, diagonal, rows, columns, values } = matrix;
  const dense = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    dense[i][i] = diagonal[i];
    for (let j = 0; j < i; j++) dense[i][j] = dense[j][i] = lowDot(split, i, j);
  }
  for (let e = 0; e < values.length; e++) {
    dense[rows[e]][columns[e]] = dense[columns[e]][rows[e]] = values[e];
  }
  return { kind: 'dense', matrix: dense };
}
