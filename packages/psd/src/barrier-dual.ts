import { choleskyInPlace, choleskySolve } from './dense.ts';
import type { PartialMatrix } from './partial-matrix.ts';

/** Result of the dense barrier method on a small instance. */
export interface BarrierDualResult {
  /** A positive definite Z on the pattern with tr Z = 1 and ⟨Z, A⟩ < 0 (keys i·n + j, i ≥ j), if found. */
  certificate?: Map<number, number>;
  /** The last ⟨Z, A⟩ (an upper bound on t* = min ⟨Z, A⟩). */
  objective: number;
  newtonSteps: number;
}

/**
 * Interior-point (log-barrier) method for the small dual min ⟨Z, A⟩ s.t. Z ⪰ 0 on the pattern, tr Z = 1,
 * whose optimum is t* = max over completions of λmin. Newton steps on the m pattern variables, with the
 * Hessian tr(W E_p W E_q) (W = Z⁻¹) assembled entrywise in O(m²); Z stays positive definite, so any
 * iterate with ⟨Z, A⟩ < 0 is already a certificate. Stops when that happens, or when the barrier
 * parameter shows t* ≥ 0 (up to μ·n). Meant for n ≲ 150.
 */
export function barrierDual(
  matrix: PartialMatrix,
  options: { deadline?: number } = {},
): BarrierDualResult {
  const { n, rows, columns, values, diagonal } = matrix;
  const deadline = options.deadline ?? Infinity;
  const edges = values.length;
  const m = n + edges;
  // Variable p < n: Z_pp; p = n + e: Z_ab = Z_ba for edge e = (a, b).
  const cost = new Float64Array(m);
  for (let i = 0; i < n; i++) cost[i] = diagonal[i];
  for (let e = 0; e < edges; e++) cost[n + e] = 2 * values[e];
  const z = new Float64Array(m);
  for (let i = 0; i < n; i++) z[i] = 1 / n;
  const dense = (x: Float64Array): Float64Array => {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = x[i];
    for (let e = 0; e < edges; e++) {
      a[rows[e] * n + columns[e]] = x[n + e];
      a[columns[e] * n + rows[e]] = x[n + e];
    }
    return a;
  };
  const objectiveOf = (x: Float64Array): number => {
    let s = 0;
    for (let p = 0; p < m; p++) s += cost[p] * x[p];
    return s;
  };
  /** −log det Z, or Infinity when Z is not positive definite. */
  const barrier = (x: Float64Array): number => {
    const a = dense(x);
    if (!choleskyInPlace(a, n)) return Infinity;
    let s = 0;
    for (let i = 0; i < n; i++) s -= 2 * Math.log(a[i * n + i]);
    return s;
  };
  const certificateOf = (x: Float64Array): Map<number, number> => {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) map.set(i * n + i, x[i]);
    for (let e = 0; e < edges; e++) map.set(rows[e] * n + columns[e], x[n + e]);
    return map;
  };
  // Index pairs of each variable's unit matrix E_p = Σ e_x e_yᵀ.
  const first = new Int32Array(m);
  const second = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    first[i] = i;
    second[i] = i;
  }
  for (let e = 0; e < edges; e++) {
    first[n + e] = rows[e];
    second[n + e] = columns[e];
  }
  let mu = 1;
  let steps = 0;
  let objective = objectiveOf(z);
  const hessian = new Float64Array(m * m);
  const gradient = new Float64Array(m);
  for (let outer = 0; outer < 40; outer++) {
    for (let inner = 0; inner < 50; inner++) {
      if (performance.now() > deadline) return { objective, newtonSteps: steps };
      // W = Z⁻¹ through the Cholesky factor.
      const l = dense(z);
      if (!choleskyInPlace(l, n)) return { objective, newtonSteps: steps };
      const w = new Float64Array(n * n);
      const column = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        column.fill(0);
        column[j] = 1;
        choleskySolve(l, n, column);
        for (let i = 0; i < n; i++) w[i * n + j] = column[i];
      }
      // f = ⟨c, z⟩/μ − log det Z: gradient c/μ − tr(W E_p), Hessian tr(W E_p W E_q).
      for (let p = 0; p < m; p++) {
        const a = first[p];
        const b = second[p];
        gradient[p] = cost[p] / mu - (a === b ? w[a * n + a] : 2 * w[a * n + b]);
      }
      for (let p = 0; p < m; p++) {
        const a = first[p];
        const b = second[p];
        for (let q = p; q < m; q++) {
          const c = first[q];
          const d = second[q];
          // Σ over (x,y) ∈ P, (u,v) ∈ Q of W_yu W_vx.
          let h: number;
          if (a === b && c === d) h = w[a * n + c] * w[c * n + a];
          else if (a === b) h = 2 * w[a * n + c] * w[d * n + a];
          else if (c === d) h = 2 * w[b * n + c] * w[c * n + a];
          else h = 2 * (w[b * n + c] * w[d * n + a] + w[b * n + d] * w[c * n + a]);
          hessian[p * m + q] = h;
          hessian[q * m + p] = h;
        }
      }
      if (!choleskyInPlace(hessian, m)) return { objective, newtonSteps: steps };
      // Equality-constrained Newton step: Δ = −H⁻¹(g + ν·a), aᵀΔ = 0, a = 1 on diagonal variables.
      const hg = Float64Array.from(gradient);
      choleskySolve(hessian, m, hg);
      const ha = new Float64Array(m);
      for (let i = 0; i < n; i++) ha[i] = 1;
      choleskySolve(hessian, m, ha);
      let aHg = 0;
      let aHa = 0;
      for (let i = 0; i < n; i++) {
        aHg += hg[i];
        aHa += ha[i];
      }
      const nu = -aHg / aHa;
      const step = new Float64Array(m);
      let decrement = 0;
      for (let p = 0; p < m; p++) {
        step[p] = -(hg[p] + nu * ha[p]);
        decrement -= gradient[p] * step[p];
      }
      steps++;
      if (decrement < 1e-9) break;
      // Backtracking line search keeping Z positive definite.
      const current = objectiveOf(z) / mu + barrier(z);
      let alpha = 1;
      const trial = new Float64Array(m);
      for (let tries = 0; tries < 60; tries++) {
        for (let p = 0; p < m; p++) trial[p] = z[p] + alpha * step[p];
        const value = objectiveOf(trial) / mu + barrier(trial);
        if (value <= current - 0.25 * alpha * decrement) break;
        alpha *= 0.5;
      }
      if (alpha < 1e-12) break;
      z.set(trial);
      objective = objectiveOf(z);
      if (objective < 0) return { certificate: certificateOf(z), objective, newtonSteps: steps };
      if (decrement < 1e-3) break;
    }
    objective = objectiveOf(z);
    if (objective < 0) return { certificate: certificateOf(z), objective, newtonSteps: steps };
    // At the central point ⟨Z, A⟩ − t* ≤ μ·n: if even that cannot reach below zero, t* ≥ 0.
    if (objective - mu * n > 0 || mu < 1e-12) break;
    mu *= 0.2;
  }
  return { objective, newtonSteps: steps };
}
