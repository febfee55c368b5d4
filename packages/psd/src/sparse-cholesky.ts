import type { SparseSymmetric } from './psd-check.ts';

/** How a Cholesky attempt ended: every pivot positive, a pivot ≤ 0, or the deadline came first. */
export type CholeskyOutcome = 'positive' | 'not-positive' | 'timeout';

/** Columns per panel of the blocked dense factorisation (a panel row is 512 bytes: cache-resident). */
const panelWidth = 64;

/**
 * In-place blocked Cholesky of a row-major symmetric matrix (the lower triangle is read and overwritten
 * by the factor). The clock is read between panels, so a call returns 'timeout' within one panel's work
 * (O(n·64²)) of the deadline; the first panel always runs, so matrices up to 64 never time out.
 */
export function denseCholesky(a: Float64Array, n: number, deadline = Infinity): CholeskyOutcome {
  const panel = new Float64Array(n * panelWidth);
  for (let k0 = 0; k0 < n; k0 += panelWidth) {
    if (k0 > 0 && performance.now() > deadline) return 'timeout';
    const k1 = Math.min(n, k0 + panelWidth);
    const width = k1 - k0;
    // Factor the panel (columns k0..k1, every row below k0); earlier panels are already applied.
    for (let j = k0; j < k1; j++) {
      const rowJ = j * n;
      let d = a[rowJ + j];
      for (let k = k0; k < j; k++) d -= a[rowJ + k] * a[rowJ + k];
      if (!(d > 0)) return 'not-positive';
      const root = Math.sqrt(d);
      a[rowJ + j] = root;
      for (let i = j + 1; i < n; i++) {
        const rowI = i * n;
        let s = a[rowI + j];
        for (let k = k0; k < j; k++) s -= a[rowI + k] * a[rowJ + k];
        a[rowI + j] = s / root;
      }
    }
    if (k1 === n) break;
    // Trailing update A₂₂ −= L₂₁L₂₁ᵀ (lower triangle) from a packed copy of the panel rows below it.
    const rows = n - k1;
    for (let r = 0; r < rows; r++) {
      const source = (k1 + r) * n + k0;
      for (let k = 0; k < width; k++) panel[r * width + k] = a[source + k];
    }
    for (let r = 0; r < rows; r++) {
      const rowI = (k1 + r) * n + k1;
      const pi = r * width;
      for (let c = 0; c <= r; c++) {
        const pj = c * width;
        let s0 = 0;
        let s1 = 0;
        let k = 0;
        for (; k + 1 < width; k += 2) {
          s0 += panel[pi + k] * panel[pj + k];
          s1 += panel[pi + k + 1] * panel[pj + k + 1];
        }
        if (k < width) s0 += panel[pi + k] * panel[pj + k];
        a[rowI + c] -= s0 + s1;
      }
    }
  }
  return 'positive';
}

/**
 * Cholesky of M + shift·I in a greedy minimum-degree order, on sparse rows while the eliminated vertices
 * have few neighbours, then on the remaining Schur complement as a dense matrix once it has filled in
 * (minimum degree ≥ remaining/12: from there dense arithmetic is cheaper than hash-map updates, and on
 * expander-like supports that point comes early). Rounding-wise it is a Cholesky of a symmetric
 * permutation of M + shift·I, so Higham's backward error bound applies as to any Cholesky.
 */
export function sparseCholesky(
  matrix: SparseSymmetric,
  shift: number,
  deadline = Infinity,
): CholeskyOutcome {
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
    const remaining = n - done;
    if (degree >= 16 && 12 * degree >= remaining) {
      return denseSchurComplement(rows, diagonal, eliminated, remaining, deadline);
    }
    if ((done & 255) === 255 && performance.now() > deadline) return 'timeout';
    const pivot = diagonal[v];
    if (!(pivot > 0)) return 'not-positive';
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
  return 'positive';
}

/** Gathers the not-yet-eliminated vertices' Schur complement into a dense matrix and factors it. */
function denseSchurComplement(
  rows: Map<number, number>[],
  diagonal: Float64Array,
  eliminated: Uint8Array,
  remaining: number,
  deadline: number,
): CholeskyOutcome {
  const local = new Int32Array(rows.length).fill(-1);
  let count = 0;
  for (let v = 0; v < rows.length; v++) if (!eliminated[v]) local[v] = count++;
  const dense = new Float64Array(remaining * remaining);
  for (let v = 0; v < rows.length; v++) {
    const i = local[v];
    if (i < 0) continue;
    dense[i * remaining + i] = diagonal[v];
    for (const [w, x] of rows[v]) dense[i * remaining + local[w]] = x;
  }
  return denseCholesky(dense, remaining, deadline);
}
