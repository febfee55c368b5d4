import { describe, expect, it } from 'vitest';
import { addCosts, noCost, oneCall } from './cost.ts';

describe('costs', () => {
  it('sums calls and tokens, and money only when some part reports it', () => {
    expect(addCosts()).toEqual(noCost());
    expect(addCosts(oneCall(3, 4), oneCall(1, 2))).toEqual({
      calls: 2,
      inputTokens: 4,
      outputTokens: 6,
    });
    expect(addCosts(oneCall(), { ...oneCall(), usd: 0.25 }, { ...noCost(), usd: 0.5 })).toEqual({
      calls: 2,
      inputTokens: 0,
      outputTokens: 0,
      usd: 0.75,
    });
  });
});
