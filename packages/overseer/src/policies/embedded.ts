/**
 * The embedded policy: a checkpoint directory of the embedded GPT (written by `overseer train`)
 * sampling greedily or with a temperature, with per-token log-probabilities.
 */
import { OverseerError } from '../errors.ts';
import { loadCheckpoint } from '../model/checkpoint.ts';
import type { Gpt, Truncation } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import type { KernelPreference } from '../model/kernels.ts';
import { deriveSeed } from '../util/random.ts';
import type { Generation, GenerationRequest, Policy } from '../spec/index.ts';

/** Options of an embedded policy; every one is recorded in the policy's reference. */
export interface EmbeddedPolicyOptions {
  /** 0 = greedy (default), 1 = the model as trained. */
  temperature?: number;
  /** Keep the k likeliest tokens (0 = all, the default). */
  topK?: number;
  /** Nucleus sampling threshold (1 = all tokens, the default). */
  topP?: number;
  /** Most tokens per completion when a request does not say (default: until the context is full). */
  maxTokens?: number;
  /** Seed of sampling when requests carry none (default 0). */
  seed?: number;
  /** A prompt longer than the context: an error (default) or cut from the left. */
  truncate?: Truncation;
  /** Which compute kernels (default `auto`: native when built, else the TypeScript reference). */
  kernels?: KernelPreference;
}

/** Wraps an already loaded model as a policy named `embedded:<directory>`. */
export function modelPolicy(
  model: Gpt,
  directory: string,
  options: EmbeddedPolicyOptions = {},
): Policy {
  const temperature = options.temperature ?? 0;
  const seed = options.seed ?? 0;
  const truncate = options.truncate ?? 'error';
  const reference = {
    name: `embedded:${directory}`,
    options: {
      temperature,
      seed,
      truncate,
      ...(options.topK === undefined ? {} : { topK: options.topK }),
      ...(options.topP === undefined ? {} : { topP: options.topP }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    },
  };
  return {
    reference,
    async generate(requests: readonly GenerationRequest[]): Promise<Generation[]> {
      if (requests.length === 0) return [];
      // Gpt.sample takes one token limit per call: group requests by their limit.
      const groups = new Map<number | undefined, number[]>();
      requests.forEach((request, index) => {
        const limit = request.maxTokens ?? options.maxTokens;
        groups.set(limit, [...(groups.get(limit) ?? []), index]);
      });
      const generations: Generation[] = new Array(requests.length);
      for (const [maxTokens, indices] of groups) {
        // Gpt.sample gives row r the stream deriveSeed(seed, 'sample', r); mixing every request's
        // seed into the call's seed keeps a batch reproducible (greedy decoding ignores it).
        const batchSeed = indices.reduce(
          (mixed, index) => deriveSeed(mixed, requests[index].seed ?? seed),
          seed,
        );
        const results = model.sample(
          indices.map((index) => requests[index].prompt),
          {
            temperature,
            seed: batchSeed,
            truncate,
            ...(options.topK === undefined ? {} : { topK: options.topK }),
            ...(options.topP === undefined ? {} : { topP: options.topP }),
            ...(maxTokens === undefined ? {} : { maxTokens }),
          },
        );
        results.forEach((result, row) => {
          const index = indices[row];
          generations[index] = {
            text: result.text,
            tokenLogProbs: result.modelLogProbs,
            logProb: result.modelLogProb,
            finishReason: result.finishReason,
            cost: {
              calls: 1,
              inputTokens: requests[index].prompt.length + 1,
              outputTokens: result.tokens.length,
            },
          };
        });
      }
      return generations;
    },
  };
}

/** Loads `directory` (a checkpoint folder) as a policy. */
export async function embeddedPolicy(
  directory: string,
  options: EmbeddedPolicyOptions = {},
): Promise<Policy> {
  if (directory === '') {
    throw new OverseerError(
      'policy.embedded-directory',
      'embedded: needs a checkpoint folder, e.g. embedded:runs/addition/checkpoint.',
      {
        hint: 'Train one with `overseer train --task addition --out <dir>`.',
      },
    );
  }
  const { model } = await loadCheckpoint(directory, loadKernels(options.kernels ?? 'auto'));
  return modelPolicy(model, directory, options);
}
