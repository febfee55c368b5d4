import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { generateInstance } from './generate.ts';
import { fromEntries } from './partial-matrix.ts';
import { verifyCertificate } from './verify.ts';

/** A NO instance whose only certificates are global (no small witness, no violated cycle). */
const spreadNo = () =>
  generateInstance({ pattern: 'random', kind: 'no', obstruction: 'spread', n: 1000, seed: 1 });

describe('decide on non-chordal patterns (Burer–Monteiro + localisation)', () => {
  it.each([
    ['random', 'yes', 150],
    ['random', 'no', 150],
    ['grid', 'yes', 144],
    ['grid', 'no', 144],
  ] as const)('%s-%s n=%i: right verdict, certificate verified', (pattern, kind, n) => {
    const instance = generateInstance({
      pattern,
      kind,
      n,
      density: 5,
      margin: 0.05,
      scaleDiagonal: true,
      seed: 11,
    });
    const decision = decide(instance.matrix, { epsilon: 0.05, maxSeconds: 60 });
    expect(decision.verdict).toBe(instance.expected);
    const verification = verifyCertificate(instance.matrix, decision.certificate!);
    expect(verification.valid).toBe(true);
    if (kind === 'yes') expect(verification.rigorous).toBe(true);
    expect(decision.stats.path).toBe('burer-monteiro');
  });

  it('handles components of both kinds and an all-zero row', () => {
    // Vertices 0–2: a chordal path; 3–6: a realisable 4-cycle (angles 0.3, 0.3, 0.3, 0.9); 7: zero row.
    const c = Math.cos(0.3);
    const matrix = fromEntries(
      8,
      [1, 2, 1, 1, 1, 1, 1, 0],
      [
        [1, 0, 0.5],
        [2, 1, 0.3],
        [4, 3, c],
        [5, 4, c],
        [6, 5, c],
        [6, 3, Math.cos(0.9)],
      ],
    );
    const decision = decide(matrix, { epsilon: 0.01 });
    expect(decision.stats.path).toBe('chordal+burer-monteiro');
    // The cycle sits exactly on the boundary (t* = 0 for it), so "completable" needs no margin: either a
    // rigorous completion or an honest undecided is acceptable, never "not-completable".
    expect(decision.verdict).not.toBe('not-completable');
    const slack = fromEntries(
      8,
      [1, 2, 1, 1, 1, 1, 1, 0],
      [
        [1, 0, 0.5],
        [2, 1, 0.3],
        [4, 3, 0.9 * c],
        [5, 4, 0.9 * c],
        [6, 5, 0.9 * c],
        [6, 3, 0.9 * Math.cos(0.9)],
      ],
    );
    const slackDecision = decide(slack, { epsilon: 0.05 });
    expect(slackDecision.verdict).toBe('completable');
    const verification = verifyCertificate(slack, slackDecision.certificate!);
    expect(verification.valid && verification.rigorous).toBe(true);
    expect(
      slackDecision.certificate!.kind === 'gram' &&
        slackDecision.certificate!.factor[7].every((x) => x === 0),
    ).toBe(true);
  });

  it('answers from O(m) preprocessing: negative diagonal and 2×2 violations', () => {
    const negative = fromEntries(3, [1, -0.5, 1], [[1, 0, 0.1]]);
    const first = decide(negative);
    expect(first.verdict).toBe('not-completable');
    expect(first.stats.path).toBe('preprocess');
    const twoByTwo = fromEntries(
      3,
      [1, 4, 1],
      [
        [1, 0, 2.5],
        [2, 1, 0.1],
      ],
    );
    const second = decide(twoByTwo);
    expect(second.verdict).toBe('not-completable');
    expect(verifyCertificate(twoByTwo, second.certificate!).valid).toBe(true);
    const zeroRow = fromEntries(2, [0, 1], [[1, 0, 0.2]]);
    expect(decide(zeroRow).verdict).toBe('not-completable');
  });

  it('says undecided when the budget runs out', () => {
    const instance = generateInstance({
      pattern: 'random',
      kind: 'yes',
      n: 200,
      density: 5,
      margin: 0.05,
      seed: 2,
    });
    const decision = decide(instance.matrix, { epsilon: 0.05, maxIterations: 3 });
    expect(decision.verdict).toBe('undecided');
    expect(String(decision.stats.reason)).toContain('budget');
  });

  it('a spread NO instance with a tiny budget says undecided on the budget, not a late verdict', () => {
    const { matrix } = spreadNo();
    const decision = decide(matrix, { epsilon: 0.01, maxSeconds: 0.05 });
    expect(decision.verdict).toBe('undecided');
    expect(String(decision.stats.reason)).toContain('budget');
  });

  it('decides a spread NO instance (a global dual over hundreds of vertices) with a verified certificate', () => {
    const { matrix } = spreadNo();
    const decision = decide(matrix, { epsilon: 0.01 });
    expect(decision.verdict, String(decision.stats.reason)).toBe('not-completable');
    const verification = verifyCertificate(matrix, decision.certificate!);
    expect(verification.valid, verification.reason).toBe(true);
  });
});
