import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { RegistryReference } from '../spec/index.ts';
import { datasetFixtureOptions } from './dataset-fixture.ts';
import { families, getFamily, listFamilies } from './registry.ts';

describe('task registry', () => {
  it('lists every family with its kind', () => {
    expect(listFamilies().map((family) => family.name)).toEqual([
      'permutation-powering',
      'sequential-assignments',
      'wildcard-search',
      'shortest-path',
      'union-find',
      'addition',
      'word-arithmetic',
      'pair-sum',
      'trojan-code',
      'trojan-js',
      'trojan-py',
      'camera-dropbox',
      'conveyor-dropbox',
      'dataset',
    ]);
    expect(listFamilies().find((family) => family.name === 'camera-dropbox')?.kind).toBe(
      'environment',
    );
  });

  it('names the valid families when a name is unknown', () => {
    let caught: unknown;
    try {
      getFamily('permutation-power');
    } catch (error) {
      caught = error;
    }
    expect(isOverseerError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'task.unknown-family' });
    expect(String((caught as Error).message)).toMatch(
      /Valid task families: permutation-powering, .*camera-dropbox/,
    );
    expect(() => getFamily('toString')).toThrow(/Unknown task family/);
  });

  it('rejects unknown and ill-typed options, naming the key', () => {
    expect(() => getFamily('union-find', { sise: 8 })).toThrow(/"sise"/);
    expect(() => getFamily('union-find', { sise: 8 })).toThrow(
      /options of union-find are: worldSeed, size/,
    );
    expect(() => getFamily('shortest-path', { size: 'big' })).toThrow(/size/);
    expect(() => getFamily('union-find', { size: 1 })).toThrow(
      /world size must be an integer from 2/,
    );
  });

  it('records resolved options so a run can rebuild the same family', () => {
    for (const { name } of listFamilies()) {
      // A dataset has no world seed; its options are its file. The code families' world is their
      // fixed catalogue of specs, so their options are the attack and the split.
      const family = getFamily(
        name,
        name === 'dataset'
          ? datasetFixtureOptions()
          : 'worldSeed' in families.schema(name).shape
            ? { worldSeed: 7 }
            : { attack: true, testFraction: 0.3 },
      );
      const reference = RegistryReference.parse({ name, options: family.options });
      const again = getFamily(reference.name, reference.options);
      expect(again.options).toEqual(family.options);
      expect(again.generate({ seed: 1, count: 20, split: 'test' })).toEqual(
        family.generate({ seed: 1, count: 20, split: 'test' }),
      );
    }
  });

  it('builds different worlds from different world seeds', () => {
    const facts = (worldSeed: number) => {
      const family = getFamily('permutation-powering', { worldSeed });
      return family.kind === 'question' ? family.facts() : [];
    };
    expect(facts(1)).toEqual(facts(1));
    expect(facts(1)).not.toEqual(facts(2));
  });
});
