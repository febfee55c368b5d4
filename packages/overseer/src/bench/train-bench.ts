/**
 * `overseer bench train`: trains the embedded GPT for a fixed number of steps on random tokens
 * and reports tokens/s, GFLOP/s and peak memory next to PyTorch training the same model, batch
 * and steps (through /usr/bin/python3 and torch-peer.py) in the same run.
 */
import { seededRandom } from '../model/kernel-fixtures.ts';
import type { GptShape, KernelPreference, TokenBatch } from '../model/kernels.ts';
import { loadKernels, parameterCount, parameterLayout, setThreads } from '../model/kernels.ts';
import { modelArguments, peakRssMb, pickSizes, roundTo, runPythonPeer } from './python-peer.ts';
import { formatTable, optionalCell } from './table.ts';
import { loadAverageNow, loadAverageSince, timeCalls } from './timing.ts';
import { trainBenchSizes } from './sizes.ts';
import type { TrainBenchSize } from './sizes.ts';

export { trainBenchSizes } from './sizes.ts';

/** Options of a benchmark run (the CLI flags). */
export interface TrainBenchOptions {
  /** Size names, e.g. ['S', 'M']. */
  sizes: string[];
  /** Timed steps per size; default: each size's `defaultSteps`. */
  steps?: number;
  /** Untimed steps before timing (page faults, caches, thread start-up). */
  warmup: number;
  /** CPU threads of the native kernels. */
  threads: number;
  /** Which kernels to train with. */
  kernels: KernelPreference;
  /** Also train the PyTorch peer. */
  torch: boolean;
  /** Python interpreter with torch (Debian's python3-torch lives under /usr/bin/python3). */
  python: string;
}

/** Measurements for one size. */
export interface TrainBenchSizeResult {
  name: string;
  params: number;
  batch: number;
  time: number;
  steps: number;
  tokensPerSecond: number;
  torchTokensPerSecond: number | null;
  /**
   * Tokens per CPU-second (all threads). Less sensitive than tokens/s to other processes on a
   * shared machine; spin-waiting threads (ours and OpenBLAS's) count as CPU time.
   */
  tokensPerCpuSecond: number;
  torchTokensPerCpuSecond: number | null;
  peakRssMb: number;
  torchPeakRssMb: number | null;
  flopsPerToken: number;
  gflops: number;
  torchGflops: number | null;
  /** ours / PyTorch tokens per second. */
  ratio: number | null;
  /** Loss after the last step (random tokens: about ln(vocabSize)). */
  loss: number;
  torchLoss: number | null;
}

/** The whole report, printed as one JSON line by `--json`. */
export interface TrainBenchResult {
  sizes: TrainBenchSizeResult[];
  kernels: string;
  threads: number;
  isa: string | null;
  torch: string | null;
  /** 1-minute load average before and after the run: above the core count, timings are noisy. */
  loadAverage: [number, number];
}

/**
 * Training FLOPs per token, the PaLM convention (Chowdhery et al. 2022, appendix B):
 * 6 · (matmul weights) + 12 · layers · contextLength · width, where the matmul weights are
 * layers · 12 · width² (c_attn 3C², c_proj C², c_fc 4C², mlp c_proj 4C²) plus the tied output head
 * vocabSize · width. The first term is forward (2) + backward (4) FLOPs per weight; the second is
 * attention's QKᵀ and AV over the full T×T score matrix (forward 4·T·C per layer, backward twice
 * that). Biases, LayerNorm, GELU, softmax and the optimizer are not counted; PyTorch's figure uses
 * the same formula, so the GFLOP/s ratio equals the tokens/s ratio.
 */
export function flopsPerToken(shape: GptShape): number {
  const { vocabSize: V, contextLength: T, layers: L, width: C } = shape;
  return 6 * (L * 12 * C * C + V * C) + 12 * L * T * C;
}

/** 1 where AdamW decays: matrices and the token embedding, not biases, gains or wpe. */
export function decayMask(shape: GptShape): Uint8Array {
  const mask = new Uint8Array(parameterCount(shape));
  for (const slot of parameterLayout(shape)) {
    if (slot.shape.length === 2 && slot.name !== 'transformer.wpe.weight') {
      mask.fill(1, slot.offset, slot.offset + slot.size);
    }
  }
  return mask;
}

function gpt2Parameters(shape: GptShape, seed: number): Float32Array {
  const random = seededRandom(seed);
  const params = new Float32Array(parameterCount(shape));
  for (const slot of parameterLayout(shape)) {
    if (slot.shape.length === 2) {
      for (let i = 0; i < slot.size; i++) {
        const u = Math.max(random(), 1e-12);
        params[slot.offset + i] =
          0.02 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
      }
    } else if (/ln_\w+\.weight$/.test(slot.name)) {
      params.fill(1, slot.offset, slot.offset + slot.size);
    }
  }
  return params;
}

function randomBatches(shape: GptShape, batch: number, count: number, seed: number): TokenBatch[] {
  const random = seededRandom(seed);
  const N = batch * shape.contextLength;
  return Array.from({ length: count }, () => {
    const inputs = Int32Array.from({ length: N }, () => Math.floor(random() * shape.vocabSize));
    const targets = Int32Array.from({ length: N }, () => Math.floor(random() * shape.vocabSize));
    return { batch, time: shape.contextLength, inputs, targets };
  });
}

interface TorchRun {
  tokensPerSecond: number;
  tokensPerCpuSecond: number;
  peakRssMb: number;
  loss: number;
  torch: string;
  params: number;
}

/** Runs torch-peer.py; resolves null (with the reason on stderr) when PyTorch is unavailable. */
function runTorchPeer(
  size: TrainBenchSize,
  steps: number,
  options: TrainBenchOptions,
): Promise<TorchRun | null> {
  return runPythonPeer<TorchRun>({
    python: options.python,
    script: 'torch-peer.py',
    args: [
      ...modelArguments(size.shape, size.batch),
      `--steps=${steps}`,
      `--warmup=${options.warmup}`,
      // The fastest PyTorch setting measured on 2 cores: one torch thread, OpenBLAS threads = ours.
      '--threads=1',
    ],
    threads: options.threads,
    label: `size ${size.name}`,
  });
}

/** Runs the benchmark; `progress` receives human-readable status lines. */
export async function runTrainBench(
  options: TrainBenchOptions,
  progress: (line: string) => void = () => {},
): Promise<TrainBenchResult> {
  const sizes = pickSizes(options.sizes, trainBenchSizes);
  const kernels = loadKernels(options.kernels);
  const threads = kernels.name === 'native' ? setThreads(options.threads) : 1;
  const isa =
    kernels.name === 'native' && 'info' in kernels
      ? (kernels as { info(): { isa: string } }).info().isa
      : null;
  const results: TrainBenchSizeResult[] = [];
  let torchVersion: string | null = null;
  const loadBefore = loadAverageNow();
  for (const size of sizes) {
    const { shape, batch } = size;
    const steps = options.steps ?? size.defaultSteps;
    const params = gpt2Parameters(shape, 1);
    const grads = new Float32Array(params.length);
    const m = new Float32Array(params.length);
    const v = new Float32Array(params.length);
    const mask = decayMask(shape);
    const batches = randomBatches(shape, batch, 8, 2);
    let loss = 0;
    const step = (index: number): number => {
      loss = kernels.forwardBackward(shape, params, grads, batches[index % batches.length]);
      kernels.adamw(params, grads, m, v, mask, {
        learningRate: 1e-3,
        beta1: 0.9,
        beta2: 0.95,
        epsilon: 1e-8,
        weightDecay: 0.1,
        step: index + 1,
      });
      return batch * shape.contextLength;
    };
    progress(
      `size ${size.name}: ${options.warmup} warm-up + ${steps} timed steps (${kernels.name})`,
    );
    const { seconds, cpuSeconds, total: tokens } = timeCalls(options.warmup, steps, step);
    const ours = {
      tokensPerSecond: tokens / seconds,
      tokensPerCpuSecond: tokens / cpuSeconds,
      peakRssMb: peakRssMb(),
      loss,
    };
    let torch: TorchRun | null = null;
    if (options.torch) {
      progress(`size ${size.name}: PyTorch peer`);
      torch = await runTorchPeer(size, steps, options);
      torchVersion = torch?.torch ?? torchVersion;
    }
    const flops = flopsPerToken(shape);
    results.push({
      name: size.name,
      params: parameterCount(shape),
      batch,
      time: shape.contextLength,
      steps,
      tokensPerSecond: Math.round(ours.tokensPerSecond),
      torchTokensPerSecond: torch ? Math.round(torch.tokensPerSecond) : null,
      tokensPerCpuSecond: Math.round(ours.tokensPerCpuSecond),
      torchTokensPerCpuSecond: torch ? Math.round(torch.tokensPerCpuSecond) : null,
      peakRssMb: Math.round(ours.peakRssMb),
      torchPeakRssMb: torch ? Math.round(torch.peakRssMb) : null,
      flopsPerToken: flops,
      gflops: roundTo((flops * ours.tokensPerSecond) / 1e9, 1),
      torchGflops: torch ? roundTo((flops * torch.tokensPerSecond) / 1e9, 1) : null,
      ratio: torch ? roundTo(ours.tokensPerSecond / torch.tokensPerSecond, 2) : null,
      loss: roundTo(ours.loss, 4),
      torchLoss: torch ? roundTo(torch.loss, 4) : null,
    });
  }
  return {
    sizes: results,
    kernels: kernels.name,
    threads,
    isa,
    torch: torchVersion,
    loadAverage: loadAverageSince(loadBefore),
  };
}

/** A readable table of a benchmark result. */
export function formatTrainBench(result: TrainBenchResult): string {
  const header = [
    'size',
    'params',
    'tok/s',
    'torch tok/s',
    'ratio',
    'GFLOP/s',
    'torch GFLOP/s',
    'tok/CPU-s',
    'torch tok/CPU-s',
    'peak RSS MB',
  ];
  const rows = result.sizes.map((s) => [
    s.name,
    String(s.params),
    String(s.tokensPerSecond),
    optionalCell(s.torchTokensPerSecond),
    optionalCell(s.ratio, (ratio) => `${ratio.toFixed(2)}×`),
    s.gflops.toFixed(1),
    optionalCell(s.torchGflops, (gflops) => gflops.toFixed(1)),
    String(s.tokensPerCpuSecond),
    optionalCell(s.torchTokensPerCpuSecond),
    String(s.peakRssMb),
  ]);
  const torch = result.torch ? `PyTorch ${result.torch}` : 'PyTorch unavailable';
  const [before, after] = result.loadAverage;
  return [
    `kernels: ${result.kernels}${result.isa ? ` (${result.isa})` : ''}, threads: ${result.threads}; ${torch}; ` +
      `load average ${before} → ${after}`,
    ...formatTable(header, rows),
  ].join('\n');
}
