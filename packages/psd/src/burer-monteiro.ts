import { minimizeQuartic } from './cubic.ts';
import { lanczosMinimum } from './lanczos.ts';
import { nativeKernels as loadedKernels } from './native-kernels.ts';
import { createRandom } from './random.ts';

/** Fit P_Ω(V Vᵀ) to targets T on a pattern: min f(V) = ‖P_Ω(V Vᵀ) − T‖²_F (each off-diagonal counted twice). */
export interface FitProblem {
  n: number;
  diagonalTarget: Float64Array;
  rows: Int32Array;
  columns: Int32Array;
  targets: Float64Array;
}

/** Options of the Burer–Monteiro solver; defaults are commented. */
export interface BurerMonteiroOptions {
  /** Initial rank (columns of V). Default 8. */
  rank?: number;
  /** Largest rank the solver may grow to. Default 64. */
  maxRank?: number;
  /** Iteration budget. Default 20000. */
  maxIterations?: number;
  /** Absolute deadline (performance.now() milliseconds). Default none. */
  deadline?: number;
  /**
   * Stop with 'fits' once every scaled Gershgorin row sum Σ_j |R_ij| < shiftFraction·shift: then
   * V Vᵀ + shift·I − R is PSD. 0 means "stop when max |R_ij| ≤ fitTolerance" instead.
   */
  shift?: number;
  /** Fraction of the shift the residual row sums may use. Default 0.5. */
  shiftFraction?: number;
  /** Absolute tolerance on max |R_ij| when shift = 0. Default 1e-9. */
  fitTolerance?: number;
  /** Relative stationarity ‖∇f‖ / (4‖V‖‖R‖) below which the residual's spectrum is examined. Default 1e-4. */
  stationarity?: number;
  /** λmin(R) ≥ −psdTolerance·‖R‖_F counts as a PSD residual. Default 1e-5. */
  psdTolerance?: number;
  /** Iterations over which too little progress counts as stagnation (then the spectrum is examined). Default 200. */
  stagnationWindow?: number;
  /** Relative decrease of f over the window below which the fit is stagnant. Default 1e-4. */
  stagnationTolerance?: number;
  /** L-BFGS memory. Default 5. */
  memory?: number;
  /** Seed for the initial factor and Lanczos. Default 1. */
  seed?: number;
  /**
   * Called at each stationary point before the rank grows, with the current state; returning true stops the
   * fit with status 'stopped' (e.g. a caller found a certificate on a localised subproblem).
   */
  inspect?: (state: FitResult) => boolean;
  /**
   * Also call `inspect` when f fell by less than this factor over the last `inspectWindow` iterations (a plateau),
   * with the window doubling after each unsuccessful call. Default 0.7.
   */
  inspectRatio?: number;
  /** First plateau window for `inspect`. Default 25. */
  inspectWindow?: number;
  /** Factor by which the plateau window grows after an unsuccessful `inspect`. Default 2. */
  inspectGrowth?: number;
  /** Warm start: a row-major n×r factor. */
  initial?: { factor: Float64Array; rank: number };
}

/** How the fit ended. */
export type FitStatus = 'fits' | 'psd-residual' | 'budget' | 'stopped';

/** Result of a fit: the factor, the residual R = P_Ω(V Vᵀ) − T, and counters. */
export interface FitResult {
  status: FitStatus;
  factor: Float64Array;
  rank: number;
  residualDiagonal: Float64Array;
  residualEdges: Float64Array;
  objective: number;
  iterations: number;
  lanczosCalls: number;
  /** Last Lanczos estimate of λmin(R) (NaN if never computed). */
  lambdaMin: number;
}

let nativeKernels = loadedKernels;

/** Switches between the C kernels (when built) and the TypeScript reference kernels; returns the previous state. */
export function useNativeKernels(enabled: boolean): boolean {
  const previous = nativeKernels !== undefined;
  nativeKernels = enabled ? loadedKernels : undefined;
  return previous;
}

/** Computes R = P_Ω(V Vᵀ) − T exactly. */
function computeResidual(
  problem: FitProblem,
  v: Float64Array,
  r: number,
  residualDiagonal: Float64Array,
  residualEdges: Float64Array,
): number {
  const { n, diagonalTarget, rows, columns, targets } = problem;
  if (nativeKernels) {
    return nativeKernels.residual(
      n,
      r,
      rows,
      columns,
      v,
      diagonalTarget,
      targets,
      residualDiagonal,
      residualEdges,
    );
  }
  let f = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * r;
    for (let c = 0; c < r; c++) s += v[o + c] * v[o + c];
    s -= diagonalTarget[i];
    residualDiagonal[i] = s;
    f += s * s;
  }
  for (let e = 0; e < targets.length; e++) {
    const oi = rows[e] * r;
    const oj = columns[e] * r;
    let s = 0;
    for (let c = 0; c < r; c++) s += v[oi + c] * v[oj + c];
    s -= targets[e];
    residualEdges[e] = s;
    f += 2 * s * s;
  }
  return f;
}

/** g ← 4 R V. */
function computeGradient(
  problem: FitProblem,
  v: Float64Array,
  r: number,
  residualDiagonal: Float64Array,
  residualEdges: Float64Array,
  g: Float64Array,
): void {
  const { n, rows, columns } = problem;
  if (nativeKernels) {
    nativeKernels.gradient(n, r, rows, columns, v, residualDiagonal, residualEdges, g);
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = 4 * residualDiagonal[i];
    const o = i * r;
    for (let c = 0; c < r; c++) g[o + c] = s * v[o + c];
  }
  for (let e = 0; e < residualEdges.length; e++) {
    const s = 4 * residualEdges[e];
    if (s === 0) continue;
    const oi = rows[e] * r;
    const oj = columns[e] * r;
    for (let c = 0; c < r; c++) {
      g[oi + c] += s * v[oj + c];
      g[oj + c] += s * v[oi + c];
    }
  }
}

/** y ← R x for the residual on the pattern. */
export function residualOperator(
  problem: FitProblem,
  residualDiagonal: Float64Array,
  residualEdges: Float64Array,
): (x: Float64Array, y: Float64Array) => void {
  const { n, rows, columns } = problem;
  return (x, y) => {
    for (let i = 0; i < n; i++) y[i] = residualDiagonal[i] * x[i];
    for (let e = 0; e < residualEdges.length; e++) {
      const i = rows[e];
      const j = columns[e];
      const s = residualEdges[e];
      y[i] += s * x[j];
      y[j] += s * x[i];
    }
  };
}

/** Largest Σ_j |R_ij| over rows i. */
export function maxAbsoluteRowSum(
  problem: FitProblem,
  residualDiagonal: Float64Array,
  residualEdges: Float64Array,
  scratch: Float64Array,
): number {
  const { n, rows, columns } = problem;
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(residualDiagonal[i]);
  for (let e = 0; e < residualEdges.length; e++) {
    const a = Math.abs(residualEdges[e]);
    scratch[rows[e]] += a;
    scratch[columns[e]] += a;
  }
  let max = 0;
  for (let i = 0; i < n; i++) if (scratch[i] > max) max = scratch[i];
  return max;
}

/** Coefficients (constant first) of the quartic f(V + αD); stores b, c of each entry for the residual update. */
function lineCoefficients(
  problem: FitProblem,
  v: Float64Array,
  d: Float64Array,
  r: number,
  residualDiagonal: Float64Array,
  residualEdges: Float64Array,
  bDiagonal: Float64Array,
  cDiagonal: Float64Array,
  bEdges: Float64Array,
  cEdges: Float64Array,
  out: Float64Array,
): void {
  const { n, rows, columns } = problem;
  if (nativeKernels) {
    nativeKernels.line(
      n,
      r,
      rows,
      columns,
      v,
      d,
      residualDiagonal,
      residualEdges,
      bDiagonal,
      cDiagonal,
      bEdges,
      cEdges,
      out,
    );
    return;
  }
  let c4 = 0;
  let c3 = 0;
  let c2 = 0;
  let c1 = 0;
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    const o = i * r;
    let b = 0;
    let c = 0;
    for (let k = 0; k < r; k++) {
      b += v[o + k] * d[o + k];
      c += d[o + k] * d[o + k];
    }
    b *= 2;
    const a = residualDiagonal[i];
    bDiagonal[i] = b;
    cDiagonal[i] = c;
    c4 += c * c;
    c3 += 2 * b * c;
    c2 += b * b + 2 * a * c;
    c1 += 2 * a * b;
    c0 += a * a;
  }
  const edges = residualEdges.length;
  for (let e = 0; e < edges; e++) {
    const oi = rows[e] * r;
    const oj = columns[e] * r;
    let b = 0;
    let c = 0;
    for (let k = 0; k < r; k++) {
      const di = d[oi + k];
      const dj = d[oj + k];
      b += v[oi + k] * dj + di * v[oj + k];
      c += di * dj;
    }
    const a = residualEdges[e];
    bEdges[e] = b;
    cEdges[e] = c;
    c4 += 2 * c * c;
    c3 += 4 * b * c;
    c2 += 2 * (b * b + 2 * a * c);
    c1 += 4 * a * b;
    c0 += 2 * a * a;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  out[4] = c4;
}

/** L-BFGS memory as flat buffers: slot j holds s_j, y_j at offset j·length; `order` lists slots oldest first. */
interface History {
  length: number;
  s: Float64Array;
  y: Float64Array;
  rho: Float64Array;
  order: number[];
  orderScratch: Int32Array;
}

function createHistory(memory: number, length: number): History {
  return {
    length,
    s: new Float64Array(memory * length),
    y: new Float64Array(memory * length),
    rho: new Float64Array(memory),
    order: [],
    orderScratch: new Int32Array(memory),
  };
}

/** v ← v + α d. */
function axpy(alpha: number, d: Float64Array, v: Float64Array): void {
  for (let k = 0; k < v.length; k++) v[k] += alpha * d[k];
}

/** R ← R + α(b + αc) entrywise (the residual along the line); returns the new objective. */
function updateResidual(
  alpha: number,
  residualDiagonal: Float64Array,
  bDiagonal: Float64Array,
  cDiagonal: Float64Array,
  residualEdges: Float64Array,
  bEdges: Float64Array,
  cEdges: Float64Array,
): number {
  let f = 0;
  for (let i = 0; i < residualDiagonal.length; i++) {
    const x = residualDiagonal[i] + alpha * (bDiagonal[i] + alpha * cDiagonal[i]);
    residualDiagonal[i] = x;
    f += x * x;
  }
  for (let e = 0; e < residualEdges.length; e++) {
    const x = residualEdges[e] + alpha * (bEdges[e] + alpha * cEdges[e]);
    residualEdges[e] = x;
    f += 2 * x * x;
  }
  return f;
}

/** Stores s = α d, y = g − previous in a free (or the oldest) slot; keeps the pair when sᵀy > 0. */
function storePair(
  history: History,
  memory: number,
  alpha: number,
  d: Float64Array,
  g: Float64Array,
  previous: Float64Array,
): void {
  const { length } = history;
  let slot: number;
  if (history.order.length < memory) {
    slot = 0;
    while (history.order.includes(slot)) slot++;
  } else {
    slot = history.order.shift()!;
  }
  const offset = slot * length;
  const s = history.s;
  const y = history.y;
  let sy = 0;
  for (let k = 0; k < length; k++) {
    const sk = alpha * d[k];
    const yk = g[k] - previous[k];
    s[offset + k] = sk;
    y[offset + k] = yk;
    sy += sk * yk;
  }
  if (sy > 1e-300) {
    history.rho[slot] = 1 / sy;
    history.order.push(slot);
  }
}

/** L-BFGS two-loop recursion: d ← −H g. */
function twoLoop(history: History, g: Float64Array, d: Float64Array): void {
  const { length, s, y, rho, order } = history;
  if (nativeKernels) {
    const slots = history.orderScratch;
    for (let k = 0; k < order.length; k++) slots[k] = order[k];
    nativeKernels.twoLoop(length, slots.subarray(0, order.length), s, y, rho, g, d);
    return;
  }
  const count = order.length;
  for (let k = 0; k < length; k++) d[k] = -g[k];
  const alphas = new Float64Array(count);
  for (let h = count - 1; h >= 0; h--) {
    const offset = order[h] * length;
    let sd = 0;
    for (let k = 0; k < length; k++) sd += s[offset + k] * d[k];
    const a = rho[order[h]] * sd;
    alphas[h] = a;
    for (let k = 0; k < length; k++) d[k] -= a * y[offset + k];
  }
  if (count > 0) {
    const offset = order[count - 1] * length;
    let sy = 0;
    let yy = 0;
    for (let k = 0; k < length; k++) {
      sy += s[offset + k] * y[offset + k];
      yy += y[offset + k] * y[offset + k];
    }
    const scale = sy / yy;
    for (let k = 0; k < length; k++) d[k] *= scale;
  }
  for (let h = 0; h < count; h++) {
    const offset = order[h] * length;
    let yd = 0;
    for (let k = 0; k < length; k++) yd += y[offset + k] * d[k];
    const coefficient = alphas[h] - rho[order[h]] * yd;
    for (let k = 0; k < length; k++) d[k] += coefficient * s[offset + k];
  }
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/**
 * Burer–Monteiro: L-BFGS on the Gram vectors with an exact line search (f along a line is a quartic
 * whose coefficients cost one pass over the pattern). When stationary, Lanczos examines λmin(R):
 * negative → add that eigenvector as a new column (escape direction); ≈ PSD → stop ('psd-residual').
 */
export function fitBurerMonteiro(
  problem: FitProblem,
  options: BurerMonteiroOptions = {},
): FitResult {
  const {
    maxRank = 64,
    maxIterations = 20000,
    deadline = Infinity,
    shift = 0,
    shiftFraction = 0.5,
    fitTolerance = 1e-9,
    stationarity = 1e-4,
    psdTolerance = 1e-5,
    memory = 5,
    seed = 1,
    stagnationWindow = 200,
    stagnationTolerance = 1e-4,
  } = options;
  const { n, rows, columns } = problem;
  const edges = problem.targets.length;
  const random = createRandom(seed);
  let r = Math.max(1, Math.min(options.initial?.rank ?? options.rank ?? 8, maxRank));
  let v = new Float64Array(n * r);
  if (options.initial) {
    v.set(options.initial.factor.subarray(0, n * r));
  } else {
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let c = 0; c < r; c++) {
        const x = random.normal();
        v[i * r + c] = x;
        norm += x * x;
      }
      const scale = Math.sqrt(Math.max(problem.diagonalTarget[i], 0) / norm);
      for (let c = 0; c < r; c++) v[i * r + c] *= scale;
    }
  }
  const residualDiagonal = new Float64Array(n);
  const residualEdges = new Float64Array(edges);
  const bDiagonal = new Float64Array(n);
  const cDiagonal = new Float64Array(n);
  const bEdges = new Float64Array(edges);
  const cEdges = new Float64Array(edges);
  const scratch = new Float64Array(n);
  const quartic = new Float64Array(5);
  let g = new Float64Array(n * r);
  let d = new Float64Array(n * r);
  let f = computeResidual(problem, v, r, residualDiagonal, residualEdges);
  computeGradient(problem, v, r, residualDiagonal, residualEdges, g);
  let history = createHistory(memory, n * r);
  let previous = new Float64Array(n * r);
  let iterations = 0;
  let lanczosCalls = 0;
  let lambdaMin = Number.NaN;
  let recentObjective = f;
  let recentIteration = 0;
  let plateauWindow = options.inspectWindow ?? 25;
  let plateauObjective = f;
  let plateauIteration = 0;

  const fits = (): boolean => {
    if (shift > 0) {
      return (
        maxAbsoluteRowSum(problem, residualDiagonal, residualEdges, scratch) < shiftFraction * shift
      );
    }
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(residualDiagonal[i]));
    for (let e = 0; e < edges; e++) max = Math.max(max, Math.abs(residualEdges[e]));
    return max <= fitTolerance;
  };
  const result = (status: FitStatus): FitResult => ({
    status,
    factor: v,
    rank: r,
    residualDiagonal,
    residualEdges,
    objective: f,
    iterations,
    lanczosCalls,
    lambdaMin,
  });

  while (true) {
    if (iterations % 2 === 0 && fits()) return result('fits');
    if (iterations >= maxIterations || performance.now() > deadline) return result('budget');
    if (options.inspect && iterations - plateauIteration >= plateauWindow) {
      if (f > (options.inspectRatio ?? 0.7) * plateauObjective) {
        if (options.inspect(result('stopped'))) return result('stopped');
        plateauWindow *= options.inspectGrowth ?? 2;
      }
      plateauObjective = f;
      plateauIteration = iterations;
    }
    const gNorm = Math.sqrt(dotProduct(g, g));
    const vNorm = Math.sqrt(dotProduct(v, v));
    const stagnant =
      iterations - recentIteration >= stagnationWindow &&
      f > (1 - stagnationTolerance) * recentObjective;
    if (iterations - recentIteration >= stagnationWindow) {
      recentObjective = f;
      recentIteration = iterations;
    }
    if (gNorm <= stationarity * 4 * vNorm * Math.sqrt(f) || stagnant || f === 0) {
      // Stationary: look at the residual's spectrum.
      lanczosCalls++;
      const lanczos = lanczosMinimum(
        residualOperator(problem, residualDiagonal, residualEdges),
        n,
        Math.min(n, 80),
        random,
      );
      lambdaMin = lanczos.value;
      const rNorm = Math.sqrt(f);
      if (lambdaMin >= -psdTolerance * rNorm || r >= maxRank) return result('psd-residual');
      if (options.inspect?.(result('stopped'))) return result('stopped');
      // Escape: add the column √β·u, β minimising ‖R + β P_Ω(u uᵀ)‖².
      const u = lanczos.vector;
      let pNorm = 0;
      let rp = 0;
      for (let i = 0; i < n; i++) {
        pNorm += u[i] ** 4;
        rp += residualDiagonal[i] * u[i] * u[i];
      }
      for (let e = 0; e < edges; e++) {
        const p = u[rows[e]] * u[columns[e]];
        pNorm += 2 * p * p;
        rp += 2 * residualEdges[e] * p;
      }
      const beta = Math.max(0, -rp / pNorm);
      const grown = new Float64Array(n * (r + 1));
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < r; c++) grown[i * (r + 1) + c] = v[i * r + c];
        grown[i * (r + 1) + r] = Math.sqrt(beta) * u[i];
      }
      r++;
      v = grown;
      g = new Float64Array(n * r);
      d = new Float64Array(n * r);
      previous = new Float64Array(n * r);
      history = createHistory(memory, n * r);
      f = computeResidual(problem, v, r, residualDiagonal, residualEdges);
      computeGradient(problem, v, r, residualDiagonal, residualEdges, g);
      recentObjective = f;
      recentIteration = iterations;
      continue;
    }
    // L-BFGS two-loop recursion: d = −H g.
    twoLoop(history, g, d);
    let slope = dotProduct(d, g);
    if (!(slope < 0)) {
      history.order = [];
      for (let k = 0; k < d.length; k++) d[k] = -g[k];
      slope = -dotProduct(g, g);
    }
    // Exact line search: f(V + αD) = Σ w (a + bα + cα²)².
    lineCoefficients(
      problem,
      v,
      d,
      r,
      residualDiagonal,
      residualEdges,
      bDiagonal,
      cDiagonal,
      bEdges,
      cEdges,
      quartic,
    );
    const alpha = minimizeQuartic(quartic[4], quartic[3], quartic[2], quartic[1], quartic[0]);
    iterations++;
    if (alpha === 0) {
      if (history.order.length === 0) {
        // No descent even along −∇f: treat as stationary at the next check.
        recentIteration = iterations - stagnationWindow;
        recentObjective = f;
        continue;
      }
      history.order = [];
      continue;
    }
    axpy(alpha, d, v);
    if (iterations % 32 === 0) {
      f = computeResidual(problem, v, r, residualDiagonal, residualEdges);
    } else {
      f = updateResidual(
        alpha,
        residualDiagonal,
        bDiagonal,
        cDiagonal,
        residualEdges,
        bEdges,
        cEdges,
      );
    }
    previous.set(g);
    computeGradient(problem, v, r, residualDiagonal, residualEdges, g);
    storePair(history, memory, alpha, d, g, previous);
    void slope;
  }
}
