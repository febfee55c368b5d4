import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../model/checkpoint.ts';
import type { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { tinyAdditionCheckpoint } from '../server/tiny-model-fixture.ts';
import './backends.ts';
import type { ChatGeneration, ChatRequest } from './chat.ts';
import { writeGguf } from './gguf-file.ts';
import type { GgufPolicy } from './gguf.ts';
import { createPolicy } from './registry.ts';

let folder: string;
let model: Gpt;
let path: string;
let policy: GgufPolicy;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'overseer-gguf-'));
  ({ model } = await loadCheckpoint(await tinyAdditionCheckpoint(), loadKernels('auto')));
  path = join(folder, 'tiny.gguf');
  await writeGguf(model, path, 'tiny-addition');
  policy = (await createPolicy(`gguf:${path}`, { maxTokens: 10, threads: 1 })) as GgufPolicy;
}, 120_000);

afterAll(async () => {
  await policy?.dispose();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('gguf: policy (node-llama-cpp) on our own GGUF export', () => {
  it('samples greedily what the embedded model does, with matching log-probs', async () => {
    const prompts = ['123+456=', '48+71=', '12+30='];
    const requests: ChatRequest[] = prompts.map((prompt) => ({ prompt, topLogProbs: 3 }));
    const generations = (await policy.generate(requests)) as ChatGeneration[];
    let largest = 0;
    generations.forEach((generation, index) => {
      const ours = model.sample([prompts[index]], { temperature: 0, maxTokens: 11 })[0];
      expect(generation.text).toBe(ours.text);
      const [scored] = model.score([
        { prompt: prompts[index], completion: generation.text, end: false },
      ]);
      generation.tokenLogProbs?.forEach((logProb, position) => {
        largest = Math.max(largest, Math.abs(logProb - scored.tokenLogProbs[position]));
      });
      expect(generation.topLogProbs?.[0][0].token).toBe(generation.text[0]);
      expect(generation.cost).toMatchObject({ calls: 1, inputTokens: prompts[index].length + 1 });
    });
    // llama.cpp computes in float32 with its own kernels: agreement to a few thousandths.
    expect(largest, `largest log-prob difference ${largest}`).toBeLessThan(5e-3);
    expect(policy.reference).toMatchObject({
      name: `gguf:${path}`,
      options: { temperature: 0, maxTokens: 10 },
    });
  });

  it('names the file it cannot load', async () => {
    await expect(createPolicy(`gguf:${join(folder, 'missing.gguf')}`)).rejects.toThrow(
      /cannot load the model/,
    );
  });
});
