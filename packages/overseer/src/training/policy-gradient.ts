/**
 * One policy-gradient update of the embedded GPT from sampled model calls and per-token
 * advantages. The kernels minimise Σ weight · (−log p(target)), so a token's weight is its
 * advantage over the number of trained tokens: a positive advantage raises the token's
 * probability, a negative one lowers it.
 *
 * Two per-token terms are folded into the advantage, each affecting only its own token:
 * a KL penalty to a frozen reference, −β · (log π − log π_ref) (the k1 estimate of KL(π‖π_ref) at
 * the sampled token), and an entropy bonus, −α · log π (the single-sample estimate of the
 * entropy). Both use log π from the sample itself, which is the current policy because every
 * batch is sampled fresh (temperature 1) and used for exactly one update.
 */
import { OverseerError } from '../errors.ts';
import { makeTokenBatch } from '../model/gpt.ts';
import type { Gpt, SequenceForBatch } from '../model/gpt.ts';
import type { AdamW } from '../model/optimizer.ts';

/** One model call whose sampled completion is trained on. */
export interface SampledCall {
  /** The prompt the model completed. */
  prompt: string;
  /** The sampled completion's token ids, the end token last when the model stopped there. */
  tokens: readonly number[];
  /** log π of each sampled token under the policy at temperature 1 when it was sampled. */
  logProbs: readonly number[];
}

/** A sampled call and the advantage of each of its tokens. */
export interface CreditedCall {
  call: SampledCall;
  /** One advantage per token of `call.tokens`. */
  advantages: readonly number[];
}

/** Options of `policyGradientUpdate`. */
export interface PolicyGradientOptions {
  /** β of the KL penalty to `reference` (default 0: no penalty). */
  klCoefficient?: number;
  /** The frozen reference policy; required when `klCoefficient` > 0. */
  reference?: Gpt;
  /** α of the entropy bonus (default 0). */
  entropyCoefficient?: number;
  /** Rows per forward/backward pass; gradients of the chunks are summed (default 128). */
  chunkRows?: number;
}

/** What one update did. */
export interface PolicyGradientReport {
  /** The surrogate loss Σ weight · (−log p); its gradient is the policy gradient. */
  loss: number;
  /** Learning rate of the update. */
  learningRate: number;
  /** Gradient norm before clipping. */
  gradientNorm: number;
  /** Trained tokens. */
  tokens: number;
  /** Mean of log π − log π_ref over the trained tokens (0 without a reference). */
  kl: number;
  /** Mean of −log π over the trained tokens (an estimate of the policy's entropy per token). */
  entropy: number;
  /** Mean final per-token advantage (after the KL and entropy terms). */
  meanAdvantage: number;
}

/**
 * The advantage of each token after the KL penalty and the entropy bonus:
 * a − β·(log π − log π_ref) − α·log π. `referenceLogProbs` is needed only when β ≠ 0.
 */
export function tokenAdvantages(
  advantages: readonly number[],
  logProbs: readonly number[],
  options: {
    klCoefficient?: number;
    entropyCoefficient?: number;
    referenceLogProbs?: readonly number[];
  },
): number[] {
  const { klCoefficient = 0, entropyCoefficient = 0, referenceLogProbs } = options;
  if (advantages.length !== logProbs.length) {
    throw new OverseerError(
      'training.advantages',
      `${advantages.length} advantages for ${logProbs.length} tokens`,
    );
  }
  if (klCoefficient !== 0 && referenceLogProbs?.length !== logProbs.length) {
    throw new OverseerError(
      'training.reference',
      'a KL penalty needs the reference log-probability of every sampled token',
    );
  }
  return advantages.map((advantage, i) => {
    let value = advantage - entropyCoefficient * logProbs[i];
    if (klCoefficient !== 0) value -= klCoefficient * (logProbs[i] - referenceLogProbs![i]);
    return value;
  });
}

/** The sequence `<end> prompt completion` of a sampled call, the completion being the target. */
export function callSequence(model: Gpt, call: SampledCall): SequenceForBatch {
  const prompt = model.tokenizer.encode(call.prompt);
  return {
    tokens: [model.tokenizer.endId, ...prompt, ...call.tokens],
    lossStart: 1 + prompt.length,
  };
}

/** Reference log-probabilities of every sampled token of every call. */
export function referenceLogProbs(reference: Gpt, calls: readonly SampledCall[]): number[][] {
  const results = reference.score(
    calls.map((call) => {
      const ends = call.tokens.length > 0 && call.tokens.at(-1) === reference.tokenizer.endId;
      const body = ends ? call.tokens.slice(0, -1) : call.tokens;
      return {
        prompt: call.prompt,
        completion: reference.tokenizer.decode(body),
        end: ends,
      };
    }),
  );
  return results.map((result) => result.tokenLogProbs);
}

/**
 * One update: weights = token advantages / trained tokens, gradients summed over row chunks,
 * then one optimiser step (with its clipping and schedule).
 */
export function policyGradientUpdate(
  model: Gpt,
  optimizer: AdamW,
  credited: readonly CreditedCall[],
  options: PolicyGradientOptions = {},
): PolicyGradientReport {
  const { klCoefficient = 0, entropyCoefficient = 0, chunkRows = 128 } = options;
  if (klCoefficient !== 0 && options.reference === undefined) {
    throw new OverseerError(
      'training.reference',
      'a KL penalty (klCoefficient ≠ 0) needs a frozen reference model',
      { hint: 'pass the model as it was before training as `reference`, or set klCoefficient 0' },
    );
  }
  const calls = credited.filter((item) => item.call.tokens.length > 0);
  const references =
    klCoefficient !== 0
      ? referenceLogProbs(
          options.reference!,
          calls.map((item) => item.call),
        )
      : undefined;
  let tokens = 0;
  let klSum = 0;
  let entropySum = 0;
  let advantageSum = 0;
  const perToken = calls.map((item, index) => {
    const { call } = item;
    if (call.logProbs.length !== call.tokens.length) {
      throw new OverseerError(
        'training.advantages',
        `a sampled call has ${call.tokens.length} tokens but ${call.logProbs.length} log-probabilities`,
      );
    }
    const values = tokenAdvantages(item.advantages, call.logProbs, {
      klCoefficient,
      entropyCoefficient,
      referenceLogProbs: references?.[index],
    });
    tokens += values.length;
    call.logProbs.forEach((logProb, i) => {
      entropySum -= logProb;
      if (references) klSum += logProb - references[index][i];
    });
    advantageSum += values.reduce((a, b) => a + b, 0);
    return values;
  });
  if (tokens === 0) {
    throw new OverseerError('training.no-data', 'the batch has no sampled tokens to train on');
  }

  const gradient = new Float32Array(model.params.length);
  let loss = 0;
  for (let start = 0; start < calls.length; start += chunkRows) {
    const chunk = calls.slice(start, start + chunkRows);
    const sequences = chunk.map((item) => callSequence(model, item.call));
    const batch = makeTokenBatch(sequences, model.tokenizer.paddingId);
    const weights = new Float32Array(batch.batch * batch.time); // (batch, time)
    sequences.forEach((sequence, row) => {
      const values = perToken[start + row];
      for (let i = 0; i < values.length; i++) {
        weights[row * batch.time + sequence.lossStart - 1 + i] = values[i] / tokens;
      }
    });
    loss += model.lossAndGradients({ ...batch, weights });
    for (let i = 0; i < gradient.length; i++) gradient[i] += model.grads[i];
  }
  if (!Number.isFinite(loss)) {
    throw new OverseerError('training.diverged', `the policy-gradient loss is ${loss}`, {
      hint: 'lower the learning rate',
    });
  }
  model.grads.set(gradient);
  const step = optimizer.update(model.params, model.grads);
  return {
    loss,
    ...step,
    tokens,
    kl: klSum / tokens,
    entropy: entropySum / tokens,
    meanAdvantage: advantageSum / tokens,
  };
}
