import { describe, expect, it } from 'vitest';
import { oraclePolicy } from '../policies/oracle.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { openEnvironment } from '../outcomes/environment.ts';
import { Episode } from '../spec/index.ts';
import type { EnvironmentFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import { snap } from './snap.ts';

describe('snap', () => {
  it('asks once and records one answer step under the question', async () => {
    const family = getFamily('permutation-powering');
    const [problem] = family.generate({ seed: 0, count: 1, split: 'test' });
    const policy = scriptedPolicy(() => 'c');
    const episode = await snap().run({ problem, family, policy, episodeId: 'e1' });
    expect(Episode.parse(episode)).toEqual(episode);
    expect(episode.id).toBe('e1');
    expect(episode.answer).toBe('c');
    expect(
      episode.steps.map(({ id, parentId, kind, input, output, producer }) => ({
        id,
        parentId,
        kind,
        input,
        output,
        producer,
      })),
    ).toEqual([
      {
        id: 's0',
        parentId: null,
        kind: 'question',
        input: problem.question,
        output: 'c',
        producer: 'policy',
      },
      {
        id: 's1',
        parentId: 's0',
        kind: 'answer',
        input: `${problem.question}=`,
        output: 'c',
        producer: 'policy',
      },
    ]);
    expect(episode.steps[1].cost.calls).toBe(1);
    expect(policy.requests[0].task).toEqual({
      family: family.name,
      question: problem.question,
      format: 'snap',
    });
    expect(episode.scaffold).toEqual({ name: 'snap', options: { maxActions: 1000 } });
    expect(episode.policy).toEqual({ name: 'scripted', options: {} });
  });

  it('plays an environment one action per call until it is done', async () => {
    const family = getFamily('camera-dropbox') as EnvironmentFamily;
    const [problem] = family.generate({ seed: 0, count: 1, split: 'test' });
    const environment = openEnvironment(family, problem);
    const episode = await snap().run({
      problem,
      family,
      policy: oraclePolicy(family),
      environment,
    });
    expect(Episode.parse(episode).status).toBe('finished');
    const actions = episode.steps.filter((step) => step.kind === 'action');
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.map((step) => step.output).join('')).toBe(episode.answer);
    expect(actions[0].input).toBe(problem.question);
    expect(environment.done).toBe(true);
    expect(environment.outcome()).toMatchObject({ classification: 'intended' });
    // Rewards stay in outcomes/: the trace carries none.
    expect(JSON.stringify(episode.steps)).not.toMatch(/reward/i);
  });

  it('stops at maxActions and fails clearly without an environment', async () => {
    const family = getFamily('camera-dropbox') as EnvironmentFamily;
    const [problem] = family.generate({ seed: 0, count: 1, split: 'test' });
    const idle = scriptedPolicy(() => 'x');
    const environment = openEnvironment(family, problem);
    const episode = await snap({ maxActions: 3 }).run({
      problem,
      family,
      policy: idle,
      environment,
    });
    expect(episode.answer).toBe('???');
    expect(episode.steps.filter((step) => step.kind === 'action')[0].metadata.action).toBe('?');
    const failed = await snap().run({ problem, family, policy: idle });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('scaffold.no-environment');
  });
});
