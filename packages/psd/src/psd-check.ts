import { choleskyInPlace } from './dense.ts';
import { lanczosMinimum } from './lanczos.ts';
import { createRandom } from './random.ts';
import { denseCholesky, sparseCholesky, type CholeskyOutcome } from './sparse-cholesky.ts';

/** Unit roundoff of IEEE double precision. */
export const unitRoundoff = 2 ** -53;

/** γ_k = k·u / (1 − k·u), the standard bound on relative rounding error of a k-term computation. */
export function gamma(k: number): number {
  const ku = k * unitRoundoff;
  return ku / (1 - ku);
}

/** A symmetric matrix given by its diagonal and off-diagonal triples (0-based, each pair once). */
export interface SparseSymmetric {
  n: number;
  diagonal: Float64Array;
  rows: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

function denseCholeskyOutcome(
  matrix: SparseSymmetric,
  shift: number,
  deadline: number,
): CholeskyOutcome {
  const { n } = matrix;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = matrix.diagonal[i] + shift;
  for (let e = 0; e < matrix.values.length; e++) {
    const i = matrix.rows[e];
    const j = matrix.columns[e];
    a[i * n + j] += matrix.values[e];
    a[j * n + i] += matrix.values[e];
  }
  return denseCholesky(a, n, deadline);
}

/** Floating-point Cholesky of M + shift·I (dense for small n, sparse then dense otherwise), stopped at the deadline. */
export function choleskyOutcome(
  matrix: SparseSymmetric,
  shift: number,
  deadline = Infinity,
): CholeskyOutcome {
  return matrix.n <= 400
    ? denseCholeskyOutcome(matrix, shift, deadline)
    : sparseCholesky(matrix, shift, deadline);
}

/** β with λmin(M) ≥ −β proven (Infinity when none ≤ maxBeta was found), or the deadline came first. */
export interface EigenvalueBound {
  beta: number;
  timedOut: boolean;
}

/** Lanczos steps of the λmin estimate that picks the Cholesky shift on large matrices. */
const estimateSteps = 60;

function ritzMinimum(matrix: SparseSymmetric): number {
  const { n, diagonal, rows, columns, values } = matrix;
  return lanczosMinimum(
    (x, y) => {
      for (let i = 0; i < n; i++) y[i] = diagonal[i] * x[i];
      for (let e = 0; e < values.length; e++) {
        y[rows[e]] += values[e] * x[columns[e]];
        y[columns[e]] += values[e] * x[rows[e]];
      }
    },
    n,
    estimateSteps,
    createRandom(n),
  ).value;
}

/**
 * A rigorous lower bound −β on λmin(M). If floating-point Cholesky of M + τI succeeds, then
 * M + τI + ΔM = R̂ᵀR̂ ⪰ 0 with ‖ΔM‖₂ ≤ γ_{n+1}·tr(M + τI)/(1 − γ_{n+1}) (Higham, Accuracy and
 * Stability, Thm 10.3 with ‖|R̂ᵀ||R̂|‖₂ ≤ ‖R̂‖_F²), so λmin(M) ≥ −(τ + that); we double the rounding
 * term for safety. Small matrices try τ from the rounding scale up, ×4 each time. Above 400 rows each
 * attempt can cost O(n³) (expander-like supports fill in), so a Lanczos Ritz value θ ≥ λmin(M) picks
 * the shift: θ < −maxBeta rejects without factorising, otherwise τ starts just past −θ. The clock is
 * read inside the factorisation; past the deadline the answer is { beta: Infinity, timedOut: true }.
 */
export function rigorousEigenvalueLowerBound(
  matrix: SparseSymmetric,
  maxBeta: number,
  deadline = Infinity,
): EigenvalueBound {
  const n = matrix.n;
  let trace = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    trace += matrix.diagonal[i];
    scale = Math.max(scale, Math.abs(matrix.diagonal[i]));
  }
  for (let e = 0; e < matrix.values.length; e++)
    scale = Math.max(scale, Math.abs(matrix.values[e]));
  const none: EigenvalueBound = { beta: Infinity, timedOut: false };
  if (scale === 0) return { beta: 0, timedOut: false };
  const g = gamma(n + 1);
  const roundingTerm = (tau: number): number =>
    (2 * g * Math.abs(trace + n * tau) * (1 + 2 * gamma(n))) / (1 - g);
  // Start at the rounding scale and grow the shift until Cholesky succeeds or the bound is useless.
  let tau = Math.max(roundingTerm(0), scale * 1e-15);
  let growth = 4;
  if (n > 400) {
    const ritz = ritzMinimum(matrix);
    if (ritz < -maxBeta * (1 + 1e-6) - scale * 1e-12) return none;
    // Lanczos approaches λmin from above: leave a few per cent below the Ritz value, then grow slowly.
    if (ritz < 0) tau = Math.max(tau, -ritz * 1.03);
    growth = 1.5;
  }
  for (let attempt = 0; attempt < 40; attempt++) {
    let beta = tau + roundingTerm(tau);
    if (beta > maxBeta) {
      // One last try at the largest useful shift.
      const last = (tau * maxBeta) / beta / (1 + 1e-9);
      if (!(last > tau / growth)) return none;
      tau = last;
      beta = tau + roundingTerm(tau);
      if (beta > maxBeta) return none;
      const outcome = choleskyOutcome(matrix, tau, deadline);
      if (outcome === 'timeout') return { beta: Infinity, timedOut: true };
      return outcome === 'positive' ? { beta, timedOut: false } : none;
    }
    const outcome = choleskyOutcome(matrix, tau, deadline);
    if (outcome === 'timeout') return { beta: Infinity, timedOut: true };
    if (outcome === 'positive') return { beta, timedOut: false };
    tau *= growth;
  }
  return none;
}

/**
 * A rigorous positive lower bound on λmin of a dense symmetric matrix, or −Infinity when none is found:
 * Cholesky of M − τI succeeding proves λmin(M) ≥ τ − (the rounding term above, doubled), tried for
 * τ = tr M/(2n), then 8× smaller each time while τ still exceeds that term.
 */
export function rigorousPositiveDefinite(rows: number[][]): number {
  const n = rows.length;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += rows[i][i];
  if (n === 0) return 0;
  if (!(trace > 0)) return -Infinity;
  const g = gamma(n + 1);
  const roundingTerm = (tau: number): number =>
    (2 * g * Math.abs(trace - n * tau) * (1 + 2 * gamma(n))) / (1 - g);
  const a = new Float64Array(n * n);
  for (let tau = trace / (2 * n); tau > 2 * roundingTerm(tau); tau /= 8) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i * n + j] = rows[i][j];
      a[i * n + i] -= tau;
    }
    if (choleskyInPlace(a, n)) return tau - roundingTerm(tau);
  }
  return -Infinity;
}
