/**
 * `overseer bench sample`: samples completions from the embedded GPT (`Gpt.sample`, the path every
 * RL arm takes) for a batch of 64 random prompts until the context is full, and reports generated
 * tokens/s next to PyTorch sampling the same model size with a KV cache (through /usr/bin/python3
 * and torch-sample-peer.py) in the same run.
 */
import { seededRandom } from '../model/kernel-fixtures.ts';
import { Gpt } from '../model/gpt.ts';
import type { KernelPreference } from '../model/kernels.ts';
import { loadKernels, parameterLayout, setThreads } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { modelArguments, peakRssMb, pickSizes, roundTo, runPythonPeer } from './python-peer.ts';
import { formatTable, optionalCell } from './table.ts';
import { loadAverageNow, loadAverageSince, timeCalls } from './timing.ts';
import { sampleBenchSizes } from './sizes.ts';
import type { SampleBenchSize } from './sizes.ts';

/** Options of a sampling benchmark run (the CLI flags). */
export interface SampleBenchOptions {
  /** Size names, e.g. ['S', 'M']. */
  sizes: string[];
  /** Timed `sample` calls per size; default: each size's `defaultRepeats`. */
  repeats?: number;
  /** Untimed calls before timing. */
  warmup: number;
  /** CPU threads of the native kernels (and OpenBLAS threads of the peer). */
  threads: number;
  /** Which kernels to sample with. */
  kernels: KernelPreference;
  /** Decode with the KV cache (false: the whole sequence per token, as before the cache). */
  kvCache: boolean;
  /** Also run the PyTorch peer. */
  torch: boolean;
  /** Python interpreter with torch. */
  python: string;
}

/** Measurements for one size. */
export interface SampleBenchSizeResult {
  name: string;
  params: number;
  batch: number;
  /** Generated tokens per second, ours (prefill, decoding and choosing tokens included). */
  tokensPerSecond: number;
  /** The same for PyTorch with a KV cache, measured in the same run; null without the peer. */
  torchTokensPerSecond: number | null;
  /** ours / PyTorch tokens per second. */
  ratio: number | null;
  /** Tokens per CPU-second (all threads): less sensitive to a loaded machine. */
  tokensPerCpuSecond: number;
  torchTokensPerCpuSecond: number | null;
  /** Tokens generated in the timed calls. */
  tokens: number;
  peakRssMb: number;
}

/** The whole report, printed as one JSON line by `--json`. */
export interface SampleBenchResult {
  sizes: SampleBenchSizeResult[];
  kernels: string;
  kvCache: boolean;
  threads: number;
  torch: string | null;
  /** 1-minute load average before and after the run: above the core count, timings are noisy. */
  loadAverage: [number, number];
}

interface TorchSampleRun {
  tokensPerSecond: number;
  tokensPerCpuSecond: number;
  torch: string;
}

/** 62 characters: with padding and the end token, a vocabulary of 64. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A GPT-2-initialised model whose samples never end early, so every row generates until the
 * context is full, as the peer's do: the end token's embedding points against the final
 * LayerNorm's bias (its logit is about −100; the other logits stay near 0).
 */
function benchModel(size: SampleBenchSize, kernels: ReturnType<typeof loadKernels>): Gpt {
  const tokenizer = new Tokenizer(ALPHABET.slice(0, size.shape.vocabSize - 2));
  const { vocabSize: _, ...config } = size.shape;
  const gpt = Gpt.create({ tokenizer, kernels, seed: 1, config });
  const slot = (name: string) => parameterLayout(gpt.shape).find((s) => s.name === name)!;
  const C = gpt.shape.width;
  gpt.params[slot('transformer.wte.weight').offset + tokenizer.endId * C] = -10;
  gpt.params[slot('transformer.ln_f.bias').offset] = 10;
  return gpt;
}

function randomPrompts(size: SampleBenchSize, seed: number): string[] {
  const random = seededRandom(seed);
  const characters = ALPHABET.slice(0, size.shape.vocabSize - 2);
  return Array.from({ length: size.batch }, () =>
    Array.from(
      { length: size.promptLength },
      () => characters[Math.floor(random() * characters.length)],
    ).join(''),
  );
}

/** Runs the benchmark; `progress` receives human-readable status lines. */
export async function runSampleBench(
  options: SampleBenchOptions,
  progress: (line: string) => void = () => {},
): Promise<SampleBenchResult> {
  const sizes = pickSizes(options.sizes, sampleBenchSizes);
  const kernels = loadKernels(options.kernels);
  const threads = kernels.name === 'native' ? setThreads(options.threads) : 1;
  const results: SampleBenchSizeResult[] = [];
  let torchVersion: string | null = null;
  const loadBefore = loadAverageNow();
  for (const size of sizes) {
    const repeats = options.repeats ?? size.defaultRepeats;
    const gpt = benchModel(size, kernels);
    const prompts = randomPrompts(size, 2);
    const sample = (seed: number): number =>
      gpt
        .sample(prompts, { seed, batchSize: size.batch, kvCache: options.kvCache })
        .reduce((total, result) => total + result.tokens.length, 0);
    progress(
      `size ${size.name}: ${options.warmup} warm-up + ${repeats} timed sample calls of ` +
        `${size.batch} rows (${kernels.name}, ${options.kvCache ? 'KV cache' : 'no cache'})`,
    );
    const { seconds, cpuSeconds, total: tokens } = timeCalls(options.warmup, repeats, sample);
    let torch: TorchSampleRun | null = null;
    if (options.torch) {
      progress(`size ${size.name}: PyTorch peer`);
      torch = await runPythonPeer<TorchSampleRun>({
        python: options.python,
        script: 'torch-sample-peer.py',
        args: [
          ...modelArguments(size.shape, size.batch),
          `--prompt=${size.promptLength + 1}`, // the leading end token counts as ours does
          `--repeats=${repeats}`,
          `--warmup=${Math.max(1, options.warmup)}`,
          '--threads=1',
        ],
        threads: options.threads,
        label: `size ${size.name}`,
      });
      torchVersion = torch?.torch ?? torchVersion;
    }
    const tokensPerSecond = tokens / seconds;
    results.push({
      name: size.name,
      params: gpt.parameterCount,
      batch: size.batch,
      tokensPerSecond: Math.round(tokensPerSecond),
      torchTokensPerSecond: torch ? Math.round(torch.tokensPerSecond) : null,
      ratio: torch ? roundTo(tokensPerSecond / torch.tokensPerSecond, 2) : null,
      tokensPerCpuSecond: Math.round(tokens / cpuSeconds),
      torchTokensPerCpuSecond: torch ? Math.round(torch.tokensPerCpuSecond) : null,
      tokens,
      peakRssMb: Math.round(peakRssMb()),
    });
  }
  return {
    sizes: results,
    kernels: kernels.name,
    kvCache: options.kvCache,
    threads,
    torch: torchVersion,
    loadAverage: loadAverageSince(loadBefore),
  };
}

/** A readable table of a sampling benchmark result. */
export function formatSampleBench(result: SampleBenchResult): string {
  const header = [
    'size',
    'params',
    'batch',
    'tok/s',
    'torch tok/s',
    'ratio',
    'tok/CPU-s',
    'torch tok/CPU-s',
  ];
  const rows = result.sizes.map((s) => [
    s.name,
    String(s.params),
    String(s.batch),
    String(s.tokensPerSecond),
    optionalCell(s.torchTokensPerSecond),
    optionalCell(s.ratio, (ratio) => `${ratio.toFixed(2)}×`),
    String(s.tokensPerCpuSecond),
    optionalCell(s.torchTokensPerCpuSecond),
  ]);
  const torch = result.torch ? `PyTorch ${result.torch} (KV cache)` : 'PyTorch unavailable';
  const [before, after] = result.loadAverage;
  return [
    `kernels: ${result.kernels}, ${result.kvCache ? 'KV cache' : 'no cache'}, threads: ${result.threads}; ${torch}; load average ${before} → ${after}`,
    ...formatTable(header, rows),
  ].join('\n');
}
