/**
 * Token and cost accounting for backends that charge by the token: each call's Cost (tokens as
 * the backend reported them, dollars from the prices the user gave — prices change, so none are
 * built in) and running totals per policy, including what retries and the cache saved or spent.
 */
import { z } from 'zod';
import type { Cost } from '../spec/index.ts';

/** Dollar prices per million tokens. */
export const Prices = z.strictObject({
  inputPerMillionTokens: z.number().nonnegative(),
  outputPerMillionTokens: z.number().nonnegative(),
});
/** Dollar prices per million tokens. */
export type Prices = z.infer<typeof Prices>;

/** A policy's running totals. */
export interface UsageTotals {
  /** Generations asked for. */
  requests: number;
  /** HTTP requests sent, retries included. */
  httpRequests: number;
  /** Retries after a failed attempt. */
  retries: number;
  /** Generations answered from the on-disk cache. */
  cacheHits: number;
  /** Generations that failed after every retry. */
  failures: number;
  inputTokens: number;
  outputTokens: number;
  /** Dollars, when prices were given. */
  usd: number;
}

/** All zeros. */
export function emptyUsage(): UsageTotals {
  return {
    requests: 0,
    httpRequests: 0,
    retries: 0,
    cacheHits: 0,
    failures: 0,
    inputTokens: 0,
    outputTokens: 0,
    usd: 0,
  };
}

/** The Cost of one call: `calls` HTTP requests (0 for a cache hit), its tokens and their price. */
export function callCost(
  calls: number,
  inputTokens: number,
  outputTokens: number,
  prices: Prices | undefined,
): Cost {
  const cost: Cost = { calls, inputTokens, outputTokens };
  if (prices !== undefined) {
    cost.usd =
      (inputTokens * prices.inputPerMillionTokens + outputTokens * prices.outputPerMillionTokens) /
      1e6;
  }
  return cost;
}
