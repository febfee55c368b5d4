import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { AdamW } from '../model/optimizer.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import {
  callSequence,
  policyGradientUpdate,
  referenceLogProbs,
  tokenAdvantages,
} from './policy-gradient.ts';
import type { SampledCall } from './policy-gradient.ts';
import { frozenCopy } from './reinforcement.ts';

const tokenizer = new Tokenizer('0123456789+=');
const kernels = loadKernels('auto');

function tiny(seed = 3) {
  const model = Gpt.create({
    tokenizer,
    kernels,
    seed,
    config: { layers: 1, heads: 2, width: 16, contextLength: 8 },
  });
  const optimizer = new AdamW(kernels, model.shape, {
    learningRate: 1e-2,
    warmupSteps: 0,
    weightDecay: 0,
  });
  return { model, optimizer };
}

/** A call of one sampled character after `prompt`, with its current log-probability. */
function call(model: Gpt, prompt: string, completion: string): SampledCall {
  const [scored] = model.score([{ prompt, completion, end: false }]);
  return { prompt, tokens: scored.tokens, logProbs: scored.tokenLogProbs };
}

function logProbOf(model: Gpt, prompt: string, completion: string): number {
  return model.score([{ prompt, completion, end: false }])[0].logProb;
}

describe('token advantages', () => {
  it('subtracts β·(log π − log π_ref): tokens the policy favours more than the reference lose advantage', () => {
    const [value] = tokenAdvantages([0], [-1], { klCoefficient: 0.5, referenceLogProbs: [-2] });
    expect(value).toBeCloseTo(-0.5);
    const [other] = tokenAdvantages([0], [-2], { klCoefficient: 0.5, referenceLogProbs: [-1] });
    expect(other).toBeCloseTo(0.5);
  });

  it('adds the entropy bonus −α·log π, larger for unlikely tokens', () => {
    const [likely, unlikely] = tokenAdvantages([1, 1], [-0.1, -3], { entropyCoefficient: 0.1 });
    expect(likely).toBeCloseTo(1.01);
    expect(unlikely).toBeCloseTo(1.3);
  });

  it('rejects misaligned inputs and a KL term without reference log-probabilities', () => {
    expect(() => tokenAdvantages([0, 0], [-1], {})).toThrow(/2 advantages for 1 tokens/);
    expect(() => tokenAdvantages([0], [-1], { klCoefficient: 0.1 })).toThrow(/reference/);
  });
});

describe('policy-gradient update', () => {
  it('puts the weights on the completion tokens of each call', () => {
    const { model } = tiny();
    const sequence = callSequence(model, { prompt: '1+', tokens: [4, 1], logProbs: [-1, -1] });
    expect(sequence.tokens).toEqual([1, tokenizer.encode('1')[0], tokenizer.encode('+')[0], 4, 1]);
    expect(sequence.lossStart).toBe(3);
  });

  it('raises the probability of tokens with a positive advantage and lowers the negative ones', () => {
    const { model, optimizer } = tiny();
    const good = logProbOf(model, '1+', '2');
    const bad = logProbOf(model, '1+', '3');
    for (let step = 0; step < 5; step++) {
      policyGradientUpdate(model, optimizer, [
        { call: call(model, '1+', '2'), advantages: [1] },
        { call: call(model, '1+', '3'), advantages: [-1] },
      ]);
    }
    expect(logProbOf(model, '1+', '2')).toBeGreaterThan(good + 0.1);
    expect(logProbOf(model, '1+', '3')).toBeLessThan(bad - 0.1);
  });

  it('with zero advantages, the KL penalty pulls a drifted policy back towards the reference', () => {
    const { model, optimizer } = tiny();
    const reference = frozenCopy(model);
    // Drift: make "7" after "5=" much likelier than the reference has it.
    for (let step = 0; step < 10; step++) {
      policyGradientUpdate(model, optimizer, [{ call: call(model, '5=', '7'), advantages: [1] }]);
    }
    const drifted = logProbOf(model, '5=', '7') - logProbOf(reference, '5=', '7');
    expect(drifted).toBeGreaterThan(0.5);
    const reports = [];
    for (let step = 0; step < 10; step++) {
      reports.push(
        policyGradientUpdate(
          model,
          optimizer,
          [{ call: call(model, '5=', '7'), advantages: [0] }],
          {
            klCoefficient: 1,
            reference,
          },
        ),
      );
    }
    const after = logProbOf(model, '5=', '7') - logProbOf(reference, '5=', '7');
    // The report's KL estimate is log π − log π_ref at the sampled token, before the update.
    expect(reports[0].kl).toBeCloseTo(drifted, 4);
    expect(Math.abs(after)).toBeLessThan(drifted - 0.2);
  });

  it('scores reference log-probabilities of sampled calls, end token included', () => {
    const { model } = tiny();
    const [sample] = model.sample(['2+'], { maxTokens: 3, seed: 1 });
    const [logProbs] = referenceLogProbs(model, [
      { prompt: '2+', tokens: sample.tokens, logProbs: sample.modelLogProbs },
    ]);
    expect(logProbs).toHaveLength(sample.tokens.length);
    logProbs.forEach((value, index) => expect(value).toBeCloseTo(sample.modelLogProbs[index], 4));
  });

  it('refuses a KL penalty without a reference and a batch without tokens', () => {
    const { model, optimizer } = tiny();
    const item = { call: call(model, '1+', '2'), advantages: [1] };
    expect(() => policyGradientUpdate(model, optimizer, [item], { klCoefficient: 0.1 })).toThrow(
      /needs a frozen reference model/,
    );
    expect(() =>
      policyGradientUpdate(model, optimizer, [
        { call: { prompt: '1', tokens: [], logProbs: [] }, advantages: [] },
      ]),
    ).toThrow(/no sampled tokens/);
  });
});
