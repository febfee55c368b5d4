/**
 * A partially specified real symmetric matrix: the whole diagonal plus off-diagonal entries on a pattern.
 * Off-diagonal entries are stored once, as (row, column) with row > column, 0-based.
 */
export interface PartialMatrix {
  /** Order of the matrix. */
  n: number;
  /** The n diagonal entries. */
  diagonal: Float64Array;
  /** Row of each off-diagonal entry (row > column). */
  rows: Int32Array;
  /** Column of each off-diagonal entry. */
  columns: Int32Array;
  /** Value of each off-diagonal entry. */
  values: Float64Array;
}

/** Compressed adjacency of the pattern: for vertex v, neighbours and entry ids in start[v]..start[v+1]. */
export interface Adjacency {
  start: Int32Array;
  neighbor: Int32Array;
  entry: Int32Array;
}

/** Number of specified entries in the lower triangle, diagonal included (the problem's m). */
export function specifiedCount(matrix: PartialMatrix): number {
  return matrix.n + matrix.values.length;
}

/** Builds the adjacency lists of the pattern in O(n + m). */
export function adjacency(matrix: PartialMatrix): Adjacency {
  const { n, rows, columns } = matrix;
  const edges = rows.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < edges; e++) {
    start[rows[e] + 1]++;
    start[columns[e] + 1]++;
  }
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const neighbor = new Int32Array(2 * edges);
  const entry = new Int32Array(2 * edges);
  for (let e = 0; e < edges; e++) {
    const i = rows[e];
    const j = columns[e];
    neighbor[fill[i]] = j;
    entry[fill[i]++] = e;
    neighbor[fill[j]] = i;
    entry[fill[j]++] = e;
  }
  return { start, neighbor, entry };
}

/** Builds a PartialMatrix from (i, j, value) triples (0-based, any triangle; later duplicates overwrite). */
export function fromEntries(
  n: number,
  diagonal: ArrayLike<number>,
  entries: Iterable<readonly [number, number, number]>,
): PartialMatrix {
  const map = new Map<number, number>();
  for (const [a, b, value] of entries) {
    if (a === b) throw new Error('fromEntries: diagonal entries go in `diagonal`');
    const i = Math.max(a, b);
    const j = Math.min(a, b);
    map.set(i * n + j, value);
  }
  const keys = [...map.keys()].sort((x, y) => x - y);
  const rows = new Int32Array(keys.length);
  const columns = new Int32Array(keys.length);
  const values = new Float64Array(keys.length);
  keys.forEach((key, k) => {
    rows[k] = Math.floor(key / n);
    columns[k] = key % n;
    values[k] = map.get(key)!;
  });
  return { n, diagonal: Float64Array.from(diagonal), rows, columns, values };
}

/** The principal partial submatrix on `vertices` (in that order), with the map old index → new index. */
export function principalSubmatrix(
  matrix: PartialMatrix,
  vertices: ArrayLike<number>,
): { matrix: PartialMatrix; position: Int32Array } {
  const position = new Int32Array(matrix.n).fill(-1);
  for (let k = 0; k < vertices.length; k++) position[vertices[k]] = k;
  const rows: number[] = [];
  const columns: number[] = [];
  const values: number[] = [];
  for (let e = 0; e < matrix.values.length; e++) {
    const i = position[matrix.rows[e]];
    const j = position[matrix.columns[e]];
    if (i < 0 || j < 0) continue;
    rows.push(Math.max(i, j));
    columns.push(Math.min(i, j));
    values.push(matrix.values[e]);
  }
  const diagonal = new Float64Array(vertices.length);
  for (let k = 0; k < vertices.length; k++) diagonal[k] = matrix.diagonal[vertices[k]];
  return {
    matrix: {
      n: vertices.length,
      diagonal,
      rows: Int32Array.from(rows),
      columns: Int32Array.from(columns),
      values: Float64Array.from(values),
    },
    position,
  };
}

/** Connected components of the pattern: a component id per vertex and the number of components. */
export function components(matrix: PartialMatrix): { id: Int32Array; count: number } {
  const { start, neighbor } = adjacency(matrix);
  const id = new Int32Array(matrix.n).fill(-1);
  const stack = new Int32Array(matrix.n);
  let count = 0;
  for (let s = 0; s < matrix.n; s++) {
    if (id[s] >= 0) continue;
    let top = 0;
    stack[top++] = s;
    id[s] = count;
    while (top > 0) {
      const v = stack[--top];
      for (let p = start[v]; p < start[v + 1]; p++) {
        const w = neighbor[p];
        if (id[w] < 0) {
          id[w] = count;
          stack[top++] = w;
        }
      }
    }
    count++;
  }
  return { id, count };
}

/** Greedy colouring of the pattern graph (largest degree first): adjacent vertices get different colours. */
export function greedyColoring(matrix: PartialMatrix): { color: Int32Array; count: number } {
  const { start, neighbor } = adjacency(matrix);
  const n = matrix.n;
  const order = Array.from({ length: n }, (_, v) => v).sort(
    (a, b) => start[b + 1] - start[b] - (start[a + 1] - start[a]),
  );
  const color = new Int32Array(n).fill(-1);
  const usedBy = new Int32Array(n + 1).fill(-1);
  let count = 0;
  for (const v of order) {
    for (let p = start[v]; p < start[v + 1]; p++) {
      const c = color[neighbor[p]];
      if (c >= 0) usedBy[c] = v;
    }
    let c = 0;
    while (usedBy[c] === v) c++;
    color[v] = c;
    if (c + 1 > count) count = c + 1;
  }
  return { color, count };
}
