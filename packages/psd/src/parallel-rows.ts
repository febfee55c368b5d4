import type { PartialMatrix } from './partial-matrix.ts';
import type { SparseRows } from './square.ts';

/** Rows of A grouped by parallelism: row i is sign[i] times (a positive multiple of) row representative[i]. */
export interface ParallelClasses {
  representative: Int32Array;
  sign: Float64Array;
  /** Rows that are not their own representative. */
  merged: number;
}

/** Rows i and j of A have the same support and a_j = s·a_i to rounding; returns s's sign, or 0 when not parallel. */
function parallelSign(a: SparseRows, i: number, j: number): number {
  const length = a.start[i + 1] - a.start[i];
  if (length === 0 || length !== a.start[j + 1] - a.start[j]) return 0;
  const pi = a.start[i];
  const pj = a.start[j];
  const scale = a.value[pj] / a.value[pi];
  for (let k = 0; k < length; k++) {
    if (a.index[pi + k] !== a.index[pj + k]) return 0;
    const expected = scale * a.value[pi + k];
    if (Math.abs(a.value[pj + k] - expected) > 1e-14 * Math.abs(a.value[pj + k]) + 1e-300) return 0;
  }
  return Math.sign(scale);
}

/**
 * Classes of rows of A joined by positions whose scaled target is ±1 and whose rows are parallel in A itself.
 * A Gram factor must make such rows' vectors parallel exactly, a boundary point where Burer–Monteiro converges
 * sublinearly (two such positions among thousands stall a whole fit); solving for one row per class and copying
 * it, signed, to the others removes the boundary. Rows with one or two non-zeros are where this happens.
 */
export function parallelClasses(a: SparseRows, target: PartialMatrix): ParallelClasses {
  const n = target.n;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const parity = new Float64Array(n).fill(1); // sign of row i relative to parent[i]
  const find = (i: number): number => {
    let root = i;
    let sign = 1;
    while (parent[root] !== root) {
      sign *= parity[root];
      root = parent[root];
    }
    // Path compression, keeping each row's sign relative to the root.
    let node = i;
    let remaining = sign;
    while (parent[node] !== root && node !== root) {
      const next = parent[node];
      const nodeSign = remaining;
      remaining *= parity[node];
      parent[node] = root;
      parity[node] = nodeSign;
      node = next;
    }
    return root;
  };
  const signToRoot = (i: number): number => {
    find(i);
    return parent[i] === i ? 1 : parity[i];
  };
  for (let e = 0; e < target.values.length; e++) {
    const i = target.rows[e];
    const j = target.columns[e];
    const scale = Math.sqrt(target.diagonal[i] * target.diagonal[j]);
    if (!(scale > 0) || Math.abs(target.values[e]) < (1 - 1e-9) * scale) continue;
    const sign = parallelSign(a, i, j);
    if (sign === 0) continue;
    const ri = find(i);
    const rj = find(j);
    if (ri === rj) continue;
    // row j = sign·row i, row i = si·root i, row j = sj·root j  ⇒  root j = sign·si·sj·root i.
    const relative = sign * signToRoot(i) * signToRoot(j);
    parent[rj] = ri;
    parity[rj] = relative;
  }
  const representative = new Int32Array(n);
  const sign = new Float64Array(n);
  let merged = 0;
  for (let i = 0; i < n; i++) {
    representative[i] = find(i);
    sign[i] = signToRoot(i);
    if (representative[i] !== i) merged++;
  }
  return { representative, sign, merged };
}
