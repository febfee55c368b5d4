/** What a call costs, and the sums every room takes of it. */
import { z } from 'zod';

/** What a node cost: model or human calls and, where the backend reports them, tokens and money. */
export const Cost = z.strictObject({
  calls: z.number().int().nonnegative().default(0),
  inputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative().default(0),
  usd: z.number().nonnegative().optional(),
});
/** What a node cost. */
export type Cost = z.infer<typeof Cost>;

/** No calls, no tokens. */
export function noCost(): Cost {
  return { calls: 0, inputTokens: 0, outputTokens: 0 };
}

/** The cost of one call, with the tokens it used where the backend counts them. */
export function oneCall(inputTokens = 0, outputTokens = 0): Cost {
  return { calls: 1, inputTokens, outputTokens };
}

/** Sum of costs (money only when some part reports it). */
export function addCosts(...costs: readonly Cost[]): Cost {
  const total = noCost();
  let usd: number | undefined;
  for (const cost of costs) {
    total.calls += cost.calls;
    total.inputTokens += cost.inputTokens;
    total.outputTokens += cost.outputTokens;
    if (cost.usd !== undefined) usd = (usd ?? 0) + cost.usd;
  }
  return usd === undefined ? total : { ...total, usd };
}
