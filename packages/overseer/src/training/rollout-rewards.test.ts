import { describe, expect, it } from 'vitest';
import { fullHorizon, myopic } from '../rewards/credit.ts';
import { dial } from '../rewards/dial.ts';
import type { Judgment, Outcome, Problem } from '../spec/index.ts';
import { QuestionBaseline, RunningBaseline } from './advantages.ts';
import {
  creditedCalls,
  informativeGroups,
  rolloutRewards,
  stepAdvantages,
} from './rollout-rewards.ts';
import type { AdvantageSettings } from './rollout-rewards.ts';
import type { Rollout } from './rollouts.ts';

const problem: Problem = {
  id: 'p',
  family: 'addition',
  question: '12+34',
  difficulty: 2,
  split: 'train',
  metadata: {},
};

function judgment(score: number): Judgment {
  return { score, rationale: '', overseer: { name: 'test', options: {} }, method: 'program' };
}

/** A question rollout whose steps have the given scores; one call, two tokens per step. */
function questionRollout(scores: number[], correct: boolean, group = 0): Rollout {
  const outcome: Outcome = {
    kind: 'grade',
    answer: correct ? '46' : '47',
    expected: '46',
    correct,
    reward: correct ? 1 : 0,
    info: {},
  };
  return {
    problem,
    group,
    calls: [
      {
        prompt: '12+34:',
        tokens: scores.flatMap(() => [2, 3]),
        logProbs: scores.flatMap(() => [-1, -1]),
      },
    ],
    steps: scores.map((score, index) => ({
      kind: index === scores.length - 1 ? 'answer' : 'thought',
      text: `line ${index}`,
      call: 0,
      start: 2 * index,
      end: 2 * index + 2,
      proposed: {
        family: 'addition',
        question: '12+34',
        kind: 'thought',
        previous: [],
        context: '',
        action: '',
      },
      judgment: judgment(score),
    })),
    answer: outcome.answer,
    outcome,
  };
}

/** An environment rollout: one call per action, proxy rewards per action. */
function environmentRollout(scores: number[], proxy: number[], group = 0): Rollout {
  const outcome: Outcome = {
    kind: 'return',
    reward: proxy.reduce((a, b) => a + b, 0),
    length: proxy.length,
    terminated: true,
    truncated: false,
    info: {},
  };
  return {
    problem,
    group,
    calls: scores.map(() => ({ prompt: 'obs=', tokens: [5], logProbs: [-1.3] })),
    steps: scores.map((score, index) => ({
      kind: 'action',
      text: 'U',
      call: index,
      start: 0,
      end: 1,
      proposed: {
        family: 'x',
        question: 'obs',
        kind: 'action',
        previous: [],
        context: '',
        action: 'U',
      },
      judgment: judgment(score),
      proxyReward: proxy[index],
    })),
    answer: 'U'.repeat(scores.length),
    outcome,
  };
}

describe('rollout rewards through the dial', () => {
  it('is the overseer’s scores at λ = 0 and the outcome at λ = 1', () => {
    const rollout = questionRollout([1, -1, 1], true);
    expect(rolloutRewards(rollout, dial(0), myopic()).reward).toEqual([1, -1, 1]);
    expect(rolloutRewards(rollout, dial(1), myopic()).reward).toEqual([0, 0, 1]);
    const half = rolloutRewards(rollout, dial(0.5), myopic()).reward;
    expect(half).toEqual([0.5, -0.5, 1]);
  });

  it('pays only the final answer’s judgment when the process reward is the answer’s', () => {
    const rollout = questionRollout([1, 1, -1], true);
    expect(rolloutRewards(rollout, dial(0), myopic(), 'answer').reward).toEqual([0, 0, -1]);
    expect(rolloutRewards(rollout, dial(0.5), fullHorizon(), 'answer').returns).toEqual([0, 0, 0]);
    // A rollout whose last step is no answer has no answer judgment to pay.
    const unanswered = { ...rollout, steps: rollout.steps.slice(0, 2) };
    expect(rolloutRewards(unanswered, dial(0), myopic(), 'answer').reward).toEqual([0, 0]);
  });

  it('pays environment actions their immediate proxy reward as the outcome part', () => {
    const rollout = environmentRollout([0.2, 0.4], [-0.01, 0.99]);
    const rewards = rolloutRewards(rollout, dial(1), fullHorizon());
    expect(rewards.outcome).toEqual([-0.01, 0.99]);
    expect(rewards.returns[0]).toBeCloseTo(0.98);
    expect(rolloutRewards(rollout, dial(0), myopic()).returns).toEqual([0.2, 0.4]);
  });
});

describe('myopic credit', () => {
  const settings: AdvantageSettings[] = [
    { mode: 'group', normalize: 'step', scale: true },
    { mode: 'group', normalize: 'step', scale: false },
    { mode: 'none' },
  ];
  function advantagesWithLastScore(
    last: number,
    credit: ReturnType<typeof myopic>,
    setting: AdvantageSettings,
  ) {
    const batch = [
      questionRollout([1, -1, last], true),
      questionRollout([-1, 1, 1], false),
      questionRollout([1, 1, -1], true),
    ];
    const returns = batch.map((rollout) => rolloutRewards(rollout, dial(0), credit).returns);
    return stepAdvantages(batch, returns, setting);
  }

  it.each(settings)(
    'a later step’s reward never changes an earlier step’s advantage (%o)',
    (setting) => {
      const before = advantagesWithLastScore(1, myopic(), setting);
      const after = advantagesWithLastScore(-1, myopic(), setting);
      expect(after[0].slice(0, 2)).toEqual(before[0].slice(0, 2));
      expect(after[1].slice(0, 2)).toEqual(before[1].slice(0, 2));
      expect(after[0][2]).not.toEqual(before[0][2]);
    },
  );

  it('holds for a running baseline too', () => {
    const run = (last: number) => {
      const baseline = new RunningBaseline(0.3);
      const credit = myopic();
      const first = [questionRollout([1, 1, 1], true)];
      baseline.advantages(
        first.map((rollout) => ({
          group: 0,
          rewards: rolloutRewards(rollout, dial(0), credit).returns,
        })),
      );
      const batch = [questionRollout([1, -1, last], true)];
      return stepAdvantages(
        batch,
        batch.map((r) => rolloutRewards(r, dial(0), credit).returns),
        { mode: 'baseline', baseline },
      );
    };
    expect(run(-1)[0].slice(0, 2)).toEqual(run(1)[0].slice(0, 2));
  });

  it('whereas full-horizon credit passes a later reward back to earlier steps', () => {
    const setting: AdvantageSettings = { mode: 'none' };
    const before = advantagesWithLastScore(1, fullHorizon(), setting);
    const after = advantagesWithLastScore(-1, fullHorizon(), setting);
    expect(after[0][0]).toBe(before[0][0] - 2);
  });
});

describe('credited calls', () => {
  it('gives every token its step’s advantage', () => {
    const rollout = questionRollout([1, -1], true);
    const [credited] = creditedCalls([rollout], [[0.5, -2]]);
    expect(credited.advantages).toEqual([0.5, 0.5, -2, -2]);
    const episode = environmentRollout([1, 1, 1], [0, 0, 1]);
    expect(creditedCalls([episode], [[1, 2, 3]]).map((c) => c.advantages)).toEqual([[1], [2], [3]]);
  });
});

describe('the estimators a trainer chooses', () => {
  const batch = [
    questionRollout([1, -1], false, 0),
    questionRollout([1, 1], true, 0),
    questionRollout([-1], false, 1),
    questionRollout([-1], false, 1),
  ];
  const returns = batch.map((rollout) => rolloutRewards(rollout, dial(0), myopic()).returns);

  it('say which groups carry a signal: not those whose rollouts were all paid alike', () => {
    expect(informativeGroups(batch, returns)).toEqual([true, true, false, false]);
  });

  it('form leave-one-out advantages and a per-question baseline', () => {
    expect(stepAdvantages(batch, returns, { mode: 'rloo', normalize: 'step' })).toEqual([
      [0, -2],
      [0, 2],
      [0],
      [0],
    ]);
    // Every rollout here asks one question: its baseline pools them all, from 0.
    const baseline = new QuestionBaseline(0.5);
    const settings: AdvantageSettings = { mode: 'question-baseline', baseline };
    expect(stepAdvantages(batch, returns, settings)).toEqual(returns);
    expect(baseline.value(problem.question, 0)).toBeCloseTo(0);
    expect(baseline.value(problem.question, 1)).toBeCloseTo(0);
  });
});
