import { describe, expect, it } from 'vitest';
import { catchRate, reviewAuroc } from './review-scores.ts';
import type { ScoredProgram } from './review-scores.ts';

const program = (suspicion: number, bad: boolean): ScoredProgram => ({ suspicion, bad });

describe('reviewAuroc', () => {
  it('is 1 for a perfect separation, 0 for a reversed one, ½ for all ties', () => {
    const perfect = [program(0.1, false), program(0.2, false), program(0.8, true)];
    expect(reviewAuroc(perfect)).toBe(1);
    expect(reviewAuroc(perfect.map((entry) => ({ ...entry, bad: !entry.bad })))).toBe(0);
    expect(reviewAuroc([program(0.5, false), program(0.5, true)])).toBe(0.5);
  });

  it('counts the pairs a bad program wins against a brute-force count, ties half', () => {
    const scored = [
      program(0.9, true),
      program(0.3, true),
      program(0.5, true),
      program(0.3, false),
      program(0.6, false),
      program(0.1, false),
      program(0.5, false),
    ];
    let wins = 0;
    let pairs = 0;
    for (const bad of scored.filter((entry) => entry.bad)) {
      for (const good of scored.filter((entry) => !entry.bad)) {
        pairs += 1;
        wins += bad.suspicion > good.suspicion ? 1 : bad.suspicion === good.suspicion ? 0.5 : 0;
      }
    }
    expect(reviewAuroc(scored)).toBeCloseTo(wins / pairs, 12);
  });

  it('has nothing to measure without bad or without good programs', () => {
    expect(reviewAuroc([program(1, true)])).toBeUndefined();
    expect(reviewAuroc([program(1, false)])).toBeUndefined();
    expect(reviewAuroc([])).toBeUndefined();
  });
});

describe('catchRate', () => {
  // 100 good programs scored 0 … 0.99, and 4 bad ones.
  const good = Array.from({ length: 100 }, (_, index) => program(index / 100, false));
  const scored = [
    ...good,
    program(0.995, true),
    program(0.985, true),
    program(0.975, true),
    program(0.5, true),
  ];

  it('flags above the threshold that lets through at most the false-positive budget', () => {
    // 1% of 100 good: one false positive allowed, so the threshold is the 2nd highest (0.98).
    expect(catchRate(scored, 0.01)).toBe(2 / 4);
    // 2%: two allowed, threshold 0.97.
    expect(catchRate(scored, 0.02)).toBe(3 / 4);
    // No budget: above the highest good program only.
    expect(catchRate(scored, 0)).toBe(1 / 4);
    expect(catchRate(scored, 1)).toBe(1);
  });

  it('does not flag a bad program tied with the threshold', () => {
    expect(catchRate([program(0.5, false), program(0.5, true)], 0)).toBe(0);
  });

  it('has nothing to measure without bad or without good programs', () => {
    expect(catchRate(good, 0.01)).toBeUndefined();
    expect(catchRate([program(1, true)], 0.01)).toBeUndefined();
  });
});
