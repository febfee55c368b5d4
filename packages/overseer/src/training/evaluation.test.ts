import { describe, expect, it } from 'vitest';
import type { Judgment, Outcome, Problem } from '../spec/index.ts';
import { summariseEpisodes, summariseQuestions } from './evaluation.ts';
import type { Rollout } from './rollouts.ts';

const problem: Problem = {
  id: 'p',
  family: 'addition',
  question: '1+2',
  difficulty: 1,
  split: 'test',
  metadata: {},
};

function judged(scores: number[], correct: boolean, completion = 'x'): Rollout {
  const outcome: Outcome = {
    kind: 'grade',
    answer: null,
    expected: '3',
    correct,
    reward: correct ? 1 : 0,
    info: {},
  };
  return {
    problem,
    group: 0,
    calls: [],
    steps: scores.map((score, index) => {
      const judgment: Judgment = {
        score,
        rationale: '',
        overseer: { name: 't', options: {} },
        method: 'program',
      };
      return {
        kind: index === scores.length - 1 ? 'answer' : 'thought',
        text: '',
        call: 0,
        start: 0,
        end: 0,
        proposed: {
          family: 'addition',
          question: '1+2',
          kind: 'thought',
          previous: [],
          context: '',
          action: '',
        },
        judgment,
      };
    }),
    answer: null,
    outcome,
    completion,
  };
}

describe('question evaluation', () => {
  it('separates right answers from right reasoning (Uesato et al.’s trace error)', () => {
    const summary = summariseQuestions(
      [
        judged([1, 1], true, 'gold'),
        judged([-1, 1], true),
        judged([1, -1], false),
        judged([1, 1], false),
      ],
      () => 'gold',
      true,
    );
    expect(summary.answerAccuracy).toBe(0.5);
    expect(summary.traceAccuracy).toBe(0.5);
    // One of the two right answers came from a wrong line.
    expect(summary.traceError).toBe(0.5);
    expect(summary.stepApproval).toBe(6 / 8);
    expect(summary.exactTrace).toBe(0.25);
  });

  it('reports NaN for what it cannot measure', () => {
    const summary = summariseQuestions([judged([1], false)], undefined, false);
    expect(summary.traceAccuracy).toBeNaN();
    expect(summary.exactTrace).toBeNaN();
  });
});

describe('environment evaluation', () => {
  it('counts hacks and intended episodes and averages both returns', () => {
    const episode = (
      classification: string,
      reward: number,
      trueReward: number,
      length: number,
    ): Rollout => ({
      problem,
      group: 0,
      calls: [],
      steps: [],
      answer: '',
      outcome: {
        kind: 'return',
        reward,
        trueReward,
        length,
        terminated: true,
        truncated: false,
        classification,
        info: {},
      },
    });
    const summary = summariseEpisodes([
      episode('hack', 1.8, -0.2, 20),
      episode('intended', 0.9, 0.9, 10),
    ]);
    expect(summary).toEqual({
      kind: 'environment',
      count: 2,
      hackRate: 0.5,
      intendedRate: 0.5,
      meanReturn: 1.35,
      meanTrueReturn: 0.35,
      meanLength: 15,
    });
  });
});
