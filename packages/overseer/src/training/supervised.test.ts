import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, loadOptimizerState, readCheckpointConfig } from '../model/checkpoint.ts';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { AdamW } from '../model/optimizer.ts';
import { referenceKernels } from '../model/reference-kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { getFamily } from '../tasks/registry.ts';
import {
  additionRecipe,
  batchForStep,
  evaluateExactMatch,
  supervisedSequences,
  trainSupervised,
} from './supervised.ts';

const tokenizer = new Tokenizer('0123456789+=');
const tiny = { layers: 1, heads: 2, width: 16, contextLength: 12 };
const pairs = [
  { prompt: '1+1=', completion: '2' },
  { prompt: '2+3=', completion: '5' },
  { prompt: '4+4=', completion: '8' },
  { prompt: '7+5=', completion: '12' },
];

function fresh(seed = 1) {
  const model = Gpt.create({ tokenizer, kernels: referenceKernels, seed, config: tiny });
  const optimizer = new AdamW(referenceKernels, model.shape, {
    learningRate: 1e-2,
    warmupSteps: 2,
    totalSteps: 8,
  });
  return { model, optimizer };
}

describe('supervised batches', () => {
  it('puts the loss on the completion and the end token only', () => {
    const { model } = fresh();
    const [sequence] = supervisedSequences(model, [{ prompt: '7+5=', completion: '12' }]);
    const batch = batchForStep([sequence], tokenizer.paddingId, { seed: 1, step: 0, batchSize: 1 });
    const targets = Array.from(batch.targets);
    // inputs <end> 7 + 5 = 1 2; targets only where the next token is 1, 2 or <end>.
    expect(targets).toEqual([-1, -1, -1, -1, 3, 4, 1]);
  });

  it('draws the same batch for the same seed and step, different ones otherwise', () => {
    const { model } = fresh();
    const sequences = supervisedSequences(model, pairs);
    const draw = (seed: number, step: number) =>
      Array.from(batchForStep(sequences, 0, { seed, step, batchSize: 8 }).inputs);
    expect(draw(1, 5)).toEqual(draw(1, 5));
    expect(draw(1, 5)).not.toEqual(draw(1, 6));
    expect(draw(1, 5)).not.toEqual(draw(2, 5));
  });

  it('rejects pairs longer than the context, naming the flag to change', () => {
    const { model } = fresh();
    expect(() =>
      supervisedSequences(model, [{ prompt: '123456789+1=', completion: '123456790' }]),
    ).toThrow(/needs 22 positions, more than the model's context of 12/);
  });
});

describe('evaluateExactMatch', () => {
  it('counts exact greedy completions and lists mistakes', () => {
    const { model } = fresh();
    const answers = model.complete(pairs.map((p) => p.prompt));
    const examples = pairs.map((pair, i) => ({ ...pair, completion: i < 2 ? answers[i] : 'x' }));
    const result = evaluateExactMatch(model, examples);
    expect(result).toMatchObject({ exactMatch: 0.5, count: 4, correct: 2 });
    expect(result.mistakes.map((m) => m.prompt)).toEqual(['4+4=', '7+5=']);
    expect(evaluateExactMatch(model, [])).toMatchObject({ count: 0 });
  });
});

describe('trainSupervised', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'overseer-supervised-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('resumes from a checkpoint and continues exactly as an uninterrupted run', async () => {
    const common = { train: pairs, test: pairs, batchSize: 4, seed: 3, progress: false as const };
    const straight = fresh();
    const straightResult = await trainSupervised({ ...straight, ...common, steps: 8 });
    expect(straightResult.losses).toHaveLength(8);

    const directory = join(folder, 'resume');
    const first = fresh();
    const firstResult = await trainSupervised({
      ...first,
      ...common,
      steps: 5,
      checkpoint: { directory, task: 'toy' },
    });
    expect(firstResult.losses).toEqual(straightResult.losses.slice(0, 5));
    const saved = await readCheckpointConfig(directory);
    expect(saved.training).toMatchObject({ task: 'toy', step: 5, seed: 3, batchSize: 4 });
    expect(saved.training.evaluation?.count).toBe(4);

    const { model } = await loadCheckpoint(directory, referenceKernels);
    const optimizer = new AdamW(referenceKernels, model.shape, first.optimizer.config);
    await loadOptimizerState(directory, optimizer);
    const resumed = await trainSupervised({ model, optimizer, ...common, steps: 8 });
    expect(resumed.startStep).toBe(5);
    expect(resumed.losses).toEqual(straightResult.losses.slice(5));
    expect(Array.from(model.params)).toEqual(Array.from(straight.model.params));
    expect(model.score(pairs)).toEqual(straight.model.score(pairs));
  });

  it('reports progress per step and refuses impossible requests', async () => {
    const { model, optimizer } = fresh();
    const steps: number[] = [];
    const result = await trainSupervised({
      model,
      optimizer,
      train: pairs,
      steps: 3,
      seed: 1,
      batchSize: 2,
      progress: false,
      onStep: (report) => steps.push(report.step),
    });
    expect(steps).toEqual([1, 2, 3]);
    expect(result.evaluation).toBeUndefined();
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    await expect(
      trainSupervised({ model, optimizer, train: pairs, steps: 2, seed: 1, progress: false }),
    ).rejects.toThrow(/already at step 3, past the requested 2/);
    await expect(
      trainSupervised({ model, optimizer, train: [], steps: 5, seed: 1, progress: false }),
    ).rejects.toThrow(/no training pairs/);
    await expect(
      trainSupervised({ model, optimizer, train: pairs, steps: 5, seed: 1, batchSize: 0 }),
    ).rejects.toThrow(/batch size 0/);
  });
});

describe('learning 3-digit addition (the real embedded model)', () => {
  const kernels = loadKernels('auto');
  // The reference kernels would take most of an hour here; the native ones (built by npm ci)
  // take well under two minutes. Without them native-kernels.test.ts fails and says why.
  it.skipIf(kernels.name !== 'native')(
    'reaches ≥ 99% held-out exact match within a bounded number of steps',
    async () => {
      const family = getFamily('addition');
      const seed = additionRecipe.seed;
      const model = Gpt.create({
        tokenizer: new Tokenizer(family.alphabet),
        kernels,
        seed,
        config: additionRecipe.model,
      });
      const optimizer = new AdamW(kernels, model.shape, {
        ...additionRecipe.optimizer,
        totalSteps: additionRecipe.steps,
      });
      const result = await trainSupervised({
        model,
        optimizer,
        train: family.supervised({ seed, count: additionRecipe.trainCount, split: 'train' }),
        test: family.supervised({ seed, count: 500, split: 'test' }),
        steps: additionRecipe.steps,
        batchSize: additionRecipe.batchSize,
        seed,
        progress: false,
      });
      expect(result.evaluation?.count).toBe(500);
      expect(
        result.evaluation!.exactMatch,
        `mistakes: ${JSON.stringify(result.evaluation!.mistakes)}`,
      ).toBeGreaterThanOrEqual(0.99);
    },
    // About a minute alone on 2 cores; the limit only guards against a hung run on a busy machine.
    600_000,
  );
});
