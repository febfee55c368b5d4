import { describe, expect, it } from 'vitest';
import type { Episode, Judgment, Outcome, Step } from '../spec/index.ts';
import { assignCredit, fullHorizon, horizon, myopic } from './credit.ts';
import { dial } from './dial.ts';
import { decisionSteps, outcomeRewards, stepRewards } from './step-rewards.ts';

const time = '2025-01-31T12:00:00.000Z';
function step(id: string, parentId: string | null, kind: Step['kind'], producer = 'policy'): Step {
  return {
    id,
    parentId,
    kind,
    index: 0,
    input: '',
    output: '',
    producer,
    timing: { startedAt: time, durationMs: 0 },
    cost: { calls: 0, inputTokens: 0, outputTokens: 0 },
    metadata: {},
  };
}
const episode: Episode = {
  id: 'e',
  problem: {
    id: 'p',
    family: 'addition',
    question: '1+2',
    difficulty: 1,
    split: 'test',
    metadata: {},
  },
  scaffold: { name: 'chain-of-thought', options: {} },
  policy: { name: 'scripted', options: {} },
  status: 'finished',
  steps: [
    step('s0', null, 'question'),
    step('s1', 's0', 'thought'),
    step('s2', 's0', 'subquestion', 'expert'),
    step('s3', 's0', 'thought'),
    step('s4', 's0', 'answer'),
  ],
  answer: '3',
  startedAt: time,
};
const judgment = (score: number): Judgment => ({
  score,
  rationale: '',
  overseer: { name: 'program', options: {} },
  method: 'program',
});
const judgments = new Map([
  ['s1', judgment(1)],
  ['s3', judgment(-1)],
  ['s4', judgment(0.5)],
]);
const grade: Outcome = {
  kind: 'grade',
  answer: '3',
  expected: '3',
  correct: true,
  reward: 1,
  info: {},
};

describe('the dial', () => {
  it('is purely process at λ = 0, purely outcome at λ = 1, and mixes in between', () => {
    expect(dial(0).mix(0.25, 1)).toBe(0.25);
    expect(dial(1).mix(0.25, 1)).toBe(1);
    expect(dial(0.5).mix(0.25, 1)).toBeCloseTo(0.625);
    // At the ends the other signal is ignored exactly, even when it is not a number.
    expect(dial(0).mix(0.5, Number.NaN)).toBe(0.5);
    expect(dial(1).mix(Number.NaN, -1)).toBe(-1);
    for (const bad of [-0.1, 1.1, Number.NaN]) expect(() => dial(bad)).toThrow(/λ must lie/);
  });
});

describe('credit assignment', () => {
  const rewards = [0, 0, 1];
  it('myopic gives each step its own reward', () => {
    expect(assignCredit(rewards, myopic())).toEqual([0, 0, 1]);
  });
  it('full-horizon gives each step its discounted return', () => {
    expect(assignCredit(rewards, fullHorizon(1))).toEqual([1, 1, 1]);
    const returns = assignCredit([1, 2, 3], fullHorizon(0.5));
    expect(returns[2]).toBeCloseTo(3);
    expect(returns[1]).toBeCloseTo(2 + 0.5 * 3);
    expect(returns[0]).toBeCloseTo(1 + 0.5 * 2 + 0.25 * 3);
    expect(assignCredit(rewards, fullHorizon(0))).toEqual(rewards);
    expect(() => fullHorizon(1.5)).toThrow(/γ must lie/);
  });
});

describe('credit over a horizon of H steps', () => {
  it('pays each step the return of the next H steps, between myopic and full horizon', () => {
    const rewards = [0, 0, 1, 0, 2];
    expect(assignCredit(rewards, horizon(1))).toEqual(assignCredit(rewards, myopic()));
    expect(assignCredit(rewards, horizon(2))).toEqual([0, 1, 1, 2, 2]);
    expect(assignCredit(rewards, horizon(5))).toEqual(assignCredit(rewards, fullHorizon(1)));
    const discounted = assignCredit([1, 1, 1], horizon(2, 0.5));
    expect(discounted[0]).toBeCloseTo(1.5);
    expect(discounted[2]).toBeCloseTo(1);
    expect(() => horizon(0)).toThrow(/whole number of steps/);
    expect(() => horizon(2.5)).toThrow(/whole number of steps/);
    expect(() => horizon(2, 2)).toThrow(/γ must lie/);
  });
});

describe('per-step rewards', () => {
  it('picks the policy’s thoughts, answers and actions as decision steps', () => {
    expect(decisionSteps(episode).map((s) => s.id)).toEqual(['s1', 's3', 's4']);
  });

  it('puts a grade on the last decision step and immediate rewards where they were earned', () => {
    expect(outcomeRewards(3, grade)).toEqual([0, 0, 1]);
    expect(outcomeRewards(0, grade)).toEqual([]);
    const ret: Outcome = {
      kind: 'return',
      reward: 1.9,
      length: 3,
      terminated: true,
      truncated: false,
      info: {},
    };
    expect(outcomeRewards(3, ret, [-0.01, 0.99, 0.92])).toEqual([-0.01, 0.99, 0.92]);
    expect(() => outcomeRewards(3, ret, [1])).toThrow(/1 immediate rewards for 3/);
  });

  it('gives aligned vectors at λ = 0, 0.5, 1 under myopic and full-horizon credit', () => {
    const at = (lambda: number, credit = myopic()) =>
      stepRewards({ episode, judgments, outcome: grade, dial: dial(lambda), credit });
    const process = at(0);
    expect(process.stepIds).toEqual(['s1', 's3', 's4']);
    expect(process.process).toEqual([1, -1, 0.5]);
    expect(process.outcome).toEqual([0, 0, 1]);
    expect(process.reward).toEqual([1, -1, 0.5]);
    expect(at(1).reward).toEqual([0, 0, 1]);
    expect(at(0.5).reward).toEqual([0.5, -0.5, 0.75]);
    // Full horizon: an early step is credited with what follows it.
    expect(at(1, fullHorizon(1)).returns).toEqual([1, 1, 1]);
    expect(at(0, fullHorizon(1)).returns).toEqual([0.5, -0.5, 0.5]);
    expect(at(0.5, myopic()).returns).toEqual([0.5, -0.5, 0.75]);
    // An unjudged step has process reward 0.
    const partial = stepRewards({
      episode,
      judgments: new Map([['s1', judgment(1)]]),
      outcome: grade,
      dial: dial(0),
      credit: myopic(),
    });
    expect(partial.process).toEqual([1, 0, 0]);
  });
});
