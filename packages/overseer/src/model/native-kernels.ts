/**
 * The native kernels: a thin TypeScript face over the `@overseer/kernels` Node-API addon (C,
 * built by node-gyp during `npm ci`). `checkedKernels` validates the arguments with the same checks
 * as the reference's, so both implementations reject bad input with the same OverseerError; the
 * addon then works on the caller's typed arrays in place.
 */
import { createRequire } from 'node:module';
import { OverseerError } from '../errors.ts';
import type { GptShape, Kernels, KvCache, TokenBatch } from './kernels.ts';
import type { DecodeArguments, LastLogitsArguments } from './kernels.ts';
import { checkedKernels } from './kernels.ts';

/** The leading arguments of the addon's KV-cache calls: shape, params, cache buffer and rows. */
type AddonCacheArguments = [
  shape: Int32Array,
  params: Float32Array,
  cache: Float32Array,
  cacheBatch: number,
];

/** The addon's raw exports (see packages/kernels/src/addon.c). */
interface NativeAddon {
  forwardBackward(
    shape: Int32Array,
    params: Float32Array,
    grads: Float32Array,
    batch: number,
    time: number,
    inputs: Int32Array,
    targets: Int32Array,
    weights: Float32Array | null,
    logProbs: Float32Array | null,
  ): number;
  score(
    shape: Int32Array,
    params: Float32Array,
    batch: number,
    time: number,
    inputs: Int32Array,
    targets: Int32Array,
    weights: Float32Array | null,
    logProbs: Float32Array,
  ): number;
  lastLogits(shape: Int32Array, params: Float32Array, ...rest: LastLogitsArguments): void;
  kvCacheFloats(shape: Int32Array, batch: number): number;
  prefill(...args: [...AddonCacheArguments, ...LastLogitsArguments]): void;
  decode(...args: [...AddonCacheArguments, ...DecodeArguments]): void;
  adamw(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    decayMask: Uint8Array,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    weightDecay: number,
    step: number,
  ): void;
  setThreads(threads: number): number;
  info(): { isa: string; threads: number };
  release(): void;
}

/** The command that (re)builds the addon; every "not built" message names it. */
export const NATIVE_BUILD_COMMAND = 'npm rebuild @overseer/kernels';

let addon: NativeAddon | undefined;
let loadFailure: OverseerError | undefined;

/** Loads the addon once; throws an OverseerError with the build hint if it is missing. */
function loadAddon(): NativeAddon {
  if (addon) return addon;
  if (loadFailure) throw loadFailure;
  try {
    const require = createRequire(import.meta.url);
    addon = require('@overseer/kernels') as NativeAddon;
    return addon;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    loadFailure = new OverseerError(
      'kernels.native-missing',
      `the native kernels (@overseer/kernels) could not be loaded: ${reason}`,
      {
        hint: `build them with \`${NATIVE_BUILD_COMMAND}\` (needs a C compiler, make and python3)`,
      },
    );
    throw loadFailure;
  }
}

function shapeArray(shape: GptShape): Int32Array {
  return Int32Array.of(
    shape.vocabSize,
    shape.contextLength,
    shape.layers,
    shape.heads,
    shape.width,
  );
}

/** The native KV cache: one buffer the addon lays out (keys, values, packed weights, scratch). */
interface NativeKvCache extends KvCache {
  readonly data: Float32Array;
}

/** The addon's leading arguments for a KV-cache call with `params` on `cache`. */
function cacheArguments(params: Float32Array, cache: KvCache): AddonCacheArguments {
  return [shapeArray(cache.shape), params, (cache as NativeKvCache).data, cache.batch];
}

/** The native kernels plus the knobs only they have. */
export interface NativeKernels extends Kernels {
  /** Sets the number of CPU threads the kernels use; returns the number in use. */
  setThreads(threads: number): number;
  /** The SIMD instruction set the addon was compiled for and its thread count. */
  info(): { isa: string; threads: number };
  /** Frees the cached activation buffers (they are rebuilt on the next call). */
  release(): void;
}

/** Loads the addon and wraps it as `Kernels`; throws an OverseerError if it is not built. */
export function createNativeKernels(): NativeKernels {
  const native = loadAddon();
  return checkedKernels<NativeKernels>({
    name: 'native',
    forwardBackward(shape, params, grads, batch: TokenBatch, logProbs) {
      return native.forwardBackward(
        shapeArray(shape),
        params,
        grads,
        batch.batch,
        batch.time,
        batch.inputs,
        batch.targets,
        batch.weights ?? null,
        logProbs ?? null,
      );
    },
    score(shape, params, batch, logProbs) {
      return native.score(
        shapeArray(shape),
        params,
        batch.batch,
        batch.time,
        batch.inputs,
        batch.targets,
        batch.weights ?? null,
        logProbs,
      );
    },
    lastLogits(shape, params, ...rest) {
      native.lastLogits(shapeArray(shape), params, ...rest);
    },
    createKvCache(shape, batch) {
      const cache: NativeKvCache = {
        kernels: 'native',
        shape: { ...shape },
        batch,
        lengths: new Int32Array(batch),
        data: new Float32Array(native.kvCacheFloats(shapeArray(shape), batch)),
      };
      return cache;
    },
    prefill(params, cache, ...rest) {
      native.prefill(...cacheArguments(params, cache), ...rest);
    },
    decode(params, cache, ...rest) {
      native.decode(...cacheArguments(params, cache), ...rest);
    },
    adamw(params, grads, m, v, decayMask, options) {
      native.adamw(
        params,
        grads,
        m,
        v,
        decayMask,
        options.learningRate,
        options.beta1,
        options.beta2,
        options.epsilon,
        options.weightDecay,
        options.step,
      );
    },
    setThreads(threads) {
      if (!Number.isInteger(threads) || threads < 1) {
        throw new OverseerError(
          'kernels.invalid-input',
          `threads must be a positive integer, got ${threads}`,
        );
      }
      return native.setThreads(threads);
    },
    info: () => native.info(),
    release: () => native.release(),
  });
}
