/**
 * What every HTTP backend (`openai:`, `anthropic:`) shares, around the one thing each does
 * differently (turning a request into its wire body and a reply back): the on-disk response
 * cache, a concurrency limit, per-call timeouts, retries with backoff, and token and cost
 * accounting. A request that still fails after its retries rejects its `generate` call with an
 * OverseerError naming every attempt, so the scaffold records the episode as failed, never lost.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { Random } from '../util/random.ts';
import type {
  GenerationFinish,
  GenerationRequest,
  JsonObject,
  Policy,
  RegistryReference,
} from '../spec/index.ts';
import type { ChatGeneration, ChatRequest, ChatToolCall, TokenAlternative } from './chat.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { responseCache } from './response-cache.ts';
import type { ResponseCache } from './response-cache.ts';
import { failureFromStatus, parseRetryAfter, withRetries } from './retry.ts';
import type { CallFailure } from './retry.ts';
import { Prices, callCost, emptyUsage } from './usage.ts';
import type { UsageTotals } from './usage.ts';

/** Thrown when a 2xx reply does not have the shape its API promises (retried like a 5xx). */
export class MalformedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedReplyError';
  }
}

/** One reply as a backend decoded it. */
export interface BackendReply {
  text: string;
  finishReason: GenerationFinish;
  /** Reply tokens as text, aligned with tokenLogProbs. */
  tokens?: string[];
  tokenLogProbs?: number[];
  topLogProbs?: TokenAlternative[][];
  /** Tool calls of the reply (native function calling). */
  toolCalls?: ChatToolCall[];
  inputTokens: number;
  outputTokens: number;
}

/** The part of a backend that differs between providers. */
export interface HttpBackend {
  /** `provider:model`, for messages. */
  readonly label: string;
  /** Where requests go; part of the cache key, so two servers never share answers. */
  readonly endpoint: string;
  /** The exact wire body of a request (what the cache keys on). */
  body(request: ChatRequest): JsonObject;
  /** Sends one body; throws on any failure (classified by `classify`). */
  send(body: JsonObject, options: { timeoutMs: number }): Promise<BackendReply>;
  /** Says whether a thrown error is worth retrying. */
  classify(error: unknown): CallFailure;
}

/** A class of errors, as `instanceof` needs it. */
type ErrorClass<Instance = Error> = abstract new (...args: never[]) => Instance;

/** The error classes of an official provider SDK (`openai`, `@anthropic-ai/sdk` share them). */
export interface SdkErrorClasses {
  readonly APIUserAbortError: ErrorClass;
  readonly APIConnectionTimeoutError: ErrorClass;
  readonly APIConnectionError: ErrorClass;
  readonly APIError: ErrorClass<
    Error & { status: number | undefined; headers: Headers | undefined }
  >;
}

/** Says whether an error from an SDK call (or from decoding its reply) is worth retrying. */
export function classifySdkError(
  error: unknown,
  sdk: SdkErrorClasses,
  timeoutMs: number,
): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MalformedReplyError || error instanceof SyntaxError) {
    return { kind: 'malformed-response', retryable: true, message };
  }
  if (error instanceof sdk.APIUserAbortError) {
    return { kind: 'aborted', retryable: false, message };
  }
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return { kind: 'timeout', retryable: true, message: `timed out after ${timeoutMs} ms` };
  }
  if (error instanceof sdk.APIConnectionError) {
    // A body cut off mid-JSON surfaces as a connection error whose cause is the parse error.
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof SyntaxError
      ? { kind: 'malformed-response', retryable: true, message: cause.message }
      : { kind: 'network', retryable: true, message };
  }
  if (error instanceof sdk.APIError && typeof error.status === 'number') {
    const headers = error.headers;
    return failureFromStatus(
      error.status,
      message,
      parseRetryAfter((name) => headers?.get(name)),
    );
  }
  return { kind: 'client', retryable: false, message };
}

/** Options every HTTP backend takes (merged into each backend's schema). */
export const httpCallOptionsShape = {
  /** Per-attempt timeout. */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Retries after a failed attempt (429, 5xx, timeouts, network, malformed replies). */
  maxRetries: z.number().int().min(0).default(4),
  /** Backoff cap before the first retry; doubles every retry. */
  initialBackoffMs: z.number().nonnegative().default(500),
  /** Largest backoff, and the longest `retry-after` honoured. */
  maxBackoffMs: z.number().nonnegative().default(30_000),
  /** Most requests in flight at once. */
  concurrency: z.number().int().positive().default(4),
  /** Directory of the on-disk response cache (off when absent). */
  cache: z.string().min(1).optional(),
  /** Dollar prices per million tokens, for cost accounting. */
  prices: Prices.optional(),
  /** Seed of the retry jitter. */
  retrySeed: z.number().int().default(0),
};

/** The shared options, parsed. */
export type HttpCallOptions = z.output<z.ZodObject<typeof httpCallOptionsShape>>;

/** Test and logging hooks (not part of a policy's recorded options). */
export interface HttpHooks {
  /** Replaces the wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** Sees every retry and the delay chosen for it. */
  onRetry?: (failure: CallFailure, attempt: number, delayMs: number) => void;
}

/** A policy over HTTP with running usage totals. */
export interface HttpPolicy extends Policy {
  readonly usage: UsageTotals;
  /** The most requests that were in flight at once. */
  readonly peakConcurrency: number;
}

/** Builds the policy for `backend`. */
export function httpPolicy(
  backend: HttpBackend,
  reference: RegistryReference,
  options: HttpCallOptions,
  hooks: HttpHooks = {},
): HttpPolicy {
  const usage = emptyUsage();
  const limit = concurrencyLimit(options.concurrency);
  const cache: ResponseCache | undefined =
    options.cache === undefined ? undefined : responseCache(options.cache);
  const random = new Random(options.retrySeed);

  const one = async (request: GenerationRequest): Promise<ChatGeneration> => {
    usage.requests += 1;
    const body = backend.body(request);
    // The seed is in the key even for backends whose wire body has none (Anthropic), so distinct
    // samples of the same prompt never collapse into one cached reply.
    const key = { endpoint: backend.endpoint, body, seed: request.seed ?? null };
    const cached = cache === undefined ? undefined : await cache.get<BackendReply>(key);
    if (cached !== undefined) {
      usage.cacheHits += 1;
      return toGeneration(cached, 0, 1, true, options.prices);
    }
    let retried;
    try {
      retried = await limit(() =>
        withRetries(
          () => {
            usage.httpRequests += 1;
            return backend.send(body, { timeoutMs: options.timeoutMs });
          },
          (error) => backend.classify(error),
          {
            maxRetries: options.maxRetries,
            initialBackoffMs: options.initialBackoffMs,
            maxBackoffMs: options.maxBackoffMs,
            random: () => random.next(),
            label: backend.label,
            onRetry: (failure, attempt, delay) => {
              usage.retries += 1;
              hooks.onRetry?.(failure, attempt, delay);
            },
            ...(hooks.sleep === undefined ? {} : { sleep: hooks.sleep }),
          },
        ),
      );
    } catch (error) {
      usage.failures += 1;
      throw error;
    }
    const reply = retried.value;
    usage.inputTokens += reply.inputTokens;
    usage.outputTokens += reply.outputTokens;
    const generation = toGeneration(
      reply,
      retried.attempts,
      retried.attempts,
      false,
      options.prices,
    );
    usage.usd += generation.cost.usd ?? 0;
    if (cache !== undefined) await cache.set(key, reply);
    return generation;
  };

  return {
    reference,
    usage,
    get peakConcurrency() {
      return limit.peak;
    },
    async generate(requests: readonly GenerationRequest[]): Promise<ChatGeneration[]> {
      // Settle every request before failing, so no call is still running when the caller moves on.
      const settled = await Promise.allSettled(requests.map((request) => one(request)));
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      return settled.map((result) => (result as PromiseFulfilledResult<ChatGeneration>).value);
    },
  };
}

function toGeneration(
  reply: BackendReply,
  calls: number,
  attempts: number,
  cached: boolean,
  prices: Prices | undefined,
): ChatGeneration {
  const generation: ChatGeneration = {
    text: reply.text,
    finishReason: reply.finishReason,
    // A cache hit spent nothing.
    cost: cached
      ? callCost(0, 0, 0, prices)
      : callCost(calls, reply.inputTokens, reply.outputTokens, prices),
    attempts,
    cached,
  };
  if (reply.tokens !== undefined) generation.tokens = reply.tokens;
  if (reply.tokenLogProbs !== undefined) {
    generation.tokenLogProbs = reply.tokenLogProbs;
    generation.logProb = reply.tokenLogProbs.reduce((sum, value) => sum + value, 0);
  }
  if (reply.topLogProbs !== undefined) generation.topLogProbs = reply.topLogProbs;
  if (reply.toolCalls !== undefined && reply.toolCalls.length > 0) {
    generation.toolCalls = reply.toolCalls;
  }
  return generation;
}

/** Options as a JSON object for a policy's reference: absent (undefined) keys dropped. */
export function recordedOptions(options: object): JsonObject {
  return JSON.parse(JSON.stringify(options)) as JsonObject;
}

/** The key of an environment variable holding a secret, never the secret itself, is recorded. */
export function resolveSecret(
  explicit: string | undefined,
  variable: string,
  fallback: string | undefined,
  label: string,
): string {
  const value = explicit ?? process.env[variable] ?? fallback;
  if (value === undefined || value === '') {
    throw new OverseerError('policy.no-api-key', `${label} needs an API key.`, {
      hint: `Set ${variable} (or pass the apiKey option; it is never recorded in runs).`,
    });
  }
  return value;
}

/** True for a base URL on this machine (a local server needs no real key). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
