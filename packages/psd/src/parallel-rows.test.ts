import { describe, expect, it } from 'vitest';
import { parallelClasses } from './parallel-rows.ts';
import { approximateSquare, squaredEntries, type SparseRows } from './square.ts';

// Rows 0, 1, 3 are parallel (row 1 = −2·row 0, row 3 = 3·row 0); row 2 has the same support but is not.
const a: SparseRows = {
  rows: 5,
  columns: 6,
  start: Int32Array.from([0, 2, 4, 6, 8, 9]),
  index: Int32Array.from([1, 4, 1, 4, 1, 4, 1, 4, 2]),
  value: Float64Array.from([1, 0.5, -2, -1, 1, 0.25, 3, 1.5, 7]),
};

describe('parallel rows', () => {
  it('joins rows a ±1 position shows parallel, with their signs, and nothing else', () => {
    const target = squaredEntries(a, [
      [1, 2],
      [2, 4],
      [1, 3],
      [3, 5],
    ]);
    const classes = parallelClasses(a, target);
    const [r0, r1, r2, r3, r4] = classes.representative;
    expect([r1, r3]).toEqual([r0, r0]);
    expect([r2, r4]).toEqual([2, 4]);
    const { sign } = classes;
    expect([sign[0] * sign[1], sign[0] * sign[3], sign[2], sign[4]]).toEqual([-1, 1, 1, 1]);
    expect(classes.merged).toBe(2);
  });

  it('lets the squaring fit copy one vector to every row of a class', () => {
    const positions: [number, number][] = [
      [1, 2],
      [2, 4],
      [1, 3],
      [3, 5],
      [1, 5],
    ];
    const result = approximateSquare(a, positions);
    expect(result.verification.valid).toBe(true);
    expect(result.relativeResidual).toBeLessThanOrEqual(1e-8);
  });
});
