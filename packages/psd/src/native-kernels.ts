import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The C kernels of native/psd-native.c (see there for the argument order). */
export interface NativeKernels {
  residual(
    n: number,
    r: number,
    rows: Int32Array,
    columns: Int32Array,
    v: Float64Array,
    diagonalTarget: Float64Array,
    targets: Float64Array,
    residualDiagonal: Float64Array,
    residualEdges: Float64Array,
  ): number;
  gradient(
    n: number,
    r: number,
    rows: Int32Array,
    columns: Int32Array,
    v: Float64Array,
    residualDiagonal: Float64Array,
    residualEdges: Float64Array,
    g: Float64Array,
  ): void;
  line(
    n: number,
    r: number,
    rows: Int32Array,
    columns: Int32Array,
    v: Float64Array,
    d: Float64Array,
    residualDiagonal: Float64Array,
    residualEdges: Float64Array,
    bDiagonal: Float64Array,
    cDiagonal: Float64Array,
    bEdges: Float64Array,
    cEdges: Float64Array,
    out: Float64Array,
  ): void;
  twoLoop(
    length: number,
    order: Int32Array,
    s: Float64Array,
    y: Float64Array,
    rho: Float64Array,
    g: Float64Array,
    d: Float64Array,
  ): void;
}

function load(): { kernels: NativeKernels | undefined; reason: string } {
  if (process.env.PSD_NATIVE === '0')
    return { kernels: undefined, reason: 'disabled by PSD_NATIVE=0' };
  const path = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'build',
    'Release',
    'psd_native.node',
  );
  try {
    return { kernels: createRequire(import.meta.url)(path) as NativeKernels, reason: 'native' };
  } catch (error) {
    return {
      kernels: undefined,
      reason: `TypeScript fallback (${path} not loadable: ${(error as Error).message.split('\n')[0]}; run npm rebuild -w @overseer/psd)`,
    };
  }
}

const loaded = load();

/** The loaded C kernels, or undefined (TypeScript fallback) when the addon is not built or PSD_NATIVE=0. */
export const nativeKernels: NativeKernels | undefined = loaded.kernels;

/** Which kernels are in use, and why. */
export const kernelsInUse: string = loaded.reason;
