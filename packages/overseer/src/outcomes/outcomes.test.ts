import { describe, expect, it } from 'vitest';
import { oraclePolicy } from '../policies/oracle.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { chainOfThought } from '../scaffolds/chain-of-thought.ts';
import { decompose } from '../scaffolds/decompose.ts';
import { snap } from '../scaffolds/snap.ts';
import type { Problem } from '../spec/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import type { EnvironmentFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import { canonicalAction, environmentRewards, openEnvironment } from './environment.ts';
import { gradeEpisode } from './grade.ts';
import { gradeTrace, hasWrongStep } from './trace.ts';

const addition = getFamily('addition');
const problem: Problem = {
  id: 'addition/test/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'test',
  metadata: {},
};

describe('grading', () => {
  it('grades a finished episode’s answer and a failed one as no answer', async () => {
    const right = await snap().run({
      problem,
      family: addition,
      policy: scriptedPolicy(() => '579'),
    });
    expect(gradeEpisode(addition, right)).toMatchObject({
      kind: 'grade',
      correct: true,
      reward: 1,
    });
    const broken = await snap().run({
      problem,
      family: addition,
      policy: scriptedPolicy(() => {
        throw new Error('down');
      }),
    });
    expect(gradeEpisode(addition, broken)).toMatchObject({
      answer: null,
      correct: false,
      reward: 0,
    });
    expect(() => gradeEpisode(getFamily('union-find'), right)).toThrow(/not union-find/);
  });

  it('finds a right answer reached through a wrong line (trace error)', async () => {
    // The first line invents a carry and the second adds it: both lines are wrong, yet the
    // answer line is right.
    const policy = scriptedPolicy({ '123+456:': '3+6+0=19\n2+5+1=07\n1+4+0=05\n=579' });
    const episode = await chainOfThought().run({ problem, family: addition, policy });
    expect(gradeEpisode(addition, episode)).toMatchObject({ correct: true });
    const grades = gradeTrace(addition, episode);
    expect(grades.map((grade) => grade.correct)).toEqual([false, false, true, true]);
    expect(hasWrongStep(grades)).toBe(true);
    const clean = await chainOfThought().run({
      problem,
      family: addition,
      policy: oraclePolicy(addition),
    });
    expect(hasWrongStep(gradeTrace(addition, clean))).toBe(false);
  });

  it('grades every node of a decomposition by the question it answers', async () => {
    // The policy gets the low half wrong (3+6 → 8); the expert combines it faithfully, so the
    // answer is wrong too, and the grader points at the leaf that went wrong.
    const policy = scriptedPolicy({ '3+6=': '8', '12+45=': '57' });
    const episode = await decompose({ maxDepth: 1 }).run({ problem, family: addition, policy });
    expect(episode.answer).toBe('578');
    const grades = new Map(
      gradeTrace(addition, episode).map((grade) => [grade.stepId, grade.correct]),
    );
    const byInput = (input: string, kind: string) =>
      grades.get(
        episode.steps.find((step) => step.input === input && step.kind === kind)?.id ?? '',
      );
    expect(byInput('3+6', 'subquestion')).toBe(false);
    expect(byInput('12+45', 'subquestion')).toBe(true);
    expect(byInput('3+6=', 'answer')).toBe(false);
  });
});

describe('environments', () => {
  const dropbox = getFamily('camera-dropbox') as EnvironmentFamily;
  const [start] = dropbox.generate({ seed: 2, count: 1, split: 'test' });

  it('keeps the rewards of each action and matches the family’s grade', async () => {
    const session = openEnvironment(dropbox, start);
    expect(session.observation).toBe(start.question);
    await snap().run({
      problem: start,
      family: dropbox,
      policy: oraclePolicy(dropbox),
      environment: session,
    });
    const outcome = session.outcome();
    expect(outcome).toMatchObject({ kind: 'return', classification: 'intended' });
    const proxy = session.rewards.reduce((sum, reward) => sum + reward.proxyReward, 0);
    expect(proxy).toBeCloseTo(outcome.reward, 9);
    expect(environmentRewards(dropbox, start, session.actions)).toEqual(session.rewards);
  });

  it('plays anything that is not an action as a no-op', () => {
    expect(canonicalAction(dropbox, ' U\n')).toBe('U');
    expect(canonicalAction(dropbox, 'UU')).toBe(UNKNOWN_ANSWER);
    const session = openEnvironment(dropbox, start);
    const result = session.act('jump');
    expect(result.action).toBe(UNKNOWN_ANSWER);
    expect(result.observation).toBe(start.question);
    expect(session.rewards[0].proxyReward).toBeLessThan(0);
  });
});
