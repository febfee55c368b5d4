import { describe, expect, it } from 'vitest';
import { lanczosMinimum } from './lanczos.ts';
import { generateInstance } from './generate.ts';
import { adjacency } from './partial-matrix.ts';
import { createRandom } from './random.ts';
import { verifyCertificate } from './verify.ts';

describe('generateInstance', () => {
  it('is deterministic for a seed and hits the requested density', () => {
    const a = generateInstance({ pattern: 'random', kind: 'yes', n: 300, density: 5, seed: 4 });
    const b = generateInstance({ pattern: 'random', kind: 'yes', n: 300, density: 5, seed: 4 });
    expect(Array.from(a.matrix.values)).toEqual(Array.from(b.matrix.values));
    const m = a.matrix.n + a.matrix.values.length;
    expect(m / a.matrix.n).toBeGreaterThan(4.5);
    expect(m / a.matrix.n).toBeLessThan(5.5);
  });

  it.each(['random', 'grid', 'band', 'ktree'] as const)(
    'YES instances on %s have an indefinite zero completion',
    (pattern) => {
      const { matrix } = generateInstance({
        pattern,
        kind: 'yes',
        n: 400,
        density: 8,
        margin: 0.05,
        seed: 2,
      });
      const lanczos = lanczosMinimum(
        (x, y) => {
          for (let i = 0; i < matrix.n; i++) y[i] = matrix.diagonal[i] * x[i];
          for (let e = 0; e < matrix.values.length; e++) {
            y[matrix.rows[e]] += matrix.values[e] * x[matrix.columns[e]];
            y[matrix.columns[e]] += matrix.values[e] * x[matrix.rows[e]];
          }
        },
        matrix.n,
        60,
        createRandom(1),
      );
      expect(lanczos.value).toBeLessThan(-0.1);
    },
  );

  it('plants a chordless cycle with no 2×2 witness', () => {
    const instance = generateInstance({
      pattern: 'random',
      kind: 'no',
      n: 200,
      cycleLength: 10,
      seed: 3,
    });
    const cycle = instance.planted!;
    expect(cycle).toHaveLength(10);
    const { matrix } = instance;
    const adj = adjacency(matrix);
    const inCycle = new Set(cycle);
    for (const v of cycle) {
      const cycleNeighbours: number[] = [];
      for (let p = adj.start[v]; p < adj.start[v + 1]; p++)
        if (inCycle.has(adj.neighbor[p])) cycleNeighbours.push(adj.neighbor[p]);
      expect(cycleNeighbours).toHaveLength(2); // chordless: exactly its two cycle neighbours
    }
    for (let e = 0; e < matrix.values.length; e++) {
      const bound = matrix.diagonal[matrix.rows[e]] * matrix.diagonal[matrix.columns[e]];
      expect(matrix.values[e] ** 2).toBeLessThan(bound);
    }
  });

  it('spread NO instances: triangle-free, c below cos(π/5), and the Hoffman dual s·I + adjacency proves "no"', () => {
    const violation = 0.1;
    const { matrix, expected } = generateInstance({
      pattern: 'random',
      kind: 'no',
      obstruction: 'spread',
      n: 500,
      violation,
      seed: 3,
    });
    expect(expected).toBe('not-completable');
    const c = -matrix.values[0];
    expect(Array.from(matrix.values).every((value) => value === -c)).toBe(true);
    expect(c).toBeLessThan(Math.cos(Math.PI / 5));
    const adj = adjacency(matrix);
    const neighbours = Array.from(
      { length: matrix.n },
      (_, v) => new Set(adj.neighbor.subarray(adj.start[v], adj.start[v + 1])),
    );
    for (let e = 0; e < matrix.values.length; e++) {
      const shared = [...neighbours[matrix.rows[e]]].filter((w) =>
        neighbours[matrix.columns[e]].has(w),
      );
      expect(shared).toEqual([]);
    }
    // c = (1 + δ)·s·n/(2|E|) with s ≥ −λmin(adjacency); a slightly larger s keeps ⟨Y, A⟩ < 0.
    const s = ((c * 2 * matrix.values.length) / ((1 + violation) * matrix.n)) * (1 + violation / 2);
    const entries: [number, number, number][] = [];
    for (let i = 0; i < matrix.n; i++) entries.push([i + 1, i + 1, s]);
    for (let e = 0; e < matrix.values.length; e++)
      entries.push([matrix.rows[e] + 1, matrix.columns[e] + 1, 1]);
    const verification = verifyCertificate(matrix, { kind: 'dual', entries });
    expect(verification.valid, verification.reason).toBe(true);
  });
});
