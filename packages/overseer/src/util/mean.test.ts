import { describe, expect, it } from 'vitest';
import { mean, share } from './mean.ts';

describe('mean', () => {
  it('averages, and is 0 over nothing', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([-1, 1])).toBe(0);
    expect(mean([])).toBe(0);
  });
});

describe('share', () => {
  it('is the fraction that passes, and 0 over nothing', () => {
    expect(share([1, 2, 3, 4], (value) => value > 1)).toBe(0.75);
    expect(share([1, 2], () => false)).toBe(0);
    expect(share([], () => true)).toBe(0);
  });
});
