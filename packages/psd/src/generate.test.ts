import { describe, expect, it } from 'vitest';
import { lanczosMinimum } from './lanczos.ts';
import { generateInstance } from './generate.ts';
import { adjacency } from './partial-matrix.ts';
import { createRandom } from './random.ts';

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
});
