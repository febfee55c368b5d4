import { symmetricEigen } from './dense.ts';
import type { Random } from './random.ts';

/** y ← M x for a symmetric operator of order n. */
export type SymmetricOperator = (x: Float64Array, y: Float64Array) => void;

/**
 * Smallest eigenvalue (Ritz value) and unit eigenvector of a symmetric operator by Lanczos with full
 * reorthogonalisation: `steps` matrix-vector products, O(n·steps²) extra work. The Ritz value is an upper
 * bound on λmin; `residual` = ‖M u − θ u‖ bounds its distance to an eigenvalue.
 */
export function lanczosMinimum(
  operator: SymmetricOperator,
  n: number,
  steps: number,
  random: Random,
  start?: Float64Array,
): { value: number; vector: Float64Array; residual: number } {
  const k = Math.max(1, Math.min(steps, n));
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = new Float64Array(n);
  if (start) q.set(start);
  else for (let i = 0; i < n; i++) q[i] = random.normal();
  let norm = Math.hypot(...normChunks(q));
  if (norm === 0) {
    for (let i = 0; i < n; i++) q[i] = random.normal();
    norm = Math.hypot(...normChunks(q));
  }
  for (let i = 0; i < n; i++) q[i] /= norm;
  const w = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    basis.push(q);
    operator(q, w);
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i] * q[i];
    alpha.push(a);
    // Full reorthogonalisation (twice is enough).
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let d = 0;
        for (let i = 0; i < n; i++) d += w[i] * b[i];
        for (let i = 0; i < n; i++) w[i] -= d * b[i];
      }
    }
    let bnorm = 0;
    for (let i = 0; i < n; i++) bnorm += w[i] * w[i];
    bnorm = Math.sqrt(bnorm);
    if (j === k - 1 || bnorm < 1e-13 * (Math.abs(a) + 1e-300)) break;
    beta.push(bnorm);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = w[i] / bnorm;
    q = next;
  }
  const size = alpha.length;
  const t = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    t[i * size + i] = alpha[i];
    if (i + 1 < size) {
      t[i * size + i + 1] = beta[i];
      t[(i + 1) * size + i] = beta[i];
    }
  }
  const { values, vectors } = symmetricEigen(t, size);
  const vector = new Float64Array(n);
  for (let j = 0; j < size; j++) {
    const coefficient = vectors[j * size];
    const b = basis[j];
    for (let i = 0; i < n; i++) vector[i] += coefficient * b[i];
  }
  let vnorm = 0;
  for (let i = 0; i < n; i++) vnorm += vector[i] * vector[i];
  vnorm = Math.sqrt(vnorm);
  for (let i = 0; i < n; i++) vector[i] /= vnorm;
  operator(vector, w);
  let residual = 0;
  for (let i = 0; i < n; i++) residual += (w[i] - values[0] * vector[i]) ** 2;
  return { value: values[0], vector, residual: Math.sqrt(residual) };
}

function normChunks(x: Float64Array): number[] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return [Math.sqrt(s)];
}
