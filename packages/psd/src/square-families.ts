import { PsdError } from './errors.ts';
import { createRandom } from './random.ts';
import type { SparseRows } from './square.ts';

/** The benchmark families of approximate squaring (problem 2). */
export const squareFamilies = ['dense', 'sparse', 'low-rank', 'power-law'] as const;

/** One of `squareFamilies`. */
export type SquareFamily = (typeof squareFamilies)[number];

/** Options of a generated squaring instance; every field has a default documented beside it. */
export interface SquareInstanceOptions {
  /** dense: Gaussian entries; sparse: each entry non-zero with probability `fill`; low-rank: A = L R of rank `rank`; power-law: dense rows scaled by (rank of the row)^(−exponent), shuffled. */
  family: SquareFamily;
  /** Rows n of A (the order of A Aᵀ). */
  rows: number;
  /** Columns p of A. */
  columns: number;
  /** Off-diagonal positions per row (m − n = positionsPerRow·n, drawn uniformly with i < j). Default 10. */
  positionsPerRow?: number;
  /** sparse: probability that an entry is non-zero. Default 0.05. */
  fill?: number;
  /** low-rank: the rank of A. Default 12. */
  rank?: number;
  /** power-law: row i's norm is proportional to (1 + its place in a shuffled order)^(−exponent). Default 1. */
  exponent?: number;
  /** Seed of the generator. Default 1. */
  seed?: number;
}

/** A generated squaring instance: A and its positions (1-based like `approximateSquare`'s, i < j; the diagonal is always included). */
export interface SquareInstance {
  a: SparseRows;
  positions: [number, number][];
  /** A short name such as `sparse 2000×400 fill=0.05 m/n=11`. */
  name: string;
}

/** Generates A and uniformly drawn positions for one squaring family. */
export function generateSquareInstance(options: SquareInstanceOptions): SquareInstance {
  const {
    family,
    rows,
    columns,
    positionsPerRow = 10,
    fill = 0.05,
    rank = 12,
    exponent = 1,
    seed = 1,
  } = options;
  if (!squareFamilies.includes(family)) {
    throw new PsdError('generate.square-family', `unknown squaring family "${String(family)}"`, {
      hint: `use ${squareFamilies.join(', ')}`,
    });
  }
  if (!(rows >= 2) || !(columns >= 1) || !(fill > 0 && fill <= 1)) {
    throw new PsdError(
      'generate.square-size',
      `need rows ≥ 2, columns ≥ 1 and 0 < fill ≤ 1 (got ${rows}, ${columns}, ${fill})`,
    );
  }
  const random = createRandom(seed * 104729 + rows);
  const start = new Int32Array(rows + 1);
  const index: number[] = [];
  const value: number[] = [];
  const left =
    family === 'low-rank'
      ? Array.from({ length: rows }, () => Array.from({ length: rank }, () => random.normal()))
      : [];
  const right =
    family === 'low-rank'
      ? Array.from({ length: rank }, () => Array.from({ length: columns }, () => random.normal()))
      : [];
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let i = 0; i < rows; i++) {
    const scale = family === 'power-law' ? (1 + order[i]) ** -exponent : 1;
    for (let j = 0; j < columns; j++) {
      let x: number;
      if (family === 'sparse') {
        if (random.next() >= fill) continue;
        x = random.normal();
      } else if (family === 'low-rank') {
        x = 0;
        for (let k = 0; k < rank; k++) x += left[i][k] * right[k][j];
      } else {
        x = scale * random.normal();
      }
      index.push(j);
      value.push(x);
    }
    start[i + 1] = index.length;
  }
  const a: SparseRows = {
    rows,
    columns,
    start,
    index: Int32Array.from(index),
    value: Float64Array.from(value),
  };
  const wanted = Math.min(Math.round(positionsPerRow * rows), (rows * (rows - 1)) / 2);
  const seen = new Set<number>();
  const positions: [number, number][] = [];
  while (positions.length < wanted) {
    const i = random.integer(rows);
    const j = random.integer(rows);
    if (i === j) continue;
    const low = Math.min(i, j);
    const high = Math.max(i, j);
    const key = low * rows + high;
    if (seen.has(key)) continue;
    seen.add(key);
    positions.push([low + 1, high + 1]);
  }
  const detail =
    family === 'sparse'
      ? ` fill=${fill}`
      : family === 'low-rank'
        ? ` rank=${rank}`
        : family === 'power-law'
          ? ` exponent=${exponent}`
          : '';
  return {
    a,
    positions,
    name: `${family} ${rows}×${columns}${detail} m/n=${positionsPerRow + 1}`,
  };
}

/** A as Matrix Market `coordinate real general` text (1-based), the input `psd square` reads. */
export function formatGeneralMatrix(a: SparseRows, comment?: string): string {
  const lines = ['%%MatrixMarket matrix coordinate real general'];
  if (comment) lines.push(`% ${comment}`);
  lines.push(`${a.rows} ${a.columns} ${a.value.length}`);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.start[i]; p < a.start[i + 1]; p++) {
      lines.push(`${i + 1} ${a.index[p] + 1} ${a.value[p]}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Positions (1-based) as JSON [[i, j], …], the other input `psd square` reads. */
export function formatPositions(positions: [number, number][]): string {
  return JSON.stringify(positions) + '\n';
}
