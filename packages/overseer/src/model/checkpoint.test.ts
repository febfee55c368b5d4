import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCheckpoint,
  loadOptimizerState,
  readCheckpointConfig,
  saveCheckpoint,
} from './checkpoint.ts';
import { Gpt, makeTokenBatch } from './gpt.ts';
import { AdamW } from './optimizer.ts';
import { referenceKernels } from './reference-kernels.ts';
import { encodeSafetensors, readSafetensors } from './safetensors.ts';
import { Tokenizer } from './tokenizer.ts';

const tokenizer = new Tokenizer('0123456789+=');
const config = { layers: 1, heads: 2, width: 8, contextLength: 10 };
const requests = [
  { prompt: '1+2=', completion: '3' },
  { prompt: '45+5=', completion: '50' },
];

describe('checkpoint', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'overseer-checkpoint-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  function trainedModel() {
    const model = Gpt.create({ tokenizer, kernels: referenceKernels, seed: 5, config });
    const optimizer = new AdamW(referenceKernels, model.shape, { warmupSteps: 1, totalSteps: 10 });
    const batch = makeTokenBatch(
      requests.map((r) => model.encode(r.prompt, r.completion)),
      tokenizer.paddingId,
    );
    for (let i = 0; i < 3; i++) model.trainStep(batch, optimizer);
    return { model, optimizer, batch };
  }

  it('saves and loads a model with identical parameters and log-probs', async () => {
    const { model, optimizer } = trainedModel();
    const directory = join(folder, 'run', 'checkpoint');
    await saveCheckpoint(directory, {
      model,
      optimizer,
      training: { task: 'addition', step: 3, seed: 5, batchSize: 2, loss: 1.5 },
    });
    expect((await readdir(directory)).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.safetensors',
    ]);
    const { model: loaded, config: saved } = await loadCheckpoint(directory, referenceKernels);
    expect(saved.training).toEqual({ task: 'addition', step: 3, seed: 5, batchSize: 2, loss: 1.5 });
    expect(saved.model).toEqual({ vocabSize: 14, initStandardDeviation: 0.02, ...config });
    expect(saved.tokenizer.alphabet).toBe('0123456789+=');
    expect(Buffer.from(loaded.params.buffer).equals(Buffer.from(model.params.buffer))).toBe(true);
    expect(loaded.score(requests)).toEqual(model.score(requests));

    const names = (await readSafetensors(join(directory, 'model.safetensors'))).tensors.map(
      (t) => t.name,
    );
    expect(names).toContain('transformer.h.0.attn.c_attn.weight');
    expect(names).toContain('transformer.ln_f.bias');
  });

  it('restores optimizer state so resumed updates match uninterrupted ones', async () => {
    const { model, optimizer, batch } = trainedModel();
    const directory = join(folder, 'resume');
    await saveCheckpoint(directory, {
      model,
      optimizer,
      training: { task: null, step: 3, seed: 5 },
    });
    for (let i = 0; i < 2; i++) model.trainStep(batch, optimizer);

    const { model: loaded } = await loadCheckpoint(directory, referenceKernels);
    const resumed = new AdamW(referenceKernels, loaded.shape, { warmupSteps: 1, totalSteps: 10 });
    await loadOptimizerState(directory, resumed);
    expect(resumed.step).toBe(3);
    for (let i = 0; i < 2; i++) loaded.trainStep(batch, resumed);
    expect(Array.from(loaded.params)).toEqual(Array.from(model.params));
  });

  it('replaces an existing checkpoint atomically, leaving no temporary folders', async () => {
    const { model } = trainedModel();
    const directory = join(folder, 'replace');
    await saveCheckpoint(directory, { model, training: { task: null, step: 1, seed: 1 } });
    await saveCheckpoint(directory, { model, training: { task: null, step: 2, seed: 1 } });
    expect((await readCheckpointConfig(directory)).training.step).toBe(2);
    expect((await readdir(folder)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect((await readdir(directory)).sort()).toEqual(['config.json', 'model.safetensors']);
    await expect(
      loadOptimizerState(directory, new AdamW(referenceKernels, model.shape)),
    ).rejects.toThrow(/holds no optimizer state/);
  });

  it('rejects a missing folder, bad config.json and mismatched tensors', async () => {
    await expect(loadCheckpoint(join(folder, 'nothing'), referenceKernels)).rejects.toThrow(
      /is not a checkpoint/,
    );
    const { model } = trainedModel();
    const directory = join(folder, 'broken');
    await saveCheckpoint(directory, { model, training: { task: null, step: 1, seed: 1 } });
    const configPath = join(directory, 'config.json');
    const good = await readFile(configPath, 'utf8');

    await writeFile(configPath, '{');
    await expect(loadCheckpoint(directory, referenceKernels)).rejects.toThrow(/not valid JSON/);

    const json = JSON.parse(good);
    await writeFile(configPath, JSON.stringify({ ...json, extra: 1 }));
    await expect(loadCheckpoint(directory, referenceKernels)).rejects.toThrow(/extra/);

    await writeFile(configPath, JSON.stringify({ ...json, model: { ...json.model, width: 16 } }));
    await expect(loadCheckpoint(directory, referenceKernels)).rejects.toThrow(
      /has shape \[14, 8\], config.json implies \[14, 16\]/,
    );

    await writeFile(
      configPath,
      JSON.stringify({ ...json, model: { ...json.model, vocabSize: 9 } }),
    );
    await expect(loadCheckpoint(directory, referenceKernels)).rejects.toThrow(
      /vocabSize 9 does not match the tokenizer's 14/,
    );

    await writeFile(configPath, good);
    await writeFile(join(directory, 'model.safetensors'), encodeSafetensors([]));
    await expect(loadCheckpoint(directory, referenceKernels)).rejects.toThrow(
      /has no tensor transformer.wte.weight/,
    );
  });
});
