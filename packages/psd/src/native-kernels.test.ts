import { describe, expect, it } from 'vitest';
import { fitBurerMonteiro, useNativeKernels } from './burer-monteiro.ts';
import { generateInstance } from './generate.ts';
import { kernelsInUse, nativeKernels } from './native-kernels.ts';

if (!nativeKernels) console.warn(`native kernels not tested: ${kernelsInUse}`);

describe.skipIf(!nativeKernels)('C kernels against the TypeScript reference', () => {
  it('give the same Burer–Monteiro run (iterations, objective) on a generated instance', () => {
    const { matrix } = generateInstance({
      pattern: 'random',
      kind: 'yes',
      n: 300,
      density: 6,
      margin: 0.05,
      seed: 9,
    });
    const problem = {
      n: matrix.n,
      diagonalTarget: Float64Array.from(matrix.diagonal, (d) => d - 0.025),
      rows: matrix.rows,
      columns: matrix.columns,
      targets: matrix.values,
    };
    const run = (native: boolean) => {
      const previous = useNativeKernels(native);
      try {
        return fitBurerMonteiro(problem, { shift: 0.025, rank: 8, maxIterations: 60 });
      } finally {
        useNativeKernels(previous);
      }
    };
    const native = run(true);
    const reference = run(false);
    expect(native.iterations).toBe(reference.iterations);
    expect(Math.abs(native.objective - reference.objective)).toBeLessThan(
      1e-9 * (1 + reference.objective),
    );
    let largest = 0;
    for (let k = 0; k < native.factor.length; k++)
      largest = Math.max(largest, Math.abs(native.factor[k] - reference.factor[k]));
    expect(largest, `largest factor difference ${largest}`).toBeLessThan(1e-8);
  });

  it('throws instead of reading out of range', () => {
    const kernels = nativeKernels!;
    const bad = () =>
      kernels.residual(
        2,
        1,
        Int32Array.of(5),
        Int32Array.of(0),
        new Float64Array(2),
        new Float64Array(2),
        new Float64Array(1),
        new Float64Array(2),
        new Float64Array(1),
      );
    expect(bad).toThrow(/out of range/);
    const short = () =>
      kernels.gradient(
        3,
        2,
        new Int32Array(0),
        new Int32Array(0),
        new Float64Array(2),
        new Float64Array(3),
        new Float64Array(0),
        new Float64Array(6),
      );
    expect(short).toThrow(/length/);
  });
});
