import { describe, expect, it } from 'vitest';
import { computeFlops, nonEmbeddingParameterCount, tokenPositions } from './compute.ts';
import { Gpt, makeTokenBatch } from './gpt.ts';
import type { GptShape } from './kernels.ts';
import { referenceKernels } from './reference-kernels.ts';
import { Tokenizer } from './tokenizer.ts';

const tokenizer = new Tokenizer('0123456789+=');
const small = { layers: 2, heads: 2, width: 16, contextLength: 12 };

function model(): Gpt {
  return Gpt.create({ tokenizer, kernels: referenceKernels, seed: 1, config: small });
}

describe('nonEmbeddingParameterCount', () => {
  it('is 12·layers·width² plus the biases and gains, without the embeddings', () => {
    const shape: GptShape = { vocabSize: 50, contextLength: 64, layers: 4, heads: 4, width: 64 };
    const C = shape.width;
    // Per block: c_attn 3C², c_proj C², c_fc 4C², mlp c_proj 4C²; biases 3C + C + 4C + C and two
    // LayerNorms 4C; then the final LayerNorm 2C.
    expect(nonEmbeddingParameterCount(shape)).toBe(4 * (12 * C * C + 13 * C) + 2 * C);
  });
});

describe('computeFlops', () => {
  it('is 2·N per forward token and 6·N per trained token', () => {
    const shape: GptShape = { vocabSize: 13, ...small };
    const N = nonEmbeddingParameterCount(shape);
    expect(computeFlops({ forwardTokens: 10, trainedTokens: 0 }, shape)).toBe(20 * N);
    expect(computeFlops({ forwardTokens: 0, trainedTokens: 10 }, shape)).toBe(60 * N);
    expect(computeFlops({ forwardTokens: 3, trainedTokens: 5 }, shape)).toBe(36 * N);
  });
});

describe('Gpt.compute', () => {
  it('counts the token positions of a training batch, not its padding', () => {
    const gpt = model();
    const sequences = [gpt.encode('1+2=', '3'), gpt.encode('12+34=', '46')];
    const batch = makeTokenBatch(sequences, tokenizer.paddingId);
    gpt.lossAndGradients(batch);
    // Inputs are every token but the last of each sequence.
    const positions = sequences[0].tokens.length - 1 + sequences[1].tokens.length - 1;
    expect(tokenPositions(batch.inputs, tokenizer.paddingId)).toBe(positions);
    expect(gpt.compute).toEqual({ forwardTokens: 0, trainedTokens: positions });
  });

  it('counts scoring as a forward pass over the same positions', () => {
    const gpt = model();
    gpt.score([{ prompt: '1+2=', completion: '3' }]);
    expect(gpt.compute).toEqual({
      forwardTokens: gpt.encode('1+2=', '3').tokens.length - 1,
      trainedTokens: 0,
    });
  });

  it('counts the prefill and one position per decoded token with the KV cache', () => {
    const gpt = model();
    const prompts = ['1+2=', '12+3='];
    const results = gpt.sample(prompts, { seed: 3, maxTokens: 5 });
    // The prefill reads `<end> prompt`; every sampled token but the last is fed back once.
    const expected = prompts.reduce(
      (sum, prompt, index) => sum + 1 + prompt.length + results[index].tokens.length - 1,
      0,
    );
    expect(gpt.compute).toEqual({ forwardTokens: expected, trainedTokens: 0 });
  });

  it('counts the whole sequence at every step without the KV cache', () => {
    const gpt = model();
    const prompt = '1+2=';
    const [result] = gpt.sample([prompt], { seed: 3, maxTokens: 5, kvCache: false });
    let expected = 0;
    for (let step = 0; step < result.tokens.length; step++) expected += 1 + prompt.length + step;
    expect(gpt.compute).toEqual({ forwardTokens: expected, trainedTokens: 0 });
  });
});
