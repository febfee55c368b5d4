import { describe, expect, it } from 'vitest';
import { RunningBaseline, groupAdvantages, meanAndDeviation } from './advantages.ts';

describe('group advantages', () => {
  it('normalises each step position within its group (GRPO)', () => {
    const advantages = groupAdvantages(
      [
        { group: 0, rewards: [1, 0] },
        { group: 0, rewards: [-1, 0] },
        { group: 1, rewards: [5] },
        { group: 1, rewards: [5] },
      ],
      { epsilon: 0 },
    );
    expect(advantages[0][0]).toBeCloseTo(1);
    expect(advantages[1][0]).toBeCloseTo(-1);
    // Equal rewards carry no signal, whatever their size.
    expect(advantages[2]).toEqual([0]);
    expect(advantages[3]).toEqual([0]);
    expect(advantages[0][1]).toBe(0);
  });

  it('pools a prompt’s steps when normalising per prompt, and can skip the scaling', () => {
    const episodes = [
      { group: 'a', rewards: [1, 3] },
      { group: 'a', rewards: [2] },
    ];
    const pooled = groupAdvantages(episodes, { normalize: 'prompt', scale: false });
    expect(pooled).toEqual([[-1, 1], [0]]);
    const perStep = groupAdvantages(episodes, { normalize: 'step', scale: false });
    expect(perStep).toEqual([[-0.5, 0], [0.5]]);
  });

  it('rejects rewards that are not finite numbers', () => {
    expect(() => groupAdvantages([{ group: 0, rewards: [Number.NaN] }])).toThrow(/must be finite/);
  });
});

describe('running baseline', () => {
  it('starts at the first batch mean and moves towards later means at its rate', () => {
    const baseline = new RunningBaseline(0.5);
    expect(
      baseline.advantages([
        { group: 0, rewards: [2] },
        { group: 1, rewards: [0] },
      ]),
    ).toEqual([[1], [-1]]);
    expect(baseline.values).toEqual([1]);
    // The advantage uses the baseline from before this batch, so it ignores the batch itself.
    expect(baseline.advantages([{ group: 0, rewards: [3] }])).toEqual([[2]]);
    expect(baseline.values).toEqual([2]);
  });

  it('rejects a rate outside (0, 1]', () => {
    expect(() => new RunningBaseline(0)).toThrow(/baseline rate 0/);
  });
});

it('computes the mean and population standard deviation', () => {
  expect(meanAndDeviation([1, 3])).toEqual({ mean: 2, deviation: 1 });
});
