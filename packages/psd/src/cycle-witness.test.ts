import { describe, expect, it } from 'vitest';
import { metricViolation } from './cycle-witness.ts';
import { decide } from './decide.ts';
import { generateInstance } from './generate.ts';
import { adjacency, fromEntries } from './partial-matrix.ts';
import { verifyCertificate } from './verify.ts';

function asDual(n: number, certificate: Map<number, number>) {
  return {
    kind: 'dual' as const,
    entries: [...certificate].map(
      ([key, y]) => [Math.floor(key / n) + 1, (key % n) + 1, y] as [number, number, number],
    ),
  };
}

describe('metricViolation', () => {
  it('certifies a 4-cycle whose closing angle exceeds the others', () => {
    const angles = [0.3, 0.4, 0.5];
    const closing = 1.3; // > 1.2
    const matrix = fromEntries(
      4,
      [1, 1, 1, 1],
      [
        [1, 0, Math.cos(angles[0])],
        [2, 1, Math.cos(angles[1])],
        [3, 2, Math.cos(angles[2])],
        [3, 0, Math.cos(closing)],
      ],
    );
    const certificate = metricViolation(matrix, adjacency(matrix));
    expect(certificate).toBeDefined();
    const verification = verifyCertificate(matrix, asDual(4, certificate!));
    expect(verification.valid, verification.reason).toBe(true);
  });

  it('finds nothing on a completable cycle or a YES instance', () => {
    const tight = fromEntries(
      3,
      [1, 1, 1],
      [
        [1, 0, Math.cos(0.5)],
        [2, 1, Math.cos(0.6)],
        [2, 0, Math.cos(1.0)],
      ],
    );
    expect(metricViolation(tight, adjacency(tight))).toBeUndefined();
    const { matrix } = generateInstance({ pattern: 'random', kind: 'yes', n: 500, seed: 2 });
    expect(metricViolation(matrix, adjacency(matrix))).toBeUndefined();
  });

  it.each([30, 300, 1500])(
    'decide proves "no" with a planted chordless cycle of %i vertices in n = 2000',
    (length) => {
      const { matrix, planted } = generateInstance({
        pattern: 'random',
        kind: 'no',
        n: 2000,
        cycleLength: length,
        seed: 4,
      });
      const decision = decide(matrix, { epsilon: 0.01 });
      expect(decision.verdict).toBe('not-completable');
      expect(decision.certificate?.kind).toBe('dual');
      const support = new Set(
        decision.certificate?.kind === 'dual'
          ? decision.certificate.entries.flatMap(([i, j]) => [i - 1, j - 1])
          : [],
      );
      expect([...support].sort((a, b) => a - b)).toEqual([...planted!].sort((a, b) => a - b));
      expect(verifyCertificate(matrix, decision.certificate!).valid).toBe(true);
    },
  );
});
