import { describe, expect, it } from 'vitest';
import { chordalStructure, maxDeterminantInverse } from './chordal.ts';
import { choleskyInPlace, choleskySolve } from './dense.ts';
import { decide } from './decide.ts';
import { generateInstance } from './generate.ts';
import { fromEntries } from './partial-matrix.ts';
import { verifyCertificate } from './verify.ts';

describe('chordal structure', () => {
  it('recognises chordal and non-chordal patterns', () => {
    const band = generateInstance({ pattern: 'band', kind: 'yes', n: 100, seed: 1 }).matrix;
    expect(chordalStructure(band).violation.some((x) => x === 1)).toBe(false);
    const ktree = generateInstance({ pattern: 'ktree', kind: 'yes', n: 100, seed: 1 }).matrix;
    expect(chordalStructure(ktree).violation.some((x) => x === 1)).toBe(false);
    const square = fromEntries(
      4,
      [1, 1, 1, 1],
      [
        [1, 0, 0.1],
        [2, 1, 0.1],
        [3, 2, 0.1],
        [3, 0, 0.1],
      ],
    );
    expect(chordalStructure(square).violation.some((x) => x === 1)).toBe(true);
    const random = generateInstance({ pattern: 'random', kind: 'yes', n: 100, seed: 1 }).matrix;
    expect(chordalStructure(random).violation.some((x) => x === 1)).toBe(true);
  });
});

describe('chordal fast path (GJSW)', () => {
  it.each([
    ['band', 'yes'],
    ['band', 'no'],
    ['ktree', 'yes'],
    ['ktree', 'no'],
  ] as const)('decides %s-%s exactly with a verified certificate', (pattern, kind) => {
    const instance = generateInstance({
      pattern,
      kind,
      n: 500,
      density: 6,
      margin: 0.05,
      scaleDiagonal: true,
      seed: 5,
    });
    const decision = decide(instance.matrix, { epsilon: 0.05 });
    expect(decision.stats.path).toBe('chordal');
    expect(decision.verdict).toBe(instance.expected);
    const verification = verifyCertificate(instance.matrix, decision.certificate!);
    expect(verification.valid).toBe(true);
    if (kind === 'yes') expect(verification.rigorous).toBe(true);
  });

  it('reports a singular boundary clique as undecided rather than guessing', () => {
    // A 3-clique that is PSD but singular: vectors e1, e1, e1 → all entries 1 is caught as 2×2-singular, so use
    // three coplanar unit vectors at 0°, 60°, 120°.
    const c = Math.cos(Math.PI / 3);
    const matrix = fromEntries(
      3,
      [1, 1, 1],
      [
        [1, 0, c],
        [2, 1, c],
        [2, 0, -c],
      ],
    );
    const decision = decide(matrix, { epsilon: 0.01 });
    expect(decision.verdict).toBe('undecided');
  });
});

describe('maximum-determinant completion', () => {
  it('gives X⁻¹ on the pattern whose inverse agrees with A on every specified entry', () => {
    const { matrix } = generateInstance({
      pattern: 'ktree',
      kind: 'yes',
      n: 40,
      density: 4,
      margin: 0.1,
      seed: 3,
    });
    const structure = chordalStructure(matrix);
    const result = maxDeterminantInverse(matrix, structure)!;
    const n = matrix.n;
    // W = Σ_v d_v ℓ_v ℓ_vᵀ with ℓ_v = e_v + Σ L_uv e_u.
    const columns: Map<number, number>[] = Array.from({ length: n }, (_, v) => new Map([[v, 1]]));
    for (const [u, v, value] of result.entries) columns[v].set(u, value);
    const w = new Float64Array(n * n);
    columns.forEach((column, v) => {
      for (const [a, x] of column) for (const [b, y] of column) w[a * n + b] += result.d[v] * x * y;
    });
    // X = W⁻¹ by Cholesky solves.
    const factor = Float64Array.from(w);
    expect(choleskyInPlace(factor, n)).toBe(true);
    const x = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      choleskySolve(factor, n, e);
      for (let i = 0; i < n; i++) x[i * n + j] = e[i];
    }
    let largest = 0;
    for (let i = 0; i < n; i++)
      largest = Math.max(largest, Math.abs(x[i * n + i] - matrix.diagonal[i]));
    for (let e = 0; e < matrix.values.length; e++) {
      largest = Math.max(
        largest,
        Math.abs(x[matrix.rows[e] * n + matrix.columns[e]] - matrix.values[e]),
      );
    }
    expect(largest, `largest difference ${largest}`).toBeLessThan(1e-9);
  });
});
