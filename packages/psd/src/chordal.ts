import { choleskyInPlace, choleskySolve, symmetricEigen } from './dense.ts';
import { adjacency, type Adjacency, type PartialMatrix } from './partial-matrix.ts';
import { createRandom } from './random.ts';

/** Maximum cardinality search: the visit order (reverse of a perfect elimination order when chordal). */
export function maximumCardinalitySearch(n: number, adj: Adjacency): Int32Array {
  const { start, neighbor } = adj;
  const weight = new Int32Array(n);
  const visited = new Uint8Array(n);
  // Buckets of vertices by weight as doubly linked lists.
  const head = new Int32Array(n + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const insert = (v: number, w: number): void => {
    next[v] = head[w];
    previous[v] = -1;
    if (head[w] >= 0) previous[head[w]] = v;
    head[w] = v;
  };
  const remove = (v: number, w: number): void => {
    if (previous[v] >= 0) next[previous[v]] = next[v];
    else head[w] = next[v];
    if (next[v] >= 0) previous[next[v]] = previous[v];
  };
  for (let v = n - 1; v >= 0; v--) insert(v, 0);
  const order = new Int32Array(n);
  let best = 0;
  for (let k = 0; k < n; k++) {
    while (best > 0 && head[best] < 0) best--;
    const v = head[best];
    remove(v, best);
    visited[v] = 1;
    order[k] = v;
    for (let p = start[v]; p < start[v + 1]; p++) {
      const w = neighbor[p];
      if (visited[w]) continue;
      remove(w, weight[w]);
      weight[w]++;
      insert(w, weight[w]);
      if (weight[w] > best) best = weight[w];
    }
  }
  return order;
}

/** The chordal structure of a pattern: per vertex, its earlier-visited neighbours (a clique if chordal). */
export interface ChordalStructure {
  /** MCS visit order. */
  order: Int32Array;
  /** position[v] = index of v in order. */
  position: Int32Array;
  /** For each vertex, its neighbours visited before it (sorted by visit position). */
  earlier: Int32Array[];
  /** For each vertex v, the entry ids of the edges (v, u) for u in earlier[v]. */
  earlierEntries: Int32Array[];
  /** Per vertex: true when its earlier neighbourhood is not a clique (the pattern is not chordal there). */
  violation: Uint8Array;
}

/** Runs MCS and the perfect-elimination test (Tarjan–Yannakakis) in O(n + m) expected time. */
export function chordalStructure(matrix: PartialMatrix): ChordalStructure {
  const { n } = matrix;
  const adj = adjacency(matrix);
  const order = maximumCardinalitySearch(n, adj);
  const position = new Int32Array(n);
  for (let k = 0; k < n; k++) position[order[k]] = k;
  const edgeSet = new Set<number>();
  for (let e = 0; e < matrix.values.length; e++)
    edgeSet.add(matrix.rows[e] * n + matrix.columns[e]);
  const has = (a: number, b: number): boolean => edgeSet.has(a > b ? a * n + b : b * n + a);
  const earlier: Int32Array[] = new Array(n);
  const earlierEntries: Int32Array[] = new Array(n);
  const violation = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const list: [number, number][] = [];
    for (let p = adj.start[v]; p < adj.start[v + 1]; p++) {
      const w = adj.neighbor[p];
      if (position[w] < position[v]) list.push([w, adj.entry[p]]);
    }
    list.sort((a, b) => position[a[0]] - position[b[0]]);
    earlier[v] = Int32Array.from(list, (x) => x[0]);
    earlierEntries[v] = Int32Array.from(list, (x) => x[1]);
    if (list.length > 1) {
      const parent = list[list.length - 1][0];
      for (let q = 0; q < list.length - 1; q++) {
        if (!has(list[q][0], parent)) {
          violation[v] = 1;
          break;
        }
      }
    }
  }
  return { order, position, earlier, earlierEntries, violation };
}

/** A clique of the chordal pattern that is not PSD enough, with its smallest eigenpair. */
export interface CliqueWitness {
  vertices: number[];
  lambdaMin: number;
  /** Unit eigenvector for lambdaMin, aligned with vertices. */
  vector: Float64Array;
}

/** Builds the dense principal submatrix of `matrix` on a clique {v} ∪ earlier(v) (minus `shift` on the diagonal). */
function cliqueMatrix(
  matrix: PartialMatrix,
  structure: ChordalStructure,
  v: number,
  shift: number,
  entryLookup: (a: number, b: number) => number,
): { vertices: number[]; dense: Float64Array } {
  const vertices = [...structure.earlier[v], v];
  const s = vertices.length;
  const dense = new Float64Array(s * s);
  for (let p = 0; p < s; p++) {
    dense[p * s + p] = matrix.diagonal[vertices[p]] - shift;
    for (let q = 0; q < p; q++) {
      const value = entryLookup(vertices[p], vertices[q]);
      dense[p * s + q] = value;
      dense[q * s + p] = value;
    }
  }
  return { vertices, dense };
}

function entryLookupFor(matrix: PartialMatrix): (a: number, b: number) => number {
  const { n } = matrix;
  const map = new Map<number, number>();
  for (let e = 0; e < matrix.values.length; e++)
    map.set(matrix.rows[e] * n + matrix.columns[e], matrix.values[e]);
  return (a, b) => map.get(a > b ? a * n + b : b * n + a)!;
}

/** True when {v} ∪ earlier(v) can be maximal: no later child w with earlier(w) = earlier(v) ∪ {v}. */
function candidateCliques(structure: ChordalStructure, vertices: ArrayLike<number>): number[] {
  const contained = new Set<number>();
  for (let k = 0; k < vertices.length; k++) {
    const w = vertices[k];
    const e = structure.earlier[w];
    if (e.length === 0) continue;
    const parent = e[e.length - 1];
    if (structure.earlier[parent].length + 1 === e.length) contained.add(parent);
  }
  const result: number[] = [];
  for (let k = 0; k < vertices.length; k++)
    if (!contained.has(vertices[k])) result.push(vertices[k]);
  return result;
}

/**
 * GJSW on a chordal component: returns the clique with the smallest λmin(A_C − shift·I) among cliques whose
 * Cholesky at `shift` fails, or undefined when every maximal clique of A − shift·I is positive definite.
 */
export function worstClique(
  matrix: PartialMatrix,
  structure: ChordalStructure,
  vertices: ArrayLike<number>,
  shift: number,
): CliqueWitness | undefined {
  const lookup = entryLookupFor(matrix);
  let worst: CliqueWitness | undefined;
  for (const v of candidateCliques(structure, vertices)) {
    const { vertices: clique, dense } = cliqueMatrix(matrix, structure, v, shift, lookup);
    const s = clique.length;
    if (choleskyInPlace(Float64Array.from(dense), s)) continue;
    // Indefinite clique (fails even without the shift): a "no" witness, no need to look further.
    const unshifted = Float64Array.from(dense);
    for (let p = 0; p < s; p++) unshifted[p * s + p] += shift;
    const indefinite = !choleskyInPlace(Float64Array.from(unshifted), s);
    const { values, vectors } = symmetricEigen(dense, s);
    if (!worst || values[0] < worst.lambdaMin) {
      const vector = new Float64Array(s);
      for (let p = 0; p < s; p++) vector[p] = vectors[p * s];
      worst = { vertices: clique, lambdaMin: values[0], vector };
    }
    if (indefinite && worst.lambdaMin + shift < 0) return worst;
  }
  return worst;
}

/**
 * A Gram factor (rows of length `width`) whose Gram matrix equals B = A − shift·I on the chordal pattern,
 * built vertex by vertex in MCS order: x_v = X_Nᵀ w + z with X_N X_Nᵀ w = b_N and z ⊥ span X_N,
 * |z|² = the Schur complement. `width` ≥ the largest clique suffices. Undefined if a Schur complement ≤ 0.
 */
export function chordalGramFactor(
  matrix: PartialMatrix,
  structure: ChordalStructure,
  vertices: ArrayLike<number>,
  shift: number,
  width: number,
  seed = 1,
): Float64Array | undefined {
  const { n } = matrix;
  const random = createRandom(seed);
  const factor = new Float64Array(n * width);
  const sorted = Array.from(vertices).sort((a, b) => structure.position[a] - structure.position[b]);
  const z = new Float64Array(width);
  for (const v of sorted) {
    const earlier = structure.earlier[v];
    const entries = structure.earlierEntries[v];
    const k = earlier.length;
    const bvv = matrix.diagonal[v] - shift;
    // Gram of the placed neighbours and its Cholesky factor.
    const gram = new Float64Array(k * k);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q <= p; q++) {
        let s = 0;
        for (let c = 0; c < width; c++)
          s += factor[earlier[p] * width + c] * factor[earlier[q] * width + c];
        gram[p * k + q] = s;
        gram[q * k + p] = s;
      }
    }
    if (k > 0 && !choleskyInPlace(gram, k)) return undefined;
    const w = new Float64Array(k);
    for (let p = 0; p < k; p++) w[p] = matrix.values[entries[p]];
    const b = Float64Array.from(w);
    if (k > 0) choleskySolve(gram, k, w);
    let projected = 0;
    for (let p = 0; p < k; p++) projected += b[p] * w[p];
    const schur = bvv - projected;
    if (!(schur > 0)) return undefined;
    // A random direction orthogonal to the neighbours' vectors.
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let c = 0; c < width; c++) z[c] = random.normal();
      for (let pass = 0; pass < 2; pass++) {
        const coefficients = new Float64Array(k);
        for (let p = 0; p < k; p++) {
          let s = 0;
          for (let c = 0; c < width; c++) s += factor[earlier[p] * width + c] * z[c];
          coefficients[p] = s;
        }
        if (k > 0) choleskySolve(gram, k, coefficients);
        for (let p = 0; p < k; p++) {
          for (let c = 0; c < width; c++) z[c] -= coefficients[p] * factor[earlier[p] * width + c];
        }
      }
      let norm = 0;
      for (let c = 0; c < width; c++) norm += z[c] * z[c];
      if (norm > 1e-20) {
        const scale = Math.sqrt(schur / norm);
        for (let c = 0; c < width; c++) {
          let s = z[c] * scale;
          for (let p = 0; p < k; p++) s += w[p] * factor[earlier[p] * width + c];
          factor[v * width + c] = s;
        }
        break;
      }
      if (attempt === 4) return undefined;
    }
  }
  return factor;
}

/**
 * The maximum-determinant completion X of a chordal partial matrix, through the sparse factorisation of
 * its inverse (Vandenberghe–Andersen, Chordal Graphs and Semidefinite Optimization, §10):
 * X⁻¹ = L·diag(d)·Lᵀ with L unit lower triangular on the pattern, column v: L_{N,v} = −A_NN⁻¹ A_Nv for
 * N = earlier(v) (a clique of specified entries), d_v = 1/(A_vv − A_vN A_NN⁻¹ A_Nv). X⁻¹ vanishes off the
 * pattern, which characterises the max-det completion. Undefined when a clique is not positive definite.
 */
export function maxDeterminantInverse(
  matrix: PartialMatrix,
  structure: ChordalStructure,
): { d: Float64Array; entries: [number, number, number][] } | undefined {
  const { n } = matrix;
  const lookup = entryLookupFor(matrix);
  const d = new Float64Array(n);
  const entries: [number, number, number][] = [];
  for (let v = 0; v < n; v++) {
    const earlier = structure.earlier[v];
    const k = earlier.length;
    const a = new Float64Array(k * k);
    for (let p = 0; p < k; p++) {
      a[p * k + p] = matrix.diagonal[earlier[p]];
      for (let q = 0; q < p; q++) {
        const value = lookup(earlier[p], earlier[q]);
        a[p * k + q] = value;
        a[q * k + p] = value;
      }
    }
    if (k > 0 && !choleskyInPlace(a, k)) return undefined;
    const w = new Float64Array(k);
    for (let p = 0; p < k; p++) w[p] = matrix.values[structure.earlierEntries[v][p]];
    const b = Float64Array.from(w);
    if (k > 0) choleskySolve(a, k, w);
    let schur = matrix.diagonal[v];
    for (let p = 0; p < k; p++) schur -= b[p] * w[p];
    if (!(schur > 0)) return undefined;
    d[v] = 1 / schur;
    for (let p = 0; p < k; p++) entries.push([earlier[p], v, -w[p]]);
  }
  return { d, entries };
}
