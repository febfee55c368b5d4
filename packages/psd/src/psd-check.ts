import { choleskyInPlace } from './dense.ts';

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

function denseCholeskySucceeds(matrix: SparseSymmetric, shift: number): boolean {
  const { n } = matrix;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = matrix.diagonal[i] + shift;
  for (let e = 0; e < matrix.values.length; e++) {
    const i = matrix.rows[e];
    const j = matrix.columns[e];
    a[i * n + j] += matrix.values[e];
    a[j * n + i] += matrix.values[e];
  }
  return choleskyInPlace(a, n);
}

/** Right-looking sparse Cholesky with a greedy minimum-degree order; true when every pivot is positive. */
function sparseCholeskySucceeds(matrix: SparseSymmetric, shift: number): boolean {
  const { n } = matrix;
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = matrix.diagonal[i] + shift;
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let e = 0; e < matrix.values.length; e++) {
    const i = matrix.rows[e];
    const j = matrix.columns[e];
    rows[i].set(j, (rows[i].get(j) ?? 0) + matrix.values[e]);
    rows[j].set(i, (rows[j].get(i) ?? 0) + matrix.values[e]);
  }
  const eliminated = new Uint8Array(n);
  // Lazy binary heap of (degree, vertex).
  const heap: number[] = [];
  const push = (degree: number, v: number): void => {
    heap.push(degree * (n + 1) + v);
    let k = heap.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (heap[parent] <= heap[k]) break;
      [heap[parent], heap[k]] = [heap[k], heap[parent]];
      k = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < heap.length && heap[l] < heap[m]) m = l;
        if (r < heap.length && heap[r] < heap[m]) m = r;
        if (m === k) break;
        [heap[m], heap[k]] = [heap[k], heap[m]];
        k = m;
      }
    }
    return top;
  };
  for (let v = 0; v < n; v++) push(rows[v].size, v);
  let done = 0;
  while (done < n) {
    const code = pop();
    const v = code % (n + 1);
    const degree = (code - v) / (n + 1);
    if (eliminated[v] || degree !== rows[v].size) continue;
    const pivot = diagonal[v];
    if (!(pivot > 0)) return false;
    const neighbours = [...rows[v].entries()];
    for (const [w] of neighbours) rows[w].delete(v);
    for (let p = 0; p < neighbours.length; p++) {
      const [a, xa] = neighbours[p];
      const scaled = xa / pivot;
      diagonal[a] -= scaled * xa;
      for (let q = p + 1; q < neighbours.length; q++) {
        const [b, xb] = neighbours[q];
        const update = scaled * xb;
        rows[a].set(b, (rows[a].get(b) ?? 0) - update);
        rows[b].set(a, (rows[b].get(a) ?? 0) - update);
      }
    }
    for (const [w] of neighbours) push(rows[w].size, w);
    rows[v].clear();
    eliminated[v] = 1;
    done++;
  }
  return true;
}

/** True when floating-point Cholesky of M + shift·I runs to completion (dense for small n, sparse otherwise). */
export function choleskySucceeds(matrix: SparseSymmetric, shift: number): boolean {
  return matrix.n <= 400
    ? denseCholeskySucceeds(matrix, shift)
    : sparseCholeskySucceeds(matrix, shift);
}

/**
 * A rigorous lower bound −β on λmin(M), or Infinity when no β ≤ maxBeta is found. If floating-point
 * Cholesky of M + τI succeeds, then M + τI + ΔM = R̂ᵀR̂ ⪰ 0 with ‖ΔM‖₂ ≤ γ_{n+1}·tr(M + τI)/(1 − γ_{n+1})
 * (Higham, Accuracy and Stability, Thm 10.3 with ‖|R̂ᵀ||R̂|‖₂ ≤ ‖R̂‖_F²), so λmin(M) ≥ −(τ + that).
 * We double the rounding term for safety.
 */
export function rigorousEigenvalueLowerBound(matrix: SparseSymmetric, maxBeta: number): number {
  const n = matrix.n;
  let trace = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    trace += matrix.diagonal[i];
    scale = Math.max(scale, Math.abs(matrix.diagonal[i]));
  }
  for (let e = 0; e < matrix.values.length; e++)
    scale = Math.max(scale, Math.abs(matrix.values[e]));
  if (scale === 0) return 0;
  const g = gamma(n + 1);
  const roundingTerm = (tau: number): number =>
    (2 * g * Math.abs(trace + n * tau) * (1 + 2 * gamma(n))) / (1 - g);
  // Start at the rounding scale and grow the shift until Cholesky succeeds or the bound is useless.
  let tau = Math.max(roundingTerm(0), scale * 1e-15);
  for (let attempt = 0; attempt < 40; attempt++) {
    const beta = tau + roundingTerm(tau);
    if (beta > maxBeta) return Infinity;
    if (choleskySucceeds(matrix, tau)) return beta;
    tau *= 4;
  }
  return Infinity;
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
