import { describe, expect, it } from 'vitest';
import type { DualCertificate } from './certificate.ts';
import { decide } from './decide.ts';
import { generateInstance } from './generate.ts';
import { fromEntries } from './partial-matrix.ts';
import { verifyCertificate } from './verify.ts';

// A 4-cycle with entries cos θ: completable iff the cycle condition holds.
const cosines = (angles: number[]) =>
  fromEntries(
    4,
    [1, 1, 1, 1],
    [
      [1, 0, Math.cos(angles[0])],
      [2, 1, Math.cos(angles[1])],
      [3, 2, Math.cos(angles[2])],
      [3, 0, Math.cos(angles[3])],
    ],
  );

describe('gram certificates', () => {
  const matrix = cosines([0.3, 0.3, 0.3, 0.9]); // realisable on a circle: closing angle = sum of the others
  const circle = [0, 0.3, 0.6, 0.9].map((phi) => [Math.cos(phi), Math.sin(phi)]);

  it('accepts an exact Gram factor within its tolerance', () => {
    const result = verifyCertificate(matrix, { kind: 'gram', factor: circle, tolerance: 1e-12 });
    expect(result.valid).toBe(true);
    expect(result.rigorous).toBe(false);
    expect(result.maxResidual!).toBeLessThan(1e-12);
  });

  it('rejects a factor whose residual exceeds the tolerance, and malformed factors', () => {
    const wrong = circle.map(([x, y]) => [x, y * 0.9]);
    const result = verifyCertificate(matrix, { kind: 'gram', factor: wrong, tolerance: 1e-6 });
    expect(result.valid).toBe(false);
    expect(result.reason).toContain('exceeds');
    expect(
      verifyCertificate(matrix, { kind: 'gram', factor: circle.slice(1), tolerance: 1 }).valid,
    ).toBe(false);
    expect(
      verifyCertificate(matrix, {
        kind: 'gram',
        factor: [[NaN, 0], ...circle.slice(1)],
        tolerance: 1,
      }).valid,
    ).toBe(false);
  });

  it('proves completability rigorously with a shift block', () => {
    // W for A − s·I plus √s on a proper colouring (0,1,0,1 around the 4-cycle).
    const s = 0.1;
    const scaled = circle.map(([x, y]) => [x * Math.sqrt(1 - s), y * Math.sqrt(1 - s)]);
    const inner = cosines([0.3, 0.3, 0.3, 0.9]);
    // Off-diagonal entries of A must be those of W Wᵀ, so rebuild A from the scaled circle.
    const values = Array.from(inner.values, (_, e) => {
      const i = inner.rows[e];
      const j = inner.columns[e];
      return scaled[i][0] * scaled[j][0] + scaled[i][1] * scaled[j][1];
    });
    const a = { ...inner, values: Float64Array.from(values) };
    const factor = scaled.map((row, i) => [
      ...row,
      i % 2 === 0 ? Math.sqrt(s) : 0,
      i % 2 === 1 ? Math.sqrt(s) : 0,
    ]);
    const result = verifyCertificate(a, {
      kind: 'gram',
      factor,
      tolerance: 1e-12,
      shiftColumns: 2,
    });
    expect(result.valid).toBe(true);
    expect(result.rigorous).toBe(true);
    expect(result.completionEigenvalueLowerBound!).toBeGreaterThan(0.09);
    // Same column for adjacent rows breaks the argument.
    const bad = scaled.map((row) => [...row, Math.sqrt(s), 0]);
    const badResult = verifyCertificate(a, { kind: 'gram', factor: bad, tolerance: 10 });
    expect(badResult.valid).toBe(true);
    const badShift = verifyCertificate(a, {
      kind: 'gram',
      factor: bad,
      tolerance: 10,
      shiftColumns: 2,
    });
    expect(badShift.rigorous).toBe(false);
  });
});

describe('dual certificates', () => {
  // Closing angle 1.2 > 0.3 + 0.3 + 0.3: violates the cycle condition, so no completion exists.
  const matrix = cosines([0.3, 0.3, 0.3, 1.2]);

  it("accepts the solver's certificate and rejects it once an entry is tampered with", () => {
    const decision = decide(matrix, { epsilon: 0.01, verify: false });
    expect(decision.verdict).toBe('not-completable');
    const certificate = decision.certificate as DualCertificate;
    const result = verifyCertificate(matrix, certificate);
    expect(result.valid).toBe(true);
    expect(result.marginUpperBound!).toBeLessThan(0);
    // Y on the 4-cycle: flipping the sign of the closing entry makes ⟨Y, A⟩ positive or Y indefinite.
    const tampered: DualCertificate = {
      kind: 'dual',
      entries: certificate.entries.map(([i, j, y]) => [i, j, i === 4 && j === 1 ? -y : y]),
    };
    expect(verifyCertificate(matrix, tampered).valid).toBe(false);
  });

  it('rejects entries off the pattern, duplicates, positive inner products and indefinite Y', () => {
    expect(verifyCertificate(matrix, { kind: 'dual', entries: [[3, 1, 1]] }).reason).toContain(
      'not a specified entry',
    );
    expect(
      verifyCertificate(matrix, {
        kind: 'dual',
        entries: [
          [1, 1, 1],
          [1, 1, 1],
        ],
      }).reason,
    ).toContain('twice');
    expect(verifyCertificate(matrix, { kind: 'dual', entries: [[1, 1, 1]] }).valid).toBe(false);
    expect(verifyCertificate(matrix, { kind: 'dual', entries: [[1, 2, 1]] }).valid).toBe(false);
    // ⟨Y, A⟩ < 0 but Y indefinite: a negative diagonal.
    const indefinite = verifyCertificate(matrix, { kind: 'dual', entries: [[1, 1, -1]] });
    expect(indefinite.valid).toBe(false);
    expect(indefinite.reason).toContain('could not prove');
  });

  it('accepts the 2×2 witness of an entry larger than the diagonal allows', () => {
    const bad = fromEntries(2, [1, 1], [[1, 0, 1.5]]);
    const result = verifyCertificate(bad, {
      kind: 'dual',
      entries: [
        [1, 1, 1],
        [2, 2, 1],
        [2, 1, -1],
      ],
    });
    expect(result.valid).toBe(true);
    expect(result.marginUpperBound!).toBeLessThan(-0.99);
  });
});

describe('dual certificates on a spread support (sparse factorisation with a dense finish)', () => {
  // The Hoffman dual s·I + adjacency of a spread NO instance: its support is every vertex (> 400, so
  // the sparse path with the Lanczos-chosen shift runs), and its factor fills in.
  const violation = 0.1;
  const { matrix } = generateInstance({
    pattern: 'random',
    kind: 'no',
    obstruction: 'spread',
    n: 600,
    violation,
    seed: 3,
  });
  const c = -matrix.values[0];
  const s = ((c * 2 * matrix.values.length) / ((1 + violation) * matrix.n)) * (1 + violation / 2);
  const hoffman = (diagonal: (i: number) => number, sign = 1): DualCertificate => {
    const entries: [number, number, number][] = [];
    for (let i = 0; i < matrix.n; i++) entries.push([i + 1, i + 1, diagonal(i)]);
    for (let e = 0; e < matrix.values.length; e++)
      entries.push([matrix.rows[e] + 1, matrix.columns[e] + 1, sign]);
    return { kind: 'dual', entries };
  };

  it('accepts it, and rejects it once tampered with', () => {
    const result = verifyCertificate(
      matrix,
      hoffman(() => s),
    );
    expect(result.valid, result.reason).toBe(true);
    // Every other diagonal entry negated: ⟨Y, A⟩ is still negative, but λmin(Y) ≈ −s − d is far below −β.
    const negated = verifyCertificate(
      matrix,
      hoffman((i) => (i % 2 === 0 ? s : -s)),
    );
    expect(negated.innerProduct!).toBeLessThan(0);
    expect(negated.valid).toBe(false);
    expect(negated.reason).toContain('could not prove');
    // The adjacency's sign flipped: ⟨Y, A⟩ turns positive.
    const flipped = verifyCertificate(
      matrix,
      hoffman(() => s, -1),
    );
    expect(flipped.valid).toBe(false);
    expect(flipped.reason).toContain('not negative');
  });

  it('gives up with timedOut when the deadline has already passed', () => {
    const result = verifyCertificate(
      matrix,
      hoffman(() => s),
      { deadline: performance.now() - 1 },
    );
    expect(result.valid).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.reason).toContain('time budget');
  });
});
