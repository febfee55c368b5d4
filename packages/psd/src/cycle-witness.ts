import type { Adjacency, PartialMatrix } from './partial-matrix.ts';

/**
 * Angular metric violations. In any PSD completion of a unit-diagonal matrix the rows are unit vectors, and
 * the angle θ_uv = arccos a_uv between them is a metric on the sphere. So an edge e = (u, v) whose angle
 * exceeds the length of a path P from u to v (edge lengths θ) proves "no completion" — a cycle condition
 * violation, however long the cycle. The dual certificate lives on that cycle only: fan-triangulate it from u
 * and place the path's vertices in a plane at angles ψ_j = θ_1 + … + θ_j; every triangle (u, c_j, c_{j+1})
 * is then singular with null vector (sin θ_{j+1}, −sin ψ_{j+1}, sin ψ_j), and weights w_j > 0 chosen so that
 * the chords (u, c_j) cancel give Y = Σ w_j u_j u_jᵀ ⪰ 0 on the cycle's own entries, with
 * ⟨Y, A⟩ = 2 w_{k−1} sin θ_k sin ψ_{k−1} (cos θ_e − cos ψ_k) < 0. O(L) for a cycle of L vertices.
 */

/** Binary min-heap of (distance, vertex) for a bounded Dijkstra. */
class DistanceHeap {
  private keys: number[] = [];
  private vertices: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, vertex: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.vertices.push(vertex);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.vertices[i] = this.vertices[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.vertices[i] = vertex;
  }

  pop(): [number, number] {
    const top: [number, number] = [this.keys[0], this.vertices[0]];
    const lastKey = this.keys.pop()!;
    const lastVertex = this.vertices.pop()!;
    const size = this.keys.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const child = left + 1 < size && this.keys[left + 1] < this.keys[left] ? left + 1 : left;
        if (this.keys[child] >= lastKey) break;
        this.keys[i] = this.keys[child];
        this.vertices[i] = this.vertices[child];
        i = child;
      }
      this.keys[i] = lastKey;
      this.vertices[i] = lastVertex;
    }
    return top;
  }
}

/** Scratch arrays reused across searches on one matrix. */
interface Search {
  distance: Float64Array;
  previousEntry: Int32Array;
  touched: number[];
  /** Edge relaxations done so far (all searches). */
  work: number;
}

/**
 * True when a path from `source` to `target` avoiding entry `skip` is shorter than `bound` in the angle
 * metric (Dijkstra cut at `bound`); `search.previousEntry` then holds it.
 */
function shorterPath(
  adjacency: Adjacency,
  angle: Float64Array,
  source: number,
  target: number,
  skip: number,
  bound: number,
  search: Search,
): boolean {
  const { distance, previousEntry, touched } = search;
  for (const v of touched) {
    distance[v] = Infinity;
    previousEntry[v] = -1;
  }
  touched.length = 0;
  const heap = new DistanceHeap();
  distance[source] = 0;
  touched.push(source);
  heap.push(0, source);
  while (heap.size > 0) {
    const [d, v] = heap.pop();
    if (d > distance[v]) continue;
    if (d >= bound) return false;
    if (v === target) break;
    search.work += adjacency.start[v + 1] - adjacency.start[v];
    for (let p = adjacency.start[v]; p < adjacency.start[v + 1]; p++) {
      const e = adjacency.entry[p];
      if (e === skip) continue;
      const w = adjacency.neighbor[p];
      const next = d + angle[e];
      if (next < distance[w] && next < bound) {
        if (distance[w] === Infinity) touched.push(w);
        distance[w] = next;
        previousEntry[w] = e;
        heap.push(next, w);
      }
    }
  }
  return distance[target] < bound;
}

/** The vertices and entry ids of the path found by `shorterPath`, from source to target. */
function tracePath(
  matrix: PartialMatrix,
  search: Search,
  source: number,
  target: number,
): { vertices: number[]; entries: number[] } {
  const vertices = [target];
  const entries: number[] = [];
  for (let v = target; v !== source;) {
    const e = search.previousEntry[v];
    entries.push(e);
    v = matrix.rows[e] === v ? matrix.columns[e] : matrix.rows[e];
    vertices.push(v);
  }
  return { vertices: vertices.reverse(), entries: entries.reverse() };
}

/**
 * The dual certificate of the cycle (path from u, then the closing entry back to u) on a unit-diagonal
 * matrix, keyed i·n + j (i ≥ j); undefined when an angle on the path is 0 or π (the sines vanish).
 */
function cycleCertificate(
  matrix: PartialMatrix,
  angle: Float64Array,
  path: { vertices: number[]; entries: number[] },
): Map<number, number> | undefined {
  const { vertices, entries } = path;
  const k = entries.length; // path edges; the cycle has k + 1 vertices
  const psi = new Float64Array(k + 1);
  for (let j = 1; j <= k; j++) psi[j] = psi[j - 1] + angle[entries[j - 1]];
  const sines = (j: number): number => Math.sin(angle[entries[j - 1]]); // sin θ_j, path edge j
  for (let j = 1; j <= k; j++) if (!(sines(j) > 0) || !(Math.sin(psi[j]) > 0)) return undefined;
  // Triangle j (j = 1..k−1) on (u, c_j, c_{j+1}): null vector (sin θ_{j+1}, −sin ψ_{j+1}, sin ψ_j).
  const weights = new Float64Array(k);
  weights[1] = 1;
  for (let j = 1; j + 1 <= k - 1; j++) {
    weights[j + 1] =
      (weights[j] * sines(j + 1) * Math.sin(psi[j])) / (sines(j + 2) * Math.sin(psi[j + 2]));
  }
  let largest = 0;
  for (let j = 1; j < k; j++) largest = Math.max(largest, weights[j]);
  const n = matrix.n;
  const certificate = new Map<number, number>();
  const add = (a: number, b: number, y: number): void => {
    const key = Math.max(a, b) * n + Math.min(a, b);
    certificate.set(key, (certificate.get(key) ?? 0) + y);
  };
  const hub = vertices[0];
  for (let j = 1; j < k; j++) {
    const w = weights[j] / largest;
    const triangle = [hub, vertices[j], vertices[j + 1]];
    const vector = [sines(j + 1), -Math.sin(psi[j + 1]), Math.sin(psi[j])];
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q <= p; q++) {
        // The chords (u, c_j), 2 ≤ j ≤ k − 1, cancel between neighbouring triangles: leave them out.
        const chord =
          p !== q &&
          (triangle[p] === hub || triangle[q] === hub) &&
          !((j === 1 && (p === 1 || q === 1)) || (j === k - 1 && (p === 2 || q === 2)));
        if (!chord) add(triangle[p], triangle[q], w * vector[p] * vector[q]);
      }
    }
  }
  return certificate;
}

/** Options of `metricViolation`; defaults are commented. */
export interface MetricViolationOptions {
  /** Entries tried, most suspicious first (by the caller's score, e.g. |residual|). Default all. */
  candidates?: Iterable<number>;
  /** How many candidate entries to try. Default all. */
  tries?: number;
  /** Stop after this many edge relaxations over all searches. Default 400·(n + m). */
  maxWork?: number;
}

/**
 * Looks for an entry (u, v) of a unit-diagonal matrix whose angle exceeds a path's from u to v (a violated
 * cycle condition) among the candidate entries, and returns the cycle's dual certificate (keys i·n + j, i ≥ j)
 * or undefined.
 */
export function metricViolation(
  matrix: PartialMatrix,
  adjacency: Adjacency,
  options: MetricViolationOptions = {},
): Map<number, number> | undefined {
  const { n, rows, columns, values } = matrix;
  const { tries = Infinity, maxWork = 400 * (n + values.length) } = options;
  const angle = Float64Array.from(values, (a) => Math.acos(Math.max(-1, Math.min(1, a))));
  const search: Search = {
    distance: new Float64Array(n).fill(Infinity),
    previousEntry: new Int32Array(n).fill(-1),
    touched: [],
    work: 0,
  };
  let tried = 0;
  const candidates = options.candidates ?? Array.from(values, (_, e) => e);
  for (const e of candidates) {
    if (tried++ >= tries || search.work > maxWork) break;
    // A relative slack keeps rounding in the angles from making a tight cycle look violated.
    const bound = angle[e] - 1e-9;
    if (!(bound > 0)) continue;
    if (!shorterPath(adjacency, angle, rows[e], columns[e], e, bound, search)) continue;
    const path = tracePath(matrix, search, rows[e], columns[e]);
    if (path.entries.length < 2) continue;
    const certificate = cycleCertificate(matrix, angle, path);
    if (certificate) return certificate;
  }
  return undefined;
}
