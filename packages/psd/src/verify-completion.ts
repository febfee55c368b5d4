import type { DenseCompletion, LowRankSparseCompletion } from './certificate.ts';
import type { PartialMatrix } from './partial-matrix.ts';
import { gamma, rigorousPositiveDefinite } from './psd-check.ts';
import type { Verification } from './verify.ts';

/** An explicit completion must match every specified entry to this fraction of the largest |a_ij|. */
export const completionMatchTolerance = 1e-9;

function largestEntry(matrix: PartialMatrix): number {
  let max = 0;
  for (let i = 0; i < matrix.n; i++) max = Math.max(max, Math.abs(matrix.diagonal[i]));
  for (let e = 0; e < matrix.values.length; e++) max = Math.max(max, Math.abs(matrix.values[e]));
  return max;
}

function finiteRows(rows: unknown, n: number, k: number | undefined, name: string): string | null {
  if (!Array.isArray(rows) || rows.length !== n) return `${name} must have ${n} rows`;
  const width = k ?? (Array.isArray(rows[0]) ? rows[0].length : 0);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== width)
      return `${name} row ${i + 1} must have ${width} numbers`;
    for (const x of row) {
      if (typeof x !== 'number' || !Number.isFinite(x))
        return `${name} row ${i + 1} has a non-finite value`;
    }
  }
  return null;
}

/**
 * Checks X = W Wᵀ + diag(σ²) − E: every specified entry within 1e-9 of the largest |a_ij| (rounding of the
 * evaluation included), and X ⪰ 0 because max_i Σ_j |E_ij|/(σ_i σ_j) < 1 (Gershgorin on diag(σ²) − E).
 */
export function verifyLowRankSparse(
  matrix: PartialMatrix,
  completion: LowRankSparseCompletion,
): Verification {
  const { n, diagonal, rows, columns, values } = matrix;
  const fail = (reason: string): Verification => ({
    valid: false,
    kind: 'low-rank-sparse',
    reason,
  });
  const shape = finiteRows(completion.factor, n, undefined, 'factor');
  if (shape) return fail(shape);
  const r = completion.factor[0]?.length ?? 0;
  const sigma = completion.sigma;
  if (!Array.isArray(sigma) || sigma.length !== n || !sigma.every((s) => Number.isFinite(s)))
    return fail(`sigma must hold ${n} finite numbers`);
  if (!Array.isArray(completion.sparse)) return fail('sparse must be a list of [i, j, e]');
  const sparse = new Map<number, number>();
  for (const entry of completion.sparse) {
    const [i, j, e] = (Array.isArray(entry) ? entry : [NaN, NaN, NaN]) as number[];
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < j || j < 1 || i > n)
      return fail(`sparse entry ${JSON.stringify(entry)} must be [i, j, e] with 1 ≤ j ≤ i ≤ ${n}`);
    if (typeof e !== 'number' || !Number.isFinite(e))
      return fail(`sparse entry (${i}, ${j}) is not finite`);
    const key = (i - 1) * n + (j - 1);
    if (sparse.has(key)) return fail(`sparse entry (${i}, ${j}) appears twice`);
    sparse.set(key, e);
  }
  const g = gamma(r + 3);
  const w = completion.factor;
  const mismatch = (i: number, j: number, a: number): number => {
    let dot = 0;
    let absolute = 0;
    for (let c = 0; c < r; c++) {
      const product = w[i][c] * w[j][c];
      dot += product;
      absolute += Math.abs(product);
    }
    const shift = i === j ? sigma[i] * sigma[i] : 0;
    const e = sparse.get(i * n + j) ?? 0;
    const x = dot + shift - e;
    return Math.abs(x - a) + 2 * g * (absolute + shift + Math.abs(e) + Math.abs(a));
  };
  let maxResidual = 0;
  for (let i = 0; i < n; i++) maxResidual = Math.max(maxResidual, mismatch(i, i, diagonal[i]));
  for (let e = 0; e < values.length; e++)
    maxResidual = Math.max(maxResidual, mismatch(rows[e], columns[e], values[e]));
  const allowed = completionMatchTolerance * largestEntry(matrix);
  if (!(maxResidual <= allowed)) {
    return {
      ...fail(`max mismatch ${maxResidual} exceeds 1e-9 × the largest entry (${allowed})`),
      maxResidual,
    };
  }
  // Gershgorin on D⁻¹ E D⁻¹ with D = diag σ; a row without σ must carry no E.
  const rowSum = new Float64Array(n);
  for (const [key, e] of sparse) {
    if (e === 0) continue;
    const i = Math.floor(key / n);
    const j = key % n;
    if (sigma[i] === 0 || sigma[j] === 0)
      return fail(`E has entry (${i + 1}, ${j + 1}) in a row with σ = 0`);
    const scaled = Math.abs(e) / (Math.abs(sigma[i]) * Math.abs(sigma[j]));
    rowSum[i] += scaled;
    if (i !== j) rowSum[j] += scaled;
  }
  let maxRow = 0;
  let minSigmaSquared = Infinity;
  for (let i = 0; i < n; i++) {
    maxRow = Math.max(maxRow, rowSum[i] * (1 + 4 * gamma(n)));
    if (sigma[i] !== 0) minSigmaSquared = Math.min(minSigmaSquared, sigma[i] * sigma[i]);
  }
  if (!(maxRow < 1))
    return {
      ...fail(`diag(σ²) − E is not proven PSD (scaled row sum ${maxRow} ≥ 1)`),
      maxResidual,
    };
  return {
    valid: true,
    kind: 'low-rank-sparse',
    rigorous: true,
    maxResidual,
    completionEigenvalueLowerBound:
      minSigmaSquared === Infinity ? 0 : minSigmaSquared * (1 - maxRow),
    reason: `W Wᵀ + diag(σ²) − E matches every specified entry within ${maxResidual.toPrecision(3)} and is PSD (scaled Gershgorin row sum ${maxRow.toPrecision(3)} < 1)`,
  };
}

/** Checks a dense completion: symmetric, within 1e-9 of the largest |a_ij| on the pattern, and PSD (Cholesky). */
export function verifyDense(matrix: PartialMatrix, completion: DenseCompletion): Verification {
  const { n, diagonal, rows, columns, values } = matrix;
  const fail = (reason: string): Verification => ({ valid: false, kind: 'dense', reason });
  const shape = finiteRows(completion.matrix, n, n, 'matrix');
  if (shape) return fail(shape);
  const x = completion.matrix;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (x[i][j] !== x[j][i]) return fail(`matrix is not symmetric at (${i + 1}, ${j + 1})`);
    }
  }
  let maxResidual = 0;
  for (let i = 0; i < n; i++) maxResidual = Math.max(maxResidual, Math.abs(x[i][i] - diagonal[i]));
  for (let e = 0; e < values.length; e++)
    maxResidual = Math.max(maxResidual, Math.abs(x[rows[e]][columns[e]] - values[e]));
  const allowed = completionMatchTolerance * largestEntry(matrix);
  if (!(maxResidual <= allowed)) {
    return {
      ...fail(`max mismatch ${maxResidual} exceeds 1e-9 × the largest entry (${allowed})`),
      maxResidual,
    };
  }
  const lower = rigorousPositiveDefinite(x);
  if (!(lower >= 0)) return { ...fail('Cholesky does not prove the matrix PSD'), maxResidual };
  return {
    valid: true,
    kind: 'dense',
    rigorous: true,
    maxResidual,
    completionEigenvalueLowerBound: lower,
    reason: `the matrix matches every specified entry within ${maxResidual.toPrecision(3)} and λmin ≥ ${lower.toPrecision(3)} (Cholesky with rounding bound)`,
  };
}
