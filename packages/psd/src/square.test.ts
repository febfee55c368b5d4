import { describe, expect, it } from 'vitest';
import {
  approximateSquare,
  countingRank,
  parseGeneralMatrix,
  parsePositions,
  squaredEntries,
  type SparseRows,
} from './square.ts';
import { createRandom } from './random.ts';
import { generateSquareInstance } from './square-families.ts';

function denseRows(rows: number, columns: number, seed: number, rank = columns): SparseRows {
  const random = createRandom(seed);
  const left = Array.from({ length: rows }, () =>
    Array.from({ length: rank }, () => random.normal()),
  );
  const right = Array.from({ length: rank }, () =>
    Array.from({ length: columns }, () => random.normal()),
  );
  const start = new Int32Array(rows + 1);
  const index: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      let s = 0;
      for (let k = 0; k < rank; k++) s += left[i][k] * right[k][j];
      index.push(j);
      value.push(s);
    }
    start[i + 1] = index.length;
  }
  return { rows, columns, start, index: Int32Array.from(index), value: Float64Array.from(value) };
}

function randomPositions(n: number, count: number, seed: number): [number, number][] {
  const random = createRandom(seed);
  const positions: [number, number][] = [];
  for (let k = 0; k < count; k++) positions.push([1 + random.integer(n), 1 + random.integer(n)]);
  return positions;
}

describe('approximate squaring', () => {
  it('computes the entries of A Aᵀ at the positions without forming A Aᵀ', () => {
    const a = denseRows(5, 3, 1);
    const target = squaredEntries(a, [
      [2, 1],
      [5, 3],
      [3, 5],
    ]);
    expect(target.values).toHaveLength(2);
    const dot = (i: number, j: number) => {
      let s = 0;
      for (let c = 0; c < 3; c++) s += a.value[i * 3 + c] * a.value[j * 3 + c];
      return s;
    };
    expect(target.values[0]).toBeCloseTo(dot(1, 0), 12);
    expect(target.diagonal[4]).toBeCloseTo(dot(4, 4), 12);
  });

  it('returns a verified low-rank Gram factor for a dense A with many columns', () => {
    const n = 120;
    const a = denseRows(n, 200, 2);
    const positions = randomPositions(n, 4 * n, 3);
    const result = approximateSquare(a, positions, { tolerance: 1e-8 });
    expect(result.method).toBe('burer-monteiro');
    expect(result.verification.valid).toBe(true);
    expect(result.rank).toBeLessThan(a.columns);
    expect(result.verification.maxResidual!).toBeLessThan(1e-6 * 200);
  });

  it('parses Matrix Market general matrices and position lists', () => {
    const a = parseGeneralMatrix('%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n');
    expect(Array.from(a.value)).toEqual([1, 3, 2, 4]);
    const coordinate = parseGeneralMatrix(
      '%%MatrixMarket matrix coordinate real general\n2 3 2\n1 3 5\n2 1 -1\n',
    );
    expect(Array.from(coordinate.index)).toEqual([2, 0]);
    expect(parsePositions('[[1, 2], [2, 2]]', 2)).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(
      parsePositions('%%MatrixMarket matrix coordinate pattern symmetric\n2 2 1\n2 1\n', 2),
    ).toEqual([[2, 1]]);
    expect(() => parsePositions('[[1, 3]]', 2)).toThrow(/outside/);
    expect(() =>
      parseGeneralMatrix('%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 NaN\n'),
    ).toThrow(/finite/);
  });
});

describe('approximate squaring on the generated families', () => {
  const families = [
    { family: 'dense', rows: 150, columns: 80, positionsPerRow: 5 },
    { family: 'sparse', rows: 300, columns: 120, positionsPerRow: 10, fill: 0.05 },
    { family: 'sparse', rows: 400, columns: 200, positionsPerRow: 8, fill: 0.01 },
    { family: 'low-rank', rows: 300, columns: 80, positionsPerRow: 6, rank: 12 },
    { family: 'power-law', rows: 300, columns: 120, positionsPerRow: 10 },
  ] as const;

  it.each(families)(
    '$family $rows×$columns: a verified fit of rank ≤ min(p/4, 64) within 1e-8 of the largest entry',
    (options) => {
      const { a, positions } = generateSquareInstance(options);
      const result = approximateSquare(a, positions);
      expect(result.method).toBe('burer-monteiro');
      expect(result.verification.valid).toBe(true);
      expect(result.rank).toBeLessThanOrEqual(Math.min(a.columns / 4, 64));
      expect(result.relativeResidual).toBeLessThanOrEqual(1e-8);
      // The residual is checked independently against A Aᵀ computed here, row by row.
      const target = squaredEntries(a, positions);
      const factor = result.certificate.factor;
      const dot = (i: number, j: number) => factor[i].reduce((s, x, c) => s + x * factor[j][c], 0);
      const largest = Math.max(...target.diagonal);
      let worst = 0;
      for (let i = 0; i < target.n; i++)
        worst = Math.max(worst, Math.abs(dot(i, i) - target.diagonal[i]));
      for (let e = 0; e < target.values.length; e++) {
        const error = Math.abs(dot(target.rows[e], target.columns[e]) - target.values[e]);
        worst = Math.max(worst, error);
      }
      expect(worst / largest, `largest difference ${worst}`).toBeLessThanOrEqual(1e-8);
    },
  );

  it('doubles the rank when a stage stalls (positions forming a 30-clique need rank 30)', () => {
    const { a } = generateSquareInstance({ family: 'dense', rows: 120, columns: 60 });
    const positions: [number, number][] = [];
    for (let i = 1; i <= 30; i++) for (let j = i + 1; j <= 30; j++) positions.push([i, j]);
    const result = approximateSquare(a, positions);
    expect(result.method).toBe('burer-monteiro');
    expect(result.verification.valid).toBe(true);
    expect(result.stages.length).toBeGreaterThan(1);
    expect(result.stages.map((stage) => stage.rank)).toEqual(
      result.stages.map((_, k) => result.stages[0].rank * 2 ** k).map((r) => Math.min(r, 60)),
    );
    expect(result.rank).toBeGreaterThanOrEqual(30);
  });

  it('returns A itself when p is no larger than the rank a fit would start at', () => {
    const { a, positions } = generateSquareInstance({ family: 'dense', rows: 60, columns: 4 });
    const result = approximateSquare(a, positions);
    expect(result.method).toBe('copy-of-A');
    expect(result.rank).toBe(4);
    expect(result.verification.valid).toBe(true);
    expect(result.stages).toEqual([]);
  });

  it('gives zero rows of A zero rows of the factor', () => {
    const { a, positions } = generateSquareInstance({
      family: 'sparse',
      rows: 200,
      columns: 100,
      fill: 0.005,
    });
    const empty = Array.from({ length: a.rows }, (_, i) => i).filter(
      (i) => a.start[i + 1] === a.start[i],
    );
    expect(empty.length).toBeGreaterThan(0);
    const result = approximateSquare(a, positions);
    expect(result.verification.valid).toBe(true);
    expect(result.relativeResidual).toBeLessThanOrEqual(1e-8);
    for (const i of empty) expect(result.certificate.factor[i].every((x) => x === 0)).toBe(true);
  });

  it('counts the rank a generic fit needs at least', () => {
    expect(countingRank(100, 100)).toBe(1);
    expect(countingRank(2000, 22000)).toBe(12);
    expect(countingRank(3, 6)).toBe(3);
  });
});
