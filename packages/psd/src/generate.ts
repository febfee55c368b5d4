import type { PartialMatrix } from './partial-matrix.ts';
import { lanczosMinimum } from './lanczos.ts';
import { createRandom, type Random } from './random.ts';
import { PsdError } from './errors.ts';

/** Sparsity patterns of the benchmark families: chordal (band, ktree) and non-chordal (random, grid). */
export type PatternKind = 'band' | 'ktree' | 'random' | 'grid';

/** Options of a generated instance; every field has a default documented beside it. */
export interface InstanceOptions {
  pattern: PatternKind;
  /** Order of the matrix. */
  n: number;
  /** Target m/n, m counting the lower triangle with the diagonal (the brief's 5..20). Default 5. */
  density?: number;
  /** 'yes': low-rank-plus-shift; 'no': a planted violation. */
  kind: 'yes' | 'no';
  /** Rank of the low-rank part. Default 3. */
  rank?: number;
  /** Shift α of (1 − α)·L Lᵀ + α·I (unit diagonal), so t* ≥ α for 'yes'. Default 0.1. */
  margin?: number;
  /** Length of the planted chordless cycle ('no' on non-chordal patterns). Default 12. */
  cycleLength?: number;
  /**
   * How a 'no' instance on a non-chordal pattern is made: 'cycle' plants one chordless cycle (cycleLength
   * vertices); 'spread' (random pattern) sets every entry to −c beyond the Hoffman bound, so the only
   * certificate is spread over the whole graph. Default 'cycle'.
   */
  obstruction?: 'cycle' | 'spread';
  /** Violation δ: angle excess of the cycle, or −λmin of the planted clique, or the margin past the Hoffman bound ('no'). Default 0.1. */
  violation?: number;
  /** Multiply row/column i by a random factor in [0.5, 2] (non-unit diagonal). Default false. */
  scaleDiagonal?: boolean;
  /** Seed of the generator. Default 1. */
  seed?: number;
}

/** A generated instance with its known answer. */
export interface Instance {
  matrix: PartialMatrix;
  expected: 'completable' | 'not-completable';
  /** A short name such as `random-yes n=200 m/n=5`. */
  name: string;
  /** Vertices of the planted violation (cycle or clique), 0-based. */
  planted?: number[];
}

interface Pattern {
  edges: Map<number, number>; // key i*n+j (i > j) → placeholder
  cliques?: number[][]; // for chordal patterns: cliques usable for a planted violation
}

function key(n: number, a: number, b: number): number {
  return a > b ? a * n + b : b * n + a;
}

function bandPattern(n: number, width: number): Pattern {
  const edges = new Map<number, number>();
  for (let i = 0; i < n; i++)
    for (let k = 1; k <= width && i - k >= 0; k++) edges.set(key(n, i, i - k), 0);
  const cliques: number[][] = [];
  for (let start = 0; start + width < n; start++) {
    cliques.push(Array.from({ length: width + 1 }, (_, k) => start + k));
  }
  return { edges, cliques };
}

function kTreePattern(n: number, k: number, random: Random): Pattern {
  const edges = new Map<number, number>();
  const base = Math.min(k + 1, n);
  for (let i = 0; i < base; i++) for (let j = 0; j < i; j++) edges.set(key(n, i, j), 0);
  const kCliques: number[][] = [];
  const cliques: number[][] = [Array.from({ length: base }, (_, i) => i)];
  if (base === k + 1) {
    for (let drop = 0; drop < base; drop++) kCliques.push(cliques[0].filter((_, i) => i !== drop));
  }
  for (let v = base; v < n; v++) {
    const clique = kCliques[random.integer(kCliques.length)];
    for (const u of clique) edges.set(key(n, v, u), 0);
    cliques.push([...clique, v]);
    for (let drop = 0; drop < clique.length; drop++) {
      kCliques.push([...clique.filter((_, i) => i !== drop), v]);
    }
  }
  return { edges, cliques };
}

function randomPattern(n: number, edgeCount: number, random: Random): Pattern {
  const edges = new Map<number, number>();
  // A random Hamiltonian path keeps the pattern connected; the rest are uniform random pairs.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let i = 1; i < n; i++) edges.set(key(n, order[i], order[i - 1]), 0);
  const target = Math.min(edgeCount, (n * (n - 1)) / 2);
  while (edges.size < target) {
    const a = random.integer(n);
    const b = random.integer(n);
    if (a !== b) edges.set(key(n, a, b), 0);
  }
  return { edges };
}

function gridPattern(n: number, reach: number): Pattern {
  const side = Math.ceil(Math.sqrt(n));
  const edges = new Map<number, number>();
  for (let v = 0; v < n; v++) {
    const r = Math.floor(v / side);
    const c = v % side;
    for (let k = 1; k <= reach; k++) {
      if (c + k < side && v + k < n) edges.set(key(n, v, v + k), 0);
      if (v + k * side < n) edges.set(key(n, v, v + k * side), 0);
    }
    void r;
  }
  return { edges };
}

function unitVector(random: Random, dimension: number): Float64Array {
  const v = new Float64Array(dimension);
  let norm = 0;
  for (let c = 0; c < dimension; c++) {
    v[c] = random.normal();
    norm += v[c] * v[c];
  }
  norm = Math.sqrt(norm);
  for (let c = 0; c < dimension; c++) v[c] /= norm;
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let c = 0; c < a.length; c++) s += a[c] * b[c];
  return s;
}

function toPartialMatrix(
  n: number,
  diagonal: Float64Array,
  entries: Map<number, number>,
): PartialMatrix {
  const keys = [...entries.keys()].sort((a, b) => a - b);
  const rows = new Int32Array(keys.length);
  const columns = new Int32Array(keys.length);
  const values = new Float64Array(keys.length);
  keys.forEach((k, e) => {
    rows[e] = Math.floor(k / n);
    columns[e] = k % n;
    values[e] = entries.get(k)!;
  });
  return { n, diagonal, rows, columns, values };
}

/** Generates a benchmark instance whose answer is known by construction. */
export function generateInstance(options: InstanceOptions): Instance {
  const {
    pattern: patternKind,
    n,
    density = 5,
    kind,
    rank = 3,
    margin = 0.1,
    cycleLength = 12,
    violation = 0.1,
    obstruction = 'cycle',
    scaleDiagonal = false,
    seed = 1,
  } = options;
  const random = createRandom(seed * 7919 + n);
  const extra = Math.max(1, density - 1); // off-diagonal entries per vertex
  let pattern: Pattern;
  switch (patternKind) {
    case 'band':
      pattern = bandPattern(n, Math.max(1, Math.round(extra)));
      break;
    case 'ktree':
      pattern = kTreePattern(n, Math.max(1, Math.round(extra)), random);
      break;
    case 'random':
      pattern = randomPattern(n, Math.round(extra * n), random);
      break;
    case 'grid':
      pattern = gridPattern(n, Math.max(1, Math.round(extra / 2)));
      break;
  }
  // Low-rank-plus-shift values: x_u = [√(1−α) l_u, √α e_u], a_uv = x_u·x_v on the pattern.
  const vectors = Array.from({ length: n }, () => unitVector(random, rank));
  const entries = new Map<number, number>();
  for (const k of pattern.edges.keys()) {
    const i = Math.floor(k / n);
    const j = k % n;
    entries.set(k, (1 - margin) * dot(vectors[i], vectors[j]));
  }
  const diagonal = new Float64Array(n).fill(1);
  let planted: number[] | undefined;
  const chordal = patternKind === 'band' || patternKind === 'ktree';
  if (kind === 'no' && !chordal && obstruction === 'spread') {
    planted = spreadViolation(n, entries, Math.max(1, Math.round(extra)), violation, random);
  } else if (kind === 'no' && !chordal) {
    planted = plantCycle(
      n,
      entries,
      vectors,
      margin,
      Math.min(cycleLength, n - 1),
      violation,
      random,
    );
  } else if (kind === 'no') {
    if (pattern.cliques === undefined || pattern.cliques.length === 0) {
      throw new PsdError(
        'generate.no-clique',
        `a ${patternKind} NO instance plants its violation in a clique of the pattern, and at n = ${n} with m/n = ${density} the pattern has none; use a larger n or a smaller m/n`,
      );
    }
    planted = plantCliqueViolation(n, entries, pattern.cliques, violation, random);
  }
  if (scaleDiagonal) {
    const factor = Float64Array.from({ length: n }, () => 0.5 * 4 ** random.next());
    for (let v = 0; v < n; v++) diagonal[v] *= factor[v] * factor[v];
    for (const [k, value] of entries)
      entries.set(k, value * factor[Math.floor(k / n)] * factor[k % n]);
  }
  const matrix = toPartialMatrix(n, diagonal, entries);
  const m = n + matrix.values.length;
  return {
    matrix,
    expected: kind === 'yes' ? 'completable' : 'not-completable',
    name: `${patternKind}-${kind}${kind === 'no' && !chordal && obstruction === 'spread' ? '-spread' : ''} n=${n} m/n=${(m / n).toFixed(1)}`,
    ...(planted ? { planted } : {}),
  };
}

/**
 * Plants a chordless cycle whose angles violate the cycle condition (closing angle = sum of the others + δ):
 * cycle vertex i is x_i = [√(1−ρ²) q, 0, ρ p_i] with a shared direction q, so its links to the rest are
 * consistent and every proper subset of the cycle is completable; only the whole cycle witnesses "no".
 */
function plantCycle(
  n: number,
  entries: Map<number, number>,
  vectors: Float64Array[],
  margin: number,
  length: number,
  violation: number,
  random: Random,
): number[] {
  const rhoSquared = 0.9;
  const cycle: number[] = [];
  const inCycle = new Uint8Array(n);
  while (cycle.length < length) {
    const v = random.integer(n);
    if (!inCycle[v]) {
      inCycle[v] = 1;
      cycle.push(v);
    }
  }
  for (const k of [...entries.keys()]) {
    if (inCycle[Math.floor(k / n)] || inCycle[k % n]) entries.delete(k);
  }
  // Chain angles sum to s, the closing angle is s + δ ≤ arccos(1 − 2ρ²) (keeps every path realisable).
  const closing = Math.min(2.4, Math.acos(1 - 2 * rhoSquared) - 1e-3);
  const chainSum = closing - violation;
  const weights = Array.from({ length: length - 1 }, () => 0.5 + random.next());
  const total = weights.reduce((a, b) => a + b, 0);
  for (let t = 0; t < length - 1; t++) {
    entries.set(key(n, cycle[t], cycle[t + 1]), Math.cos((chainSum * weights[t]) / total));
  }
  entries.set(key(n, cycle[length - 1], cycle[0]), Math.cos(closing));
  const q = unitVector(random, vectors[0].length);
  const coupling = Math.sqrt(1 - rhoSquared) * Math.sqrt(1 - margin);
  const used = new Uint8Array(n);
  for (const v of cycle) {
    for (let attach = 0; attach < 2; attach++) {
      let u = random.integer(n);
      for (let tries = 0; tries < 50 && (inCycle[u] || used[u]); tries++) u = random.integer(n);
      if (inCycle[u] || used[u]) continue;
      used[u] = 1;
      entries.set(key(n, v, u), coupling * dot(q, vectors[u]));
    }
  }
  return cycle;
}

/**
 * Makes one clique indefinite without a 2×2 witness: its off-diagonal entries become −(1 + δ)/(s − 1)
 * (a "simplex pushed too far"), so λmin of the clique is −δ along the all-ones vector.
 */
function plantCliqueViolation(
  n: number,
  entries: Map<number, number>,
  cliques: number[][],
  violation: number,
  random: Random,
): number[] {
  const clique = cliques[random.integer(cliques.length)];
  const s = clique.length;
  const value = -(1 + violation) / (s - 1);
  for (let p = 0; p < s; p++) {
    for (let q = 0; q < p; q++) entries.set(key(n, clique[p], clique[q]), value);
  }
  return clique;
}

/**
 * Makes the whole pattern the obstruction: the pattern becomes a random near-regular graph (the union of
 * `cycles` random Hamiltonian cycles, triangle edges removed) and every entry −c with
 * c = (1 + δ)·s·n/(2|E|), s ≥ −λmin(adjacency) (Lanczos Ritz value plus its residual). Then Y = s·I + adjacency
 * is PSD with ⟨Y, A⟩ = s·n − 2c|E| < 0 — no completion — while c ≈ (1 + δ)·2√(d − 1)/d stays below
 * cos(π/5) for degree d ≥ 8, so no short odd cycle (and, the graph being locally tree-like, no small principal
 * submatrix) witnesses it.
 */
function spreadViolation(
  n: number,
  entries: Map<number, number>,
  cycles: number,
  violation: number,
  random: Random,
): number[] {
  entries.clear();
  const order = Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < cycles; c++) {
    for (let i = n - 1; i > 0; i--) {
      const j = random.integer(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let i = 0; i < n; i++) entries.set(key(n, order[i], order[(i + 1) % n]), 0);
  }
  const neighbours = Array.from({ length: n }, () => new Set<number>());
  for (const k of entries.keys()) {
    neighbours[Math.floor(k / n)].add(k % n);
    neighbours[k % n].add(Math.floor(k / n));
  }
  const inTriangle: number[] = [];
  for (const k of entries.keys()) {
    const [i, j] = [Math.floor(k / n), k % n];
    for (const w of neighbours[i]) {
      if (neighbours[j].has(w)) {
        inTriangle.push(k);
        break;
      }
    }
  }
  for (const k of inTriangle) entries.delete(k);
  const rows = Int32Array.from(entries.keys(), (k) => Math.floor(k / n));
  const columns = Int32Array.from(entries.keys(), (k) => k % n);
  const adjacencyTimes = (x: Float64Array, y: Float64Array): void => {
    y.fill(0);
    for (let e = 0; e < rows.length; e++) {
      y[rows[e]] += x[columns[e]];
      y[columns[e]] += x[rows[e]];
    }
  };
  const { value, residual } = lanczosMinimum(adjacencyTimes, n, Math.min(n, 150), random);
  const c = ((1 + violation) * (residual - value) * n) / (2 * rows.length);
  for (const k of entries.keys()) entries.set(k, -c);
  return Array.from({ length: n }, (_, v) => v);
}
