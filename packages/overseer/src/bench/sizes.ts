/**
 * The model sizes `overseer bench train` and `overseer bench sample` measure, apart from the
 * benchmarks so the command line can list them without loading the model.
 */
import type { GptShape } from '../model/kernels.ts';
import { pickSizes } from './python-peer.ts';

/** One benchmark configuration: a model shape and a batch (time = contextLength). */
export interface TrainBenchSize {
  name: string;
  shape: GptShape;
  batch: number;
  /** Timed steps when `--steps` is not given (sized for a few seconds each). */
  defaultSteps: number;
}

/** The sizes `--sizes` can name; S and M are the ones MACHINE-NOTES measured PyTorch on. */
export const trainBenchSizes: TrainBenchSize[] = [
  {
    name: 'S',
    shape: { vocabSize: 64, contextLength: 64, layers: 2, heads: 4, width: 64 },
    batch: 32,
    defaultSteps: 60,
  },
  {
    name: 'M',
    shape: { vocabSize: 64, contextLength: 128, layers: 4, heads: 4, width: 128 },
    batch: 16,
    defaultSteps: 20,
  },
  {
    name: 'L',
    shape: { vocabSize: 64, contextLength: 128, layers: 6, heads: 8, width: 256 },
    batch: 16,
    defaultSteps: 6,
  },
];

/** One sampling benchmark configuration. */
export interface SampleBenchSize {
  name: string;
  shape: GptShape;
  /** Samples drawn together (one per prompt). */
  batch: number;
  /** Prompt characters (the leading end token comes on top). */
  promptLength: number;
  /** Timed `sample` calls when `--repeats` is not given (sized for a second or two each). */
  defaultRepeats: number;
}

function trainBenchShape(name: string): GptShape {
  return pickSizes([name], trainBenchSizes)[0].shape;
}

/** The model sizes of `bench train` (MACHINE-NOTES' PyTorch sampling measurements), batch 64. */
export const sampleBenchSizes: SampleBenchSize[] = [
  {
    name: 'S',
    shape: trainBenchShape('S'),
    batch: 64,
    promptLength: 8,
    defaultRepeats: 20,
  },
  {
    name: 'M',
    shape: trainBenchShape('M'),
    batch: 64,
    promptLength: 8,
    defaultRepeats: 4,
  },
];
