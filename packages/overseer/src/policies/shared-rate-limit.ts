/**
 * A cluster-wide LLM quota around any policy: requests per minute and tokens per minute counted in
 * Redis (rate-limiter-flexible's Redis limiter), so every worker of a cluster draws on the same
 * budget. A call over the budget waits for the window to free up instead of being refused. A
 * provider's 429 that still gets through (the HTTP backends raise it with the SDK error's
 * `status` as cause once their own retries are spent) becomes a `policy.rate-limited` error,
 * which a queue worker turns into a pause of the whole queue that spends no attempt.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { OverseerError, isOverseerError } from '../errors.ts';
import type { Generation, GenerationRequest, Policy } from '../spec/index.ts';

/** The code of the error a provider's 429 becomes. */
export const RATE_LIMITED = 'policy.rate-limited';

/** Options of `sharedRateLimit`. */
export interface SharedRateLimitOptions {
  /** The Redis every worker shares. */
  redis: Redis;
  /** Keys of this quota (one per provider/model, e.g. `overseer:quota:openai:gpt-4o-mini`). */
  key: string;
  /** Requests per minute across the cluster (none: unlimited). */
  requestsPerMinute?: number;
  /** Prompt plus completion tokens per minute across the cluster (none: unlimited). */
  tokensPerMinute?: number;
  /**
   * The window the quota is counted over, in seconds (default 60); the per-minute figures are
   * scaled to it. A window shorter than a minute spreads a minute's quota evenly (no burst of a
   * whole minute's requests at its start).
   */
  windowSeconds?: number;
  /**
   * Tokens a request is charged before it is answered, from its prompt (characters / 4) and its
   * token limit; corrected by what it used once it is answered.
   */
  estimateTokens?: (request: GenerationRequest) => number;
}

/** A policy that draws on a quota shared through Redis before every call. */
export function sharedRateLimit(policy: Policy, options: SharedRateLimitOptions): Policy {
  const window = options.windowSeconds ?? 60;
  const limiter = (perMinute: number | undefined, name: string): RateLimiterRedis | undefined =>
    perMinute === undefined
      ? undefined
      : new RateLimiterRedis({
          storeClient: options.redis,
          keyPrefix: `${options.key}:${name}`,
          points: Math.max(1, Math.floor((perMinute * window) / 60)),
          duration: window,
        });
  const requests = limiter(options.requestsPerMinute, 'requests');
  const tokens = limiter(options.tokensPerMinute, 'tokens');
  const estimate =
    options.estimateTokens ??
    ((request: GenerationRequest) =>
      Math.ceil(request.prompt.length / 4) + (request.maxTokens ?? 0));
  return {
    reference: policy.reference,
    async generate(batch: readonly GenerationRequest[]): Promise<Generation[]> {
      if (batch.length === 0) return [];
      const charged = batch.reduce((sum, request) => sum + estimate(request), 0);
      if (requests !== undefined) await take(requests, batch.length);
      if (tokens !== undefined) await take(tokens, charged);
      let generations: Generation[];
      try {
        generations = await policy.generate(batch);
      } catch (error) {
        if (!answered429(error)) throw error;
        throw new OverseerError(
          RATE_LIMITED,
          `${policy.reference.name} answered 429 (rate limited).`,
          {
            cause: error,
            hint: 'lower --requests-per-minute / --tokens-per-minute to the provider’s quota',
          },
        );
      }
      if (tokens !== undefined) {
        const used = generations.reduce(
          (sum, generation) => sum + generation.cost.inputTokens + generation.cost.outputTokens,
          0,
        );
        // Charge what was used, not what was guessed.
        if (used > charged) await tokens.penalty(quotaKey, used - charged);
        else if (used < charged) await tokens.reward(quotaKey, charged - used);
      }
      return generations;
    },
  };
}

/** The one key each limiter counts under (its prefix already names the quota). */
const quotaKey = 'all';

/**
 * Takes `points` from the limiter, waiting for the window to free up while it is spent; never
 * more than the limiter holds in a minute (a larger call would wait forever).
 */
async function take(limiter: RateLimiterRedis, points: number): Promise<void> {
  const wanted = Math.min(points, limiter.points);
  for (;;) {
    try {
      await limiter.consume(quotaKey, wanted);
      return;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, rejection.msBeforeNext)));
    }
  }
}

/** Whether `error`, or an error it was caused by, is an HTTP 429 (an SDK error's `status`). */
function answered429(error: unknown): boolean {
  let cause = error;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 8; depth += 1) {
    if ((cause as { status?: unknown }).status === 429) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** True when `error` is (or records) a provider's 429 turned into `policy.rate-limited`. */
export function isRateLimited(error: unknown): boolean {
  if (isOverseerError(error)) return error.code === RATE_LIMITED;
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === RATE_LIMITED
  );
}
