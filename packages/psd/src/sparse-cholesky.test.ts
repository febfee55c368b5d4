import { describe, expect, it } from 'vitest';
import { choleskyInPlace, symmetricEigen } from './dense.ts';
import type { SparseSymmetric } from './psd-check.ts';
import { createRandom } from './random.ts';
import { denseCholesky, sparseCholesky } from './sparse-cholesky.ts';

/** A random symmetric matrix with about `degree` off-diagonal entries per row, and its dense copy. */
function randomSparse(n: number, degree: number, seed: number) {
  const random = createRandom(seed);
  const pairs = new Map<number, number>();
  for (let e = 0; e < (n * degree) / 2; e++) {
    const i = random.integer(n);
    const j = random.integer(n);
    if (i !== j) pairs.set(Math.max(i, j) * n + Math.min(i, j), random.normal());
  }
  const matrix: SparseSymmetric = {
    n,
    diagonal: Float64Array.from({ length: n }, () => random.normal()),
    rows: Int32Array.from([...pairs.keys()], (k) => Math.floor(k / n)),
    columns: Int32Array.from([...pairs.keys()], (k) => k % n),
    values: Float64Array.from(pairs.values()),
  };
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) dense[i * n + i] = matrix.diagonal[i];
  for (let e = 0; e < matrix.values.length; e++) {
    dense[matrix.rows[e] * n + matrix.columns[e]] = matrix.values[e];
    dense[matrix.columns[e] * n + matrix.rows[e]] = matrix.values[e];
  }
  return { matrix, dense };
}

function shifted(dense: Float64Array, n: number, shift: number): Float64Array {
  const copy = Float64Array.from(dense);
  for (let i = 0; i < n; i++) copy[i * n + i] += shift;
  return copy;
}

describe('sparse Cholesky with a dense finish', () => {
  // Degrees 2 (stays sparse), 6 and 24 (fills in and switches to the dense Schur complement).
  it.each([
    [90, 2, 1],
    [120, 6, 2],
    [150, 24, 3],
    [200, 40, 4],
  ])('agrees with the eigenvalues on n = %i, degree %i (seed %i)', (n, degree, seed) => {
    const { matrix, dense } = randomSparse(n, degree, seed);
    const lambdaMin = symmetricEigen(dense, n).values[0];
    const gap = 1e-3 * Math.max(1, Math.abs(lambdaMin));
    // Just above −λmin every pivot is positive; just below, the factorisation must fail.
    expect(sparseCholesky(matrix, -lambdaMin + gap)).toBe('positive');
    expect(sparseCholesky(matrix, -lambdaMin - gap)).toBe('not-positive');
    expect(denseCholesky(shifted(dense, n, -lambdaMin + gap), n)).toBe('positive');
    expect(denseCholesky(shifted(dense, n, -lambdaMin - gap), n)).toBe('not-positive');
  });

  it('the blocked dense factor equals the unblocked reference', () => {
    const n = 150; // three panels
    const { dense } = randomSparse(n, 30, 5);
    const lambdaMin = symmetricEigen(dense, n).values[0];
    const blocked = shifted(dense, n, 1 - lambdaMin);
    const reference = Float64Array.from(blocked);
    expect(denseCholesky(blocked, n)).toBe('positive');
    expect(choleskyInPlace(reference, n)).toBe(true);
    let largest = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++)
        largest = Math.max(largest, Math.abs(blocked[i * n + j] - reference[i * n + j]));
    expect(largest, `largest difference ${largest}`).toBeLessThan(1e-10);
  });

  it('returns timeout once the deadline has passed (after the first panel)', () => {
    const n = 300;
    const { matrix, dense } = randomSparse(n, 40, 6);
    const past = performance.now() - 1;
    expect(denseCholesky(shifted(dense, n, 1000), n, past)).toBe('timeout');
    expect(sparseCholesky(matrix, 1000, past)).toBe('timeout');
    // A single panel always finishes.
    const small = randomSparse(40, 4, 7);
    expect(denseCholesky(shifted(small.dense, 40, 1000), 40, past)).toBe('positive');
  });
});
