/**
 * `gguf:<path>`: a local GGUF model through node-llama-cpp on the CPU (its prebuilt binaries come
 * from npm; nothing is compiled or downloaded). node-llama-cpp is imported only when a gguf:
 * policy is built, so everything else works without it. The rendered prompt is completed as
 * plain text (no chat template); each reply token comes with its log-probability under the
 * distribution llama.cpp sampled from and, when asked, the top alternatives.
 */
import { availableParallelism } from 'node:os';
import type * as NodeLlamaCpp from 'node-llama-cpp';
import type { Token } from 'node-llama-cpp';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { ChatGeneration, ChatRequest, TokenAlternative } from './chat.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { recordedOptions } from './http-policy.ts';
import type { GenerationFinish, GenerationRequest, Policy } from '../spec/index.ts';
import { parsePolicyOptions } from './policy-options.ts';
import type { PolicyRegistration } from './registry.ts';

/** Options of `gguf:<path>`. */
export const GgufOptions = z.strictObject({
  /** 0 = greedy (default). */
  temperature: z.number().min(0).default(0),
  topK: z.number().int().min(0).optional(),
  topP: z.number().gt(0).max(1).optional(),
  /** Most reply tokens when a request does not say. */
  maxTokens: z.number().int().positive().default(256),
  /** Seed when a request carries none. */
  seed: z.number().int().min(0).default(0),
  /** Context size in tokens (default: the model's training context). */
  contextSize: z.number().int().positive().optional(),
  /**
   * CPU threads (default: half the cores, at least 1). llama.cpp's threads spin while they wait:
   * more threads than free cores made a tiny model ~700× slower on a shared 2-core machine.
   */
  threads: z.number().int().positive().optional(),
});
/** Options of `gguf:<path>`, as given. */
export type GgufOptions = z.input<typeof GgufOptions>;

/** A gguf: policy; `dispose` frees the model (the process exits cleanly without it too). */
export interface GgufPolicy extends Policy {
  dispose(): Promise<void>;
}

/** Loads `path` and builds the policy. */
export async function ggufPolicy(path: string, given: GgufOptions = {}): Promise<GgufPolicy> {
  const label = `gguf:${path}`;
  const options = parsePolicyOptions(label, GgufOptions, given);
  const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / 2));
  let runtime: typeof NodeLlamaCpp;
  try {
    runtime = await import('node-llama-cpp');
  } catch (error) {
    throw new OverseerError(
      'policy.gguf-unavailable',
      `${label} needs the node-llama-cpp package.`,
      {
        cause: error,
        hint: 'npm i -E --omit=optional node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1 (see docs/models.md).',
      },
    );
  }
  let llama;
  let model;
  try {
    llama = await runtime.getLlama({
      gpu: false,
      build: 'never',
      logLevel: runtime.LlamaLogLevel.error,
      maxThreads: threads,
    });
    model = await llama.loadModel({ modelPath: path });
  } catch (error) {
    throw new OverseerError(
      'policy.gguf-load',
      `${label}: cannot load the model (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error, hint: 'Pass the path of a GGUF file that llama.cpp can read.' },
    );
  }
  const context = await model.createContext({
    sequences: 1,
    threads,
    ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
  });
  const sequence = context.getSequence();
  // One sequence: requests take turns.
  const limit = concurrencyLimit(1);
  const bos = model.tokens.bos;

  const one = async (request: GenerationRequest): Promise<ChatGeneration> => {
    const chat = request as ChatRequest;
    const maxTokens = request.maxTokens ?? options.maxTokens;
    const topCount = chat.topLogProbs ?? 0;
    const stops = chat.stop ?? [];
    await sequence.clearHistory();
    const prompt = [...(bos === null ? [] : [bos]), ...model.tokenize(request.prompt)];
    if (prompt.length >= context.contextSize) {
      throw new OverseerError(
        'policy.gguf-context',
        `${label}: the prompt has ${prompt.length} tokens; the context holds ${context.contextSize}.`,
        { hint: 'Shorten the prompt or raise the contextSize option.' },
      );
    }
    const generated: Token[] = [];
    const tokenLogProbs: number[] = [];
    const topLogProbs: TokenAlternative[][] = [];
    let finishReason: GenerationFinish = 'end';
    let text = '';
    const evaluation = sequence.evaluateWithMetadata(
      prompt,
      { confidence: true, probabilities: topCount > 0 },
      {
        temperature: options.temperature,
        seed: request.seed ?? options.seed,
        ...(options.topK === undefined ? {} : { topK: options.topK }),
        ...(options.topP === undefined ? {} : { topP: options.topP }),
      },
    );
    for await (const output of evaluation) {
      generated.push(output.token);
      tokenLogProbs.push(Math.log(Math.max(output.confidence, Number.MIN_VALUE)));
      if (topCount > 0) {
        const entries = [...(output as { probabilities?: Map<Token, number> }).probabilities!];
        topLogProbs.push(
          entries.slice(0, topCount).map(([token, probability]) => ({
            token: model.detokenize([token]),
            logProb: Math.log(Math.max(probability, Number.MIN_VALUE)),
          })),
        );
      }
      text = model.detokenize(generated);
      const cut = Math.min(...stops.map((stop) => text.indexOf(stop)).filter((at) => at >= 0));
      if (Number.isFinite(cut)) {
        text = text.slice(0, cut);
        break;
      }
      if (generated.length >= maxTokens) {
        finishReason = 'max-tokens';
        break;
      }
      if (prompt.length + generated.length >= context.contextSize) {
        finishReason = 'context';
        break;
      }
    }
    const result: ChatGeneration = {
      text,
      tokens: generated.map((token) => model.detokenize([token])),
      tokenLogProbs,
      logProb: tokenLogProbs.reduce((sum, value) => sum + value, 0),
      finishReason,
      cost: { calls: 1, inputTokens: prompt.length, outputTokens: generated.length },
    };
    if (topCount > 0) result.topLogProbs = topLogProbs;
    return result;
  };

  return {
    reference: { name: label, options: recordedOptions(options) },
    async generate(requests: readonly GenerationRequest[]): Promise<ChatGeneration[]> {
      const generations: ChatGeneration[] = [];
      for (const request of requests) generations.push(await limit(() => one(request)));
      return generations;
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** The `gguf:` provider's registration in the policy registry. */
export const ggufProvider: PolicyRegistration<typeof GgufOptions> = {
  describe:
    '`gguf:<file.gguf>` (a local GGUF model via node-llama-cpp on the CPU; options temperature, topK, topP, maxTokens, seed, contextSize, threads)',
  needsModel: true,
  schema: GgufOptions,
  create: (options, { model }) => ggufPolicy(model, options),
};
