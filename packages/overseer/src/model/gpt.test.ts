import { describe, expect, it } from 'vitest';
import { Gpt, defaultGptConfig, initialParameters, makeTokenBatch } from './gpt.ts';
import { loadKernels, parameterLayout } from './kernels.ts';
import type { GptShape } from './kernels.ts';
import { AdamW } from './optimizer.ts';
import { referenceKernels } from './reference-kernels.ts';
import { Tokenizer } from './tokenizer.ts';

const tokenizer = new Tokenizer('0123456789+=');
const small = { layers: 2, heads: 2, width: 16, contextLength: 12 };

function model(seed = 1) {
  return Gpt.create({ tokenizer, kernels: referenceKernels, seed, config: small });
}

describe('initialParameters', () => {
  it('follows GPT-2: N(0, 0.02) weights, scaled residual projections, zero biases, unit gains', () => {
    const shape: GptShape = { vocabSize: 50, contextLength: 64, layers: 4, heads: 4, width: 64 };
    const params = initialParameters(shape, 0.02, 3);
    const deviation = (name: string) => {
      const slot = parameterLayout(shape).find((s) => s.name === name)!;
      const values = params.subarray(slot.offset, slot.offset + slot.size);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    };
    expect(deviation('transformer.wte.weight')).toBeCloseTo(0.02, 3);
    expect(deviation('transformer.h.0.mlp.c_fc.weight')).toBeCloseTo(0.02, 3);
    expect(deviation('transformer.h.3.attn.c_proj.weight')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(deviation('transformer.h.1.mlp.c_proj.weight')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    for (const slot of parameterLayout(shape)) {
      const values = new Set(params.subarray(slot.offset, slot.offset + slot.size));
      if (slot.name.endsWith('.bias')) expect([slot.name, [...values]]).toEqual([slot.name, [0]]);
      if (/ln_.\.weight/.test(slot.name))
        expect([slot.name, [...values]]).toEqual([slot.name, [1]]);
    }
    expect(initialParameters(shape, 0.02, 3)).toEqual(params);
    expect(initialParameters(shape, 0.02, 4)).not.toEqual(params);
  });
});

describe('makeTokenBatch', () => {
  it('shifts targets, ignores prompt positions and padding', () => {
    const batch = makeTokenBatch(
      [
        { tokens: [1, 5, 6, 7, 1], lossStart: 3 },
        { tokens: [1, 8, 1], lossStart: 2 },
      ],
      0,
    );
    expect(batch.time).toBe(4);
    expect(Array.from(batch.inputs)).toEqual([1, 5, 6, 7, 1, 8, 0, 0]);
    expect(Array.from(batch.targets)).toEqual([-1, -1, 7, 1, -1, 1, -1, -1]);
  });
});

describe('Gpt', () => {
  it('encodes sequences as <end> prompt completion <end>', () => {
    const gpt = model();
    expect(gpt.encode('1+2=', '3')).toEqual({ tokens: [1, 3, 12, 4, 13, 5, 1], lossStart: 5 });
    expect(gpt.encode('', '3', false)).toEqual({ tokens: [1, 5], lossStart: 1 });
  });

  it('rejects inconsistent configurations and parameter buffers', () => {
    expect(() =>
      Gpt.create({
        tokenizer,
        kernels: referenceKernels,
        seed: 1,
        config: { width: 10, heads: 4 },
      }),
    ).toThrow(/width 10 is not divisible by heads 4/);
    expect(() =>
      Gpt.create({ tokenizer, kernels: referenceKernels, seed: 1, config: { layers: 0 } }),
    ).toThrow(/layers = 0/);
    expect(
      () =>
        new Gpt({
          tokenizer,
          kernels: referenceKernels,
          config: defaultGptConfig,
          params: new Float32Array(3),
        }),
    ).toThrow(/needs \d+ parameters .* given 3/);
  });

  it('scores a batch the same as one request at a time', () => {
    const gpt = model();
    const requests = [
      { prompt: '12+3=', completion: '15' },
      { prompt: '1=', completion: '' },
      { prompt: '', completion: '99+1', end: false },
    ];
    const together = gpt.score(requests);
    expect(together.map((r) => r.tokens.length)).toEqual([3, 1, 4]);
    expect(together[2].tokens).toEqual(tokenizer.encode('99+1'));
    expect(gpt.score([{ prompt: '', completion: '', end: false }])).toEqual([
      { logProb: 0, tokenLogProbs: [], tokens: [] },
    ]);
    requests.forEach((request, i) => {
      const [alone] = gpt.score([request], { batchSize: 1 });
      expect(alone.logProb).toBeCloseTo(together[i].logProb, 4);
      expect(together[i].logProb).toBeCloseTo(
        together[i].tokenLogProbs.reduce((a, b) => a + b, 0),
        6,
      );
      for (const value of alone.tokenLogProbs) expect(value).toBeLessThan(0);
    });
  });

  it('returns sample log-probs equal to score, and sampling-distribution log-probs', () => {
    const gpt = model(2);
    const samples = gpt.sample(['1+2=', '34+5='], { n: 3, seed: 7, topK: 5, temperature: 0.8 });
    expect(samples.map((s) => s.promptIndex)).toEqual([0, 0, 0, 1, 1, 1]);
    const scores = gpt.score(
      samples.map((s) => ({
        prompt: ['1+2=', '34+5='][s.promptIndex],
        completion: s.text,
        end: s.finishReason === 'end',
      })),
    );
    samples.forEach((sample, i) => {
      expect(scores[i].tokens).toEqual(sample.tokens);
      sample.modelLogProbs.forEach((value, t) =>
        expect(value).toBeCloseTo(scores[i].tokenLogProbs[t], 4),
      );
      expect(sample.modelLogProb).toBeCloseTo(scores[i].logProb, 3);
      // Top-k 5 at temperature 0.8 concentrates mass: the sampled tokens are likelier under it.
      sample.logProbs.forEach((value, t) =>
        expect(value).toBeGreaterThanOrEqual(sample.modelLogProbs[t]),
      );
      expect(sample.tokens).not.toContain(tokenizer.paddingId);
    });
  });

  it('samples deterministically for a seed, independent of batch size', () => {
    const gpt = model(3);
    const first = gpt.sample(['7+7='], { n: 4, seed: 11, maxTokens: 5 });
    const second = gpt.sample(['7+7='], { n: 4, seed: 11, maxTokens: 5, batchSize: 3 });
    expect(second).toEqual(first);
    const other = gpt.sample(['7+7='], { n: 4, seed: 12, maxTokens: 5 });
    expect(other.map((s) => s.tokens)).not.toEqual(first.map((s) => s.tokens));
    for (const sample of first) {
      expect(sample.tokens.length).toBeLessThanOrEqual(5);
      expect(sample.finishReason === 'end' || sample.tokens.length === 5).toBe(true);
      if (sample.finishReason === 'end') expect(sample.tokens.at(-1)).toBe(tokenizer.endId);
      expect(sample.text).toBe(tokenizer.decode(sample.tokens, { skipSpecial: true }));
    }
  });

  // The cache changes only float rounding: the same tokens and finish reasons, log-probs within
  // 1e-4 (float32 native kernels; the float64 reference agrees far closer).
  for (const kernels of [referenceKernels, loadKernels('auto')]) {
    it(`samples the same with and without the KV cache (${kernels.name} kernels)`, () => {
      const gpt = Gpt.create({
        tokenizer,
        kernels,
        seed: 6,
        config: { ...small, initStandardDeviation: 0.3 }, // peaked, varied distributions
      });
      const prompts = ['', '1', '12+3=', '456+78=', '9'.repeat(11)];
      const options = { n: 3, seed: 5, temperature: 0.9, topP: 0.95, batchSize: 4 };
      const cached = gpt.sample(prompts, options);
      const plain = gpt.sample(prompts, { ...options, kvCache: false });
      expect(cached.map((s) => [s.tokens, s.finishReason, s.text])).toEqual(
        plain.map((s) => [s.tokens, s.finishReason, s.text]),
      );
      expect(new Set(cached.map((s) => s.finishReason))).toContain('context');
      let worst = { difference: 0, detail: 'none' };
      cached.forEach((sample, i) => {
        for (const key of ['logProbs', 'modelLogProbs'] as const) {
          sample[key].forEach((value, t) => {
            const difference = Math.abs(value - plain[i][key][t]);
            if (difference > worst.difference) worst = { difference, detail: `${i} ${key}[${t}]` };
          });
        }
      });
      expect(worst.difference, `largest log-prob difference at ${worst.detail}`).toBeLessThan(1e-4);
      // A second call reuses the model's cache; greedy decoding takes the same path.
      expect(gpt.complete(prompts)).toEqual(
        gpt.sample(prompts, { temperature: 0, kvCache: false }).map((s) => s.text),
      );
    });
  }

  it('stops at the context, and rejects or left-truncates prompts that do not fit', () => {
    const gpt = model(4);
    // contextLength 12: <end> + 11 prompt characters fill every input position.
    const [full] = gpt.sample(['1'.repeat(11)], { seed: 1 });
    expect(full.tokens.length).toBe(1);
    expect(['end', 'context']).toContain(full.finishReason);
    expect(() => gpt.sample(['1'.repeat(12)])).toThrow(/leaves no room .* context of 12/);
    const [cut] = gpt.sample(['1'.repeat(30)], { truncate: 'left', maxTokens: 4, seed: 1 });
    expect(cut.tokens.length).toBeLessThanOrEqual(4);
    expect(() => gpt.score([{ prompt: '1'.repeat(10), completion: '22' }])).toThrow(
      /12 tokens do not fit the model's context of 12/,
    );
    const [scored] = gpt.score([{ prompt: '1'.repeat(10), completion: '22' }], {
      truncate: 'left',
    });
    expect(scored.tokens).toEqual([...tokenizer.encode('22'), tokenizer.endId]);
    expect(() => gpt.sample(['x'])).toThrow(/not in the model's alphabet/);
    expect(() => gpt.sample(['1'], { temperature: -1 })).toThrow(/temperature -1/);
  });

  it('lowers the loss on a repeated batch with training steps', () => {
    const gpt = model(5);
    const optimizer = new AdamW(referenceKernels, gpt.shape, {
      learningRate: 1e-2,
      warmupSteps: 0,
      totalSteps: 20,
    });
    const batch = makeTokenBatch(
      [gpt.encode('1+1=', '2'), gpt.encode('2+2=', '4')],
      tokenizer.paddingId,
    );
    const first = gpt.trainStep(batch, optimizer).loss;
    let last = first;
    for (let i = 0; i < 19; i++) last = gpt.trainStep(batch, optimizer).loss;
    expect(last).toBeLessThan(first * 0.5);
    expect(gpt.complete(['1+1=', '2+2='], { maxTokens: 3 })).toEqual(['2', '4']);
  });
});
