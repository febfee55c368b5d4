import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../util/random.ts';
import { getFamily } from '../tasks/registry.ts';
import { exactOverseer, reseededOverseer } from './registry.ts';

const addition = getFamily('addition');
const dropbox = getFamily('camera-dropbox');

describe('what the overseer registry makes for the loop', () => {
  it('reseeds an overseer that takes a seed from its own seed and the labels', () => {
    const overseer = reseededOverseer(
      { name: 'program', options: { noise: 0.5, seed: 3 } },
      { family: addition, seedLabels: [7, 'round', 2] },
    );
    expect(overseer.reference.options).toMatchObject({
      noise: 0.5,
      seed: deriveSeed(3, 7, 'round', 2),
    });
    const unseeded = reseededOverseer(
      { name: 'approval' },
      { family: dropbox, seedLabels: [1, 'round', 1] },
    );
    expect(unseeded.reference.options.seed).toBe(deriveSeed(0, 1, 'round', 1));
  });

  it('builds an overseer without a seed option as named', () => {
    const human = reseededOverseer(
      { name: 'human', options: { label: 'arm' } },
      { family: addition, seedLabels: [1] },
    );
    expect(human.reference.name).toBe('human');
  });

  it('makes the exact overseer without fallibility, and the expert in place of a person', () => {
    expect(
      exactOverseer(
        { name: 'program', options: { flipProbability: 0.3, noise: 1, seed: 4 } },
        { family: addition },
      ).reference,
    ).toEqual({ name: 'program', options: { flipProbability: 0, noise: 0, seed: 4 } });
    expect(
      exactOverseer({ name: 'approval', options: { noise: 2 } }, { family: dropbox }).reference
        .options.noise,
    ).toBe(0);
    expect(exactOverseer({ name: 'human' }, { family: addition }).reference.name).toBe('program');
    expect(exactOverseer({ name: 'human' }, { family: dropbox }).reference.name).toBe('approval');
  });
});
