import { describe, expect, it } from 'vitest';
import {
  approximateSquare,
  parseGeneralMatrix,
  parsePositions,
  squaredEntries,
  type SparseRows,
} from './square.ts';
import { createRandom } from './random.ts';

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
