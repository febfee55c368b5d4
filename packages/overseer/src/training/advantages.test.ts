import { describe, expect, it } from 'vitest';
import {
  QuestionBaseline,
  RunningBaseline,
  groupAdvantages,
  leaveOneOutAdvantages,
  meanAndDeviation,
} from './advantages.ts';

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

describe('leave-one-out advantages (RLOO)', () => {
  it('subtract the mean of the rest of the group at the same step position', () => {
    const advantages = leaveOneOutAdvantages([
      { group: 0, rewards: [1, 1] },
      { group: 0, rewards: [-1, 1] },
      { group: 0, rewards: [-1] },
      { group: 1, rewards: [1] },
    ]);
    expect(advantages[0][0]).toBeCloseTo(1 - (-1 - 1) / 2);
    expect(advantages[1][0]).toBeCloseTo(-1 - (1 - 1) / 2);
    expect(advantages[2][0]).toBeCloseTo(-1 - (1 - 1) / 2);
    // Alone at its position or in its group: nothing to compare with.
    expect(advantages[0][1]).toBe(0);
    expect(advantages[1][1]).toBe(0);
    expect(advantages[3]).toEqual([0]);
  });

  it('pool a prompt’s steps when asked, and give a uniform group nothing', () => {
    const pooled = leaveOneOutAdvantages(
      [
        { group: 'a', rewards: [1, 3] },
        { group: 'a', rewards: [2] },
      ],
      { normalize: 'prompt' },
    );
    expect(pooled).toEqual([[1 - 5 / 2, 3 - 3 / 2], [0]]);
    expect(
      leaveOneOutAdvantages([
        { group: 0, rewards: [-1] },
        { group: 0, rewards: [-1] },
      ]),
    ).toEqual([[0], [0]]);
  });
});

describe('the per-question baseline', () => {
  it('starts at zero, so a question all of whose samples are wrong is still pushed away', () => {
    const baseline = new QuestionBaseline(0.5);
    const wrong = [
      { group: 'P3a', rewards: [-1] },
      { group: 'P3a', rewards: [-1] },
    ];
    expect(baseline.advantages(wrong)).toEqual([[-1], [-1]]);
    expect(baseline.value('P3a', 0)).toBeCloseTo(-0.5);
    // Another question keeps its own baseline.
    expect(baseline.advantages([{ group: 'P1b', rewards: [1] }])).toEqual([[1]]);
    expect(baseline.advantages(wrong)).toEqual([[-0.5], [-0.5]]);
    expect(baseline.value('P3a', 0)).toBeCloseTo(-0.75);
    expect(() => new QuestionBaseline(0)).toThrow(/rate/);
  });
});
