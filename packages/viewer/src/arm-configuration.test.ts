/** Finding an experiment arm's recorded configuration and λ by the unit that played an episode. */
import { describe, expect, it } from 'vitest';
import { armConfiguration, armLambda } from './arm-configuration.ts';
import type { RunRecord } from './types.ts';

const config: RunRecord['config'] = {
  command: 'overseer run examples/quickstart.yaml',
  experiments: [
    {
      name: 'ida',
      arms: [{ name: 'supervised', declared: 'supervised', sweep: {}, config: { lambda: 0 } }],
    },
    {
      name: 'tampering',
      arms: [
        { name: 'outcome-rl', declared: 'outcome-rl', sweep: {}, config: { lambda: 1 } },
        { name: 'mixed@lambda=0.25', declared: 'mixed', sweep: {}, config: { lambda: 0.25 } },
        { name: 'unset', declared: 'unset', sweep: {}, config: {} },
      ],
    },
  ],
};

describe('arm configuration', () => {
  it("reads the λ of the unit's own arm", () => {
    expect(armLambda(config, { experiment: 'tampering', arm: 'outcome-rl' })).toBe(1);
    expect(armLambda(config, { experiment: 'tampering', arm: 'mixed@lambda=0.25' })).toBe(0.25);
    expect(armLambda(config, { experiment: 'ida', arm: 'supervised' })).toBe(0);
  });

  it('answers undefined where the run recorded no such arm or no λ', () => {
    expect(armLambda(config, { experiment: 'tampering', arm: 'unset' })).toBeUndefined();
    expect(armConfiguration(config, { experiment: 'ida', arm: 'outcome-rl' })).toBeUndefined();
    expect(armConfiguration({ task: 'addition' }, { experiment: 'ida', arm: 'x' })).toBeUndefined();
  });
});
