import { describe, expect, it } from 'vitest';
import {
  completionFormats,
  denseForm,
  lowRankSparseForm,
  refineGramCertificate,
} from './completion.ts';
import { decide } from './decide.ts';
import { generateInstance, type PatternKind } from './generate.ts';
import type { PartialMatrix } from './partial-matrix.ts';
import { verifyCertificate } from './verify.ts';

/** Largest |x_ij − a_ij| over the specified entries, for x given entry-wise, and the largest |a_ij|. */
function mismatch(
  matrix: PartialMatrix,
  entry: (i: number, j: number) => number,
): { worst: number; largest: number } {
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < matrix.n; i++) {
    worst = Math.max(worst, Math.abs(entry(i, i) - matrix.diagonal[i]));
    largest = Math.max(largest, Math.abs(matrix.diagonal[i]));
  }
  for (let e = 0; e < matrix.values.length; e++) {
    worst = Math.max(worst, Math.abs(entry(matrix.rows[e], matrix.columns[e]) - matrix.values[e]));
    largest = Math.max(largest, Math.abs(matrix.values[e]));
  }
  return { worst, largest };
}

function dot(x: number[], y: number[]): number {
  let s = 0;
  for (let c = 0; c < x.length; c++) s += x[c] * y[c];
  return s;
}

describe('exact completions', () => {
  const cases: [PatternKind, boolean][] = [
    ['random', false],
    ['grid', true],
    ['band', false],
    ['ktree', true],
  ];
  for (const [pattern, scaleDiagonal] of cases) {
    it(`${pattern}${scaleDiagonal ? ' (scaled diagonal)' : ''}: every format matches within 1e-9 of the largest entry and verifies`, () => {
      const { matrix } = generateInstance({ pattern, kind: 'yes', n: 120, scaleDiagonal, seed: 5 });
      const decision = decide(matrix, { epsilon: 0.01 });
      expect(decision.verdict).toBe('completable');
      if (decision.certificate?.kind !== 'gram') throw new Error('expected a Gram certificate');
      const refined = refineGramCertificate(matrix, decision.certificate);
      if (!refined) throw new Error('refinement ran out of budget');

      const factor = mismatch(matrix, (i, j) => dot(refined.factor[i], refined.factor[j]));
      expect(factor.worst, `factor off by ${factor.worst}`).toBeLessThanOrEqual(
        1e-9 * factor.largest,
      );
      expect(verifyCertificate(matrix, refined)).toMatchObject({ valid: true, rigorous: true });

      const lowRank = lowRankSparseForm(matrix, refined);
      const sparse = new Map(lowRank.sparse.map(([i, j, e]) => [`${i - 1},${j - 1}`, e]));
      const exact = mismatch(
        matrix,
        (i, j) =>
          dot(lowRank.factor[i], lowRank.factor[j]) +
          (i === j ? lowRank.sigma[i] ** 2 : 0) -
          (sparse.get(`${i},${j}`) ?? 0),
      );
      expect(exact.worst, `low-rank-sparse off by ${exact.worst}`).toBeLessThanOrEqual(
        1e-9 * exact.largest,
      );
      expect(verifyCertificate(matrix, lowRank)).toMatchObject({ valid: true, rigorous: true });

      const dense = denseForm(matrix, refined);
      expect(mismatch(matrix, (i, j) => dense.matrix[i][j]).worst).toBeLessThanOrEqual(
        1e-9 * exact.largest,
      );
      expect(verifyCertificate(matrix, dense)).toMatchObject({ valid: true, rigorous: true });
    });
  }

  it('the unrefined certificate also gives an exact low-rank-sparse form', () => {
    const { matrix } = generateInstance({ pattern: 'random', kind: 'yes', n: 80, seed: 2 });
    const decision = decide(matrix, { epsilon: 0.01 });
    if (decision.certificate?.kind !== 'gram') throw new Error('expected a Gram certificate');
    const verification = verifyCertificate(matrix, lowRankSparseForm(matrix, decision.certificate));
    expect(verification.valid).toBe(true);
    expect(verification.maxResidual).toBeLessThanOrEqual(1e-12);
  });

  it('rejects tampered completions', () => {
    const { matrix } = generateInstance({ pattern: 'grid', kind: 'yes', n: 60, seed: 3 });
    const decision = decide(matrix, { epsilon: 0.01 });
    if (decision.certificate?.kind !== 'gram') throw new Error('expected a Gram certificate');
    const lowRank = lowRankSparseForm(matrix, decision.certificate);
    // A specified entry off by 1e-6 fails the match.
    const shifted = structuredClone(lowRank);
    shifted.sparse[0][2] += 1e-6;
    expect(verifyCertificate(matrix, shifted).valid).toBe(false);
    // σ too small for E: diag(σ²) − E is no longer proven PSD (the match is kept by moving σ² into E).
    const weak = structuredClone(lowRank);
    const diagonal = new Map(weak.sparse.filter(([i, j]) => i === j).map((x) => [x[0], x]));
    weak.sigma = weak.sigma.map((s, i) => {
      const entry = diagonal.get(i + 1) ?? [i + 1, i + 1, 0];
      if (!diagonal.has(i + 1)) weak.sparse.push(entry);
      entry[2] -= s * s * 0.999999;
      return s * 1e-3;
    });
    expect(verifyCertificate(matrix, weak).valid).toBe(false);
    const dense = denseForm(matrix, decision.certificate);
    const asymmetric = structuredClone(dense);
    asymmetric.matrix[1][0] += 1e-3;
    expect(verifyCertificate(matrix, asymmetric).valid).toBe(false);
    // An indefinite dense matrix that matches the pattern: a huge unspecified entry.
    const indefinite = structuredClone(dense);
    const specified = new Set(Array.from(matrix.rows, (i, e) => `${i},${matrix.columns[e]}`));
    let placed = false;
    for (let i = 1; i < matrix.n && !placed; i++) {
      for (let j = 0; j < i && !placed; j++) {
        if (specified.has(`${i},${j}`)) continue;
        indefinite.matrix[i][j] = indefinite.matrix[j][i] = 100;
        placed = true;
      }
    }
    expect(verifyCertificate(matrix, indefinite).valid).toBe(false);
    expect(completionFormats).toEqual(['factor', 'low-rank-sparse', 'dense']);
  });
});
