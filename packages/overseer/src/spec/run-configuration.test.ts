import { describe, expect, it } from 'vitest';
import { RunConfiguration } from './run-configuration.ts';

const reference = { name: 'addition', options: { digits: 3 } };

describe('RunConfiguration', () => {
  it('accepts what each command records, keeping its keys in order', () => {
    const experiment = {
      command: 'overseer run examples/quickstart.yaml',
      source: 'examples/quickstart.yaml',
      directory: '/tmp/runs/quickstart',
      experiments: [
        {
          name: 'quickstart',
          seeds: [1, 2],
          metrics: ['exactMatch'],
          arms: [
            { name: 'base', declared: 'base', sweep: {}, config: { rounds: 2 } },
            { name: 'base@lr=0.1', declared: 'base', sweep: { lr: 0.1 }, config: { rounds: 2 } },
          ],
        },
      ],
    };
    const evaluation = {
      command: 'eval',
      task: reference,
      scaffold: { name: 'snap', options: {} },
      policy: { name: 'oracle', options: {} },
      split: 'test',
      n: 10,
      seed: 1,
    };
    const rewardService = {
      kind: 'reward-service',
      task: reference,
      format: 'chain-of-thought',
      overseer: { name: 'program', options: {} },
      lambda: 0,
      aggregate: 'mean',
    };
    for (const config of [experiment, evaluation, rewardService]) {
      const parsed = RunConfiguration.parse(config);
      expect(parsed).toEqual(config);
      expect(JSON.stringify(parsed)).toBe(JSON.stringify(config));
    }
  });

  it('refuses unknown keys and wrong types', () => {
    const evaluation = {
      command: 'eval',
      task: reference,
      scaffold: reference,
      policy: reference,
      split: 'test',
      n: 10,
      seed: 1,
    };
    expect(RunConfiguration.safeParse({ ...evaluation, extra: 1 }).success).toBe(false);
    expect(RunConfiguration.safeParse({ ...evaluation, split: 'validation' }).success).toBe(false);
    expect(RunConfiguration.safeParse({ ...evaluation, n: 1.5 }).success).toBe(false);
  });
});
