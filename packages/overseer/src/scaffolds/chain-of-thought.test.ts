import { describe, expect, it } from 'vitest';
import { oraclePolicy } from '../policies/oracle.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { Episode } from '../spec/index.ts';
import type { Problem } from '../spec/index.ts';
import { getFamily } from '../tasks/registry.ts';
import { chainOfThought } from './chain-of-thought.ts';

const family = getFamily('addition');
const problem: Problem = {
  id: 'addition/test/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'test',
  metadata: {},
};

describe('chain-of-thought', () => {
  it('splits one completion into thought steps and an answer step', async () => {
    const policy = scriptedPolicy({ '123+456:': '3+6+0=09\n2+5+0=17\n1+4+1=06\n=579' });
    const episode = await chainOfThought().run({ problem, family, policy });
    expect(Episode.parse(episode)).toEqual(episode);
    expect(episode.answer).toBe('579');
    const [root, ...steps] = episode.steps;
    expect(root).toMatchObject({ kind: 'question', producer: 'policy', cost: { calls: 1 } });
    expect(steps.map((step) => [step.kind, step.output, step.index])).toEqual([
      ['thought', '3+6+0=09', 0],
      ['thought', '2+5+0=17', 1],
      ['thought', '1+4+1=06', 2],
      ['answer', '579', 3],
    ]);
    // Each step's input is exactly what preceded it.
    expect(steps[0].input).toBe('123+456:');
    expect(steps[2].input).toBe('123+456:3+6+0=09\n2+5+0=17\n');
    expect(steps.every((step) => step.parentId === root.id && step.cost.calls === 0)).toBe(true);
  });

  it('gives no answer when the completion has no answer line', async () => {
    const policy = scriptedPolicy(() => '3+6+0=09');
    const episode = await chainOfThought().run({ problem, family, policy });
    expect(episode.status).toBe('finished');
    expect(episode.answer).toBeNull();
    expect(episode.steps.map((step) => step.kind)).toEqual(['question', 'thought']);
  });

  it('writes the exact trace with the oracle, and refuses families without a format', async () => {
    const episode = await chainOfThought().run({ problem, family, policy: oraclePolicy(family) });
    expect(episode.steps.slice(1).map((step) => step.output)).toEqual([
      '3+6+0=09',
      '2+5+0=07',
      '1+4+0=05',
      '579',
    ]);
    const other = getFamily('union-find');
    expect(() => chainOfThought().check(other)).toThrow(/no checkable chain-of-thought/);
    const [item] = other.generate({ seed: 0, count: 1, split: 'test' });
    const failed = await chainOfThought().run({
      problem: item,
      family: other,
      policy: oraclePolicy(other),
    });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('scaffold.no-chain-of-thought');
  });
});
