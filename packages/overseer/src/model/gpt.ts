/**
 * The embedded GPT: a small GPT-2 (see kernels.ts for the architecture) over a character
 * tokenizer, with its parameters in one flat Float32Array and every forward/backward pass run by
 * a `Kernels` implementation. It trains on token batches, scores completions and samples them
 * with log-probabilities.
 *
 * A sequence is `<end> prompt completion <end>`: the leading end token (GPT-2's document
 * separator) gives an empty prompt something to condition on, the trailing one ends the answer.
 */
import { OverseerError } from '../errors.ts';
import { emptyComputeCount, tokenPositions } from './compute.ts';
import type { ComputeCount } from './compute.ts';
import { parameterCount, parameterLayout } from './kernels.ts';
import type { GptShape, Kernels, KvCache, TokenBatch } from './kernels.ts';
import type { AdamW, OptimizerStepReport } from './optimizer.ts';
import { Random, deriveSeed } from '../util/random.ts';
import { sampleToken, validateSamplingOptions } from './sampling.ts';
import type { SamplingOptions } from './sampling.ts';
import type { Tokenizer } from './tokenizer.ts';
import { defaultGptConfig } from './gpt-config.ts';
import type { GptConfig } from './gpt-config.ts';

export { defaultGptConfig } from './gpt-config.ts';
export type { GptConfig } from './gpt-config.ts';

/** Checks a model configuration, naming the key and what to change. */
export function validateGptConfig(config: GptConfig): void {
  for (const key of ['layers', 'heads', 'width', 'contextLength'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new OverseerError(
        'model.config',
        `model ${key} = ${config[key]} must be a positive integer`,
      );
    }
  }
  if (config.width % config.heads !== 0) {
    throw new OverseerError(
      'model.config',
      `model width ${config.width} is not divisible by heads ${config.heads}`,
      {
        hint: 'pick a width that is a multiple of the number of heads (e.g. --width 64 --heads 4)',
      },
    );
  }
  if (!(config.initStandardDeviation > 0)) {
    throw new OverseerError(
      'model.config',
      `model initStandardDeviation = ${config.initStandardDeviation} must be positive`,
    );
  }
}

/** What to do when a prompt does not fit in the context. */
export type Truncation = 'error' | 'left';

/** A completion to score after a prompt. */
export interface ScoreRequest {
  prompt: string;
  completion: string;
  /** Whether the end token follows the completion and is scored too (default true). */
  end?: boolean;
}

/** Log-probabilities of one completion. */
export interface ScoreResult {
  /** Σ log p over the completion's tokens (and the end token when scored). */
  logProb: number;
  /** log p of each completion token, in order (the end token last when scored). */
  tokenLogProbs: number[];
  /** The completion's token ids (the end token last when scored). */
  tokens: number[];
}

/** Options of `Gpt.sample`. */
export interface SampleOptions extends SamplingOptions {
  /** Samples per prompt (default 1). */
  n?: number;
  /** Most completion tokens, counting the end token (default: until the context is full). */
  maxTokens?: number;
  /** Seed of the sampling stream; each sample draws from its own sub-stream of it (default 0). */
  seed?: number;
  /** Prompts that leave no room for the completion: an error (default) or cut from the left. */
  truncate?: Truncation;
  /** Rows per forward pass (default 64). */
  batchSize?: number;
  /**
   * Decode with a KV cache (default true): one position per new token instead of the whole
   * sequence. Results are the same either way (up to float rounding in the log-probs).
   */
  kvCache?: boolean;
}

/** A sample in progress. */
interface Row {
  result: SampleResult;
  /** `<end> prompt` and the tokens sampled so far. */
  tokens: number[];
  random: Random;
}

/** Why a sample stopped. */
export type FinishReason = 'end' | 'max-tokens' | 'context';

/** One sampled completion. */
export interface SampleResult {
  /** Index of the prompt in the request. */
  promptIndex: number;
  /** The completion text (without the end token). */
  text: string;
  /** The completion's token ids, including the end token when it stopped there. */
  tokens: number[];
  /** log p of each token under the distribution actually sampled from. */
  logProbs: number[];
  /** log p of each token under the model at temperature 1 (what `score` returns). */
  modelLogProbs: number[];
  /** Σ modelLogProbs. */
  modelLogProb: number;
  /** `end`: the model chose the end token; `max-tokens`: hit maxTokens; `context`: ran out of context. */
  finishReason: FinishReason;
}

/** One token sequence for a batch: targets before `lossStart` are ignored. */
export interface SequenceForBatch {
  /** The whole sequence, e.g. `<end> prompt completion <end>`. */
  tokens: number[];
  /** Index of the first token that is a target (the first completion token). */
  lossStart: number;
}

/**
 * Builds a TokenBatch: inputs are tokens[0 … n−2], targets tokens[1 … n−1] with positions
 * before `lossStart` and padding set to −1. `time` defaults to the longest row (at least 1).
 */
export function makeTokenBatch(
  sequences: SequenceForBatch[],
  paddingId: number,
  time = Math.max(1, ...sequences.map((s) => s.tokens.length - 1)),
): TokenBatch {
  const batch = sequences.length;
  const inputs = new Int32Array(batch * time).fill(paddingId);
  const targets = new Int32Array(batch * time).fill(-1);
  sequences.forEach(({ tokens, lossStart }, row) => {
    if (tokens.length - 1 > time) {
      throw new OverseerError(
        'model.batch',
        `a sequence of ${tokens.length} tokens does not fit time ${time}`,
      );
    }
    for (let t = 0; t < tokens.length - 1; t++) {
      inputs[row * time + t] = tokens[t];
      if (t + 1 >= lossStart) targets[row * time + t] = tokens[t + 1];
    }
  });
  return { batch, time, inputs, targets };
}

/** The embedded GPT: parameters, gradients, tokenizer and the kernels that compute on them. */
export class Gpt {
  /** Model hyperparameters. */
  readonly config: GptConfig;
  /** The character tokenizer; its size is the vocabulary. */
  readonly tokenizer: Tokenizer;
  /** The shape the kernels see. */
  readonly shape: GptShape;
  /** All parameters, laid out by `parameterLayout(shape)`. */
  readonly params: Float32Array;
  /** Gradients of the last `lossAndGradients`, same layout. */
  readonly grads: Float32Array;
  /** The compute kernels. */
  readonly kernels: Kernels;
  /**
   * Token positions this model has computed on, by kind of pass (`model/compute.ts` turns them
   * into FLOPs). Shared with a copy made with `compute`, so a frozen reference charges its
   * scoring to the model it was copied from.
   */
  readonly compute: ComputeCount;
  private readonly excluded: ReadonlySet<number>;
  /** Reused by every `sample` call (rebuilt when a larger batch needs more rows). */
  private decodingCache: KvCache | undefined;

  /** Wraps existing parameters (e.g. from a checkpoint); use `Gpt.create` for a fresh model. */
  constructor(options: {
    config: GptConfig;
    tokenizer: Tokenizer;
    kernels: Kernels;
    params: Float32Array;
    /** The count to charge this model's passes to (default: a fresh one). */
    compute?: ComputeCount;
  }) {
    validateGptConfig(options.config);
    this.config = { ...options.config };
    this.tokenizer = options.tokenizer;
    this.kernels = options.kernels;
    this.shape = {
      vocabSize: options.tokenizer.vocabSize,
      contextLength: this.config.contextLength,
      layers: this.config.layers,
      heads: this.config.heads,
      width: this.config.width,
    };
    const count = parameterCount(this.shape);
    if (options.params.length !== count) {
      throw new OverseerError(
        'model.parameters',
        `the model needs ${count} parameters for its shape but was given ${options.params.length}`,
      );
    }
    this.params = options.params;
    this.grads = new Float32Array(count);
    this.compute = options.compute ?? emptyComputeCount();
    // Padding is never a target, so a model must never produce it.
    this.excluded = new Set([options.tokenizer.paddingId]);
  }

  /** A freshly initialised model, GPT-2 style, from a seed. */
  static create(options: {
    tokenizer: Tokenizer;
    kernels: Kernels;
    seed: number;
    config?: Partial<GptConfig>;
  }): Gpt {
    const config = { ...defaultGptConfig, ...options.config };
    validateGptConfig(config);
    const shape: GptShape = { vocabSize: options.tokenizer.vocabSize, ...config };
    return new Gpt({
      config,
      tokenizer: options.tokenizer,
      kernels: options.kernels,
      params: initialParameters(shape, config.initStandardDeviation, options.seed),
    });
  }

  /** Number of parameters. */
  get parameterCount(): number {
    return this.params.length;
  }

  /** Token ids `<end> prompt completion [<end>]`, and where the completion starts. */
  encode(prompt: string, completion = '', end = true): SequenceForBatch {
    const promptTokens = this.tokenizer.encode(prompt);
    const tokens = [this.tokenizer.endId, ...promptTokens, ...this.tokenizer.encode(completion)];
    if (end) tokens.push(this.tokenizer.endId);
    return { tokens, lossStart: 1 + promptTokens.length };
  }

  /** Forward and backward pass: fills `grads`, returns the batch loss. */
  lossAndGradients(batch: TokenBatch): number {
    this.compute.trainedTokens += tokenPositions(batch.inputs, this.tokenizer.paddingId);
    return this.kernels.forwardBackward(this.shape, this.params, this.grads, batch);
  }

  /** One training step: loss and gradients on `batch`, then an optimiser update. */
  trainStep(batch: TokenBatch, optimizer: AdamW): OptimizerStepReport & { loss: number } {
    const loss = this.lossAndGradients(batch);
    if (!Number.isFinite(loss)) {
      throw new OverseerError('training.diverged', `the loss is ${loss}: training diverged`, {
        hint: 'lower the learning rate (--lr)',
      });
    }
    return { loss, ...optimizer.update(this.params, this.grads) };
  }

  /** Log-probabilities of completions after prompts, computed in batches. */
  score(
    requests: ScoreRequest[],
    options: { truncate?: Truncation; batchSize?: number } = {},
  ): ScoreResult[] {
    const { truncate = 'error', batchSize = 64 } = options;
    const sequences = requests.map((request) => {
      const sequence = this.encode(request.prompt, request.completion, request.end ?? true);
      return this.fitForScoring(sequence, truncate);
    });
    const results: ScoreResult[] = [];
    for (let start = 0; start < sequences.length; start += batchSize) {
      const chunk = sequences.slice(start, start + batchSize);
      const batch = makeTokenBatch(chunk, this.tokenizer.paddingId);
      const logProbs = new Float32Array(batch.batch * batch.time);
      this.compute.forwardTokens += tokenPositions(batch.inputs, this.tokenizer.paddingId);
      this.kernels.score(this.shape, this.params, batch, logProbs);
      chunk.forEach(({ tokens, lossStart }, row) => {
        const tokenLogProbs: number[] = [];
        for (let t = lossStart - 1; t < tokens.length - 1; t++) {
          tokenLogProbs.push(logProbs[row * batch.time + t]);
        }
        results.push({
          logProb: tokenLogProbs.reduce((a, b) => a + b, 0),
          tokenLogProbs,
          tokens: tokens.slice(lossStart),
        });
      });
    }
    return results;
  }

  /** Samples completions for each prompt, in batches, reproducibly for a seed. */
  sample(prompts: string[], options: SampleOptions = {}): SampleResult[] {
    const { n = 1, seed = 0, truncate = 'error', batchSize = 64, kvCache = true } = options;
    const maxTokens = options.maxTokens ?? this.config.contextLength;
    validateSamplingOptions(options);
    if (!Number.isInteger(n) || n < 1) {
      throw new OverseerError('sampling.options', `n = ${n} must be a positive integer`);
    }
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new OverseerError(
        'sampling.options',
        `max tokens ${maxTokens} must be a positive integer`,
      );
    }
    const T = this.config.contextLength;
    const V = this.shape.vocabSize;
    const encoded = prompts.map((prompt) => this.fitPromptForSampling(prompt, maxTokens, truncate));

    const rows: Row[] = [];
    encoded.forEach((tokens, promptIndex) => {
      for (let k = 0; k < n; k++) {
        rows.push({
          tokens: [...tokens],
          // Each sample has its own stream, so results do not depend on batching or order.
          random: new Random(deriveSeed(seed, 'sample', rows.length)),
          result: {
            promptIndex,
            text: '',
            tokens: [],
            logProbs: [],
            modelLogProbs: [],
            modelLogProb: 0,
            finishReason: 'max-tokens',
          },
        });
      }
    });

    // Samples a row's next token from its logits; false once the row is finished.
    const advance = (row: Row, logits: Float32Array): boolean => {
      const choice = sampleToken(logits, options, row.random, this.excluded);
      const { result } = row;
      result.tokens.push(choice.token);
      result.logProbs.push(choice.logProb);
      result.modelLogProbs.push(choice.modelLogProb);
      result.modelLogProb += choice.modelLogProb;
      row.tokens.push(choice.token);
      if (choice.token === this.tokenizer.endId) result.finishReason = 'end';
      else if (result.tokens.length >= maxTokens) result.finishReason = 'max-tokens';
      // The next prediction would need an input longer than the context.
      else if (row.tokens.length > T) result.finishReason = 'context';
      else return true;
      result.text = this.tokenizer.decode(result.tokens, { skipSpecial: true });
      return false;
    };
    const logitsOf = (logits: Float32Array, b: number): Float32Array =>
      logits.subarray(b * V, (b + 1) * V);

    for (let start = 0; start < rows.length; start += batchSize) {
      const chunk = rows.slice(start, start + batchSize);
      if (kvCache) {
        this.sampleWithCache(chunk, advance, logitsOf);
        continue;
      }
      let active = chunk;
      while (active.length > 0) {
        const { inputs, time, lengths } = this.paddedInputs(active.map((row) => row.tokens));
        const logits = new Float32Array(active.length * V); // (batch, vocab)
        // Without the cache every step recomputes each row's whole sequence.
        this.compute.forwardTokens += sum(lengths);
        this.kernels.lastLogits(
          this.shape,
          this.params,
          inputs,
          active.length,
          time,
          lengths,
          logits,
        );
        active = active.filter((row, b) => advance(row, logitsOf(logits, b)));
      }
    }
    return rows.map((row) => row.result);
  }

  /**
   * One chunk of rows with the KV cache: the prompts prefilled in one pass, then one position per
   * step for the rows still sampling (row b of the chunk lives in cache row b).
   */
  private sampleWithCache(
    chunk: Row[],
    advance: (row: Row, logits: Float32Array) => boolean,
    logitsOf: (logits: Float32Array, b: number) => Float32Array,
  ): void {
    const V = this.shape.vocabSize;
    if (this.decodingCache === undefined || this.decodingCache.batch < chunk.length) {
      this.decodingCache = this.kernels.createKvCache(this.shape, chunk.length);
    }
    const cache = this.decodingCache;
    const { inputs, time, lengths } = this.paddedInputs(chunk.map((row) => row.tokens));
    const logits = new Float32Array(chunk.length * V); // (batch, vocab)
    this.compute.forwardTokens += sum(lengths);
    this.kernels.prefill(this.params, cache, inputs, chunk.length, time, lengths, logits);
    let active = chunk.flatMap((row, b) => (advance(row, logitsOf(logits, b)) ? [b] : []));
    const slots = new Int32Array(chunk.length);
    const positions = new Int32Array(chunk.length);
    const tokens = new Int32Array(chunk.length);
    while (active.length > 0) {
      const count = active.length;
      active.forEach((b, i) => {
        const sequence = chunk[b].tokens;
        slots[i] = b;
        positions[i] = sequence.length - 1;
        tokens[i] = sequence[sequence.length - 1];
      });
      const out = logits.subarray(0, count * V); // (count, vocab)
      this.compute.forwardTokens += count;
      this.kernels.decode(
        this.params,
        cache,
        slots.subarray(0, count),
        positions.subarray(0, count),
        tokens.subarray(0, count),
        out,
      );
      active = active.filter((b, i) => advance(chunk[b], logitsOf(out, i)));
    }
  }

  /** Token sequences as one padded (batch, time) input with their lengths. */
  private paddedInputs(sequences: number[][]): {
    inputs: Int32Array;
    time: number;
    lengths: Int32Array;
  } {
    const time = Math.max(...sequences.map((sequence) => sequence.length));
    const inputs = new Int32Array(sequences.length * time).fill(this.tokenizer.paddingId);
    sequences.forEach((sequence, b) => inputs.set(sequence, b * time));
    return { inputs, time, lengths: Int32Array.from(sequences, (sequence) => sequence.length) };
  }

  /** Greedy completions (temperature 0), e.g. for exact-match evaluation. */
  complete(prompts: string[], options: { maxTokens?: number; batchSize?: number } = {}): string[] {
    return this.sample(prompts, { ...options, temperature: 0 }).map((result) => result.text);
  }

  private fitForScoring(sequence: SequenceForBatch, truncate: Truncation): SequenceForBatch {
    const limit = this.config.contextLength + 1; // inputs are all but the last token
    const excess = sequence.tokens.length - limit;
    if (excess <= 0) return sequence;
    const promptLength = sequence.lossStart - 1;
    if (truncate === 'left' && excess <= promptLength) {
      // Keep the leading end token; drop the oldest prompt characters.
      return {
        tokens: [sequence.tokens[0], ...sequence.tokens.slice(1 + excess)],
        lossStart: sequence.lossStart - excess,
      };
    }
    throw new OverseerError(
      'model.context',
      `a prompt and completion of ${sequence.tokens.length - 2} tokens do not fit the model's context of ${this.config.contextLength} tokens (${limit - 2} after the two end tokens)`,
      {
        hint:
          truncate === 'left'
            ? 'the completion alone is too long: train a model with a larger --context'
            : "shorten the prompt, pass truncate: 'left', or train a model with a larger --context",
      },
    );
  }

  private fitPromptForSampling(prompt: string, maxTokens: number, truncate: Truncation): number[] {
    const tokens = [this.tokenizer.endId, ...this.tokenizer.encode(prompt)];
    const T = this.config.contextLength;
    if (truncate === 'left') {
      // Leave room for maxTokens where the context allows, keeping at least the end token.
      const keep = Math.max(1, Math.min(tokens.length, T + 1 - maxTokens, T));
      return keep >= tokens.length
        ? tokens
        : [tokens[0], ...tokens.slice(tokens.length - keep + 1)];
    }
    if (tokens.length > T) {
      throw new OverseerError(
        'model.context',
        `a prompt of ${tokens.length - 1} characters leaves no room in the model's context of ${T} tokens (one goes to the leading end token)`,
        {
          hint: `shorten the prompt to at most ${T - 1} characters, pass truncate: 'left' (--truncate left), or train a model with a larger --context`,
        },
      );
    }
    return tokens;
  }
}

function sum(values: Int32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * GPT-2 initialisation: every weight matrix and both embeddings normal(0, std), the two
 * residual projections (attn.c_proj, mlp.c_proj) normal(0, std/sqrt(2·layers)) so the
 * residual stream's variance does not grow with depth, biases 0, LayerNorm gains 1.
 */
export function initialParameters(
  shape: GptShape,
  standardDeviation: number,
  seed: number,
): Float32Array {
  const params = new Float32Array(parameterCount(shape));
  const random = new Random(deriveSeed(seed, 'init'));
  const residualDeviation = standardDeviation / Math.sqrt(2 * shape.layers);
  for (const slot of parameterLayout(shape)) {
    const end = slot.offset + slot.size;
    if (slot.name.endsWith('.bias')) continue;
    if (/ln_[12f]\.weight$/.test(slot.name)) {
      params.fill(1, slot.offset, end);
      continue;
    }
    const deviation = slot.name.endsWith('c_proj.weight') ? residualDeviation : standardDeviation;
    for (let i = slot.offset; i < end; i++) params[i] = random.normal(0, deviation);
  }
  return params;
}
