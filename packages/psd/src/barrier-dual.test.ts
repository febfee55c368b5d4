import { describe, expect, it } from 'vitest';
import { barrierDual } from './barrier-dual.ts';
import { fromEntries } from './partial-matrix.ts';
import { verifyCertificate } from './verify.ts';

const cycle = (angles: number[]) =>
  fromEntries(
    angles.length,
    angles.map(() => 1),
    angles.map(
      (angle, t) =>
        [
          Math.max(t, (t + 1) % angles.length),
          Math.min(t, (t + 1) % angles.length),
          Math.cos(angle),
        ] as [number, number, number],
    ),
  );

describe('barrierDual', () => {
  it('finds a positive definite certificate for a cycle that violates the cycle condition', () => {
    // Five chain angles of 0.3 and a closing angle of 1.6 > 1.5.
    const matrix = cycle([0.3, 0.3, 0.3, 0.3, 0.3, 1.6]);
    const result = barrierDual(matrix);
    expect(result.objective).toBeLessThan(0);
    const entries = [...result.certificate!].map(
      ([key, y]) => [Math.floor(key / 6) + 1, (key % 6) + 1, y] as [number, number, number],
    );
    const verification = verifyCertificate(matrix, { kind: 'dual', entries });
    expect(verification.valid).toBe(true);
  });

  it('finds none when the cycle is completable, and its objective bounds t* from above', () => {
    const matrix = cycle([0.3, 0.3, 0.3, 0.3, 0.3, 1.2]);
    const result = barrierDual(matrix);
    expect(result.certificate).toBeUndefined();
    expect(result.objective).toBeGreaterThan(0);
  });
});
