import { describe, expect, it } from 'vitest';
import { createPermutationWorld, permutationPowering } from './permutation-powering.ts';

describe('permutation-powering', () => {
  const family = permutationPowering();
  const { names, successor } = family.world;

  it('builds a seeded random permutation', () => {
    expect([...successor].sort((a, b) => a - b)).toEqual(names.map((_, index) => index));
    expect(createPermutationWorld(0, 8)).toEqual(family.world);
    expect(createPermutationWorld(1, 8)).not.toEqual(family.world);
    expect(createPermutationWorld(0, 64).names.slice(0, 3)).toEqual(['aa', 'ab', 'ac']);
    expect(family.facts()).toHaveLength(8);
  });

  it('splits k = 2m + b the way the paper’s expert does', () => {
    const x = names[0];
    const decomposition = family.decompose(`P13${x}`);
    expect(decomposition.kind).toBe('split');
    if (decomposition.kind !== 'split') return;
    expect(decomposition.next([])).toBe(`P6${x}`);
    const y = family.oracle(`P6${x}`);
    expect(decomposition.next([y])).toBe(`P6${y}`);
    const z = family.oracle(`P6${y}`);
    expect(decomposition.next([y, z])).toBeNull();
    expect(decomposition.combine([y, z])).toBe(names[successor[names.indexOf(z)]]);
    expect(decomposition.combine([y, z])).toBe(family.oracle(`P13${x}`));
    expect(family.decompose(`P1${x}`)).toEqual({ kind: 'base', answer: names[successor[0]] });
    // The expert trusts its sub-answers: a wrong z gives a wrong answer the local check accepts.
    const wrongZ = names.find((name) => name !== z) ?? z;
    const check = family.checkStep({
      family: family.name,
      question: `P13${x}`,
      kind: 'answer',
      previous: [
        { kind: 'subquestion', text: `P6${x}`, answer: y },
        { kind: 'subquestion', text: `P6${y}`, answer: wrongZ },
      ],
      context: '',
      action: names[successor[names.indexOf(wrongZ)]],
    });
    expect(check.rating).toBe(1);
  });

  it('answers large powers through the cycle and gives up on malformed sub-answers', () => {
    const x = names[2];
    let expected = 2;
    for (let step = 0; step < 1000; step += 1) expected = successor[expected];
    expect(family.oracle(`P1000${x}`)).toBe(names[expected]);
    const decomposition = family.decompose(`P5${x}`);
    if (decomposition.kind !== 'split') throw new Error('P5 splits');
    expect(decomposition.next(['zz'])).toBeNull();
    expect(decomposition.combine(['zz'])).toBe('?');
  });

  it('difficulty d asks for k with exactly d bits', () => {
    for (const problem of family.generate({ seed: 0, count: 50, split: 'train', difficulty: 4 })) {
      const k = Number(/^P(\d+)/.exec(problem.question)?.[1]);
      expect(k).toBeGreaterThanOrEqual(8);
      expect(k).toBeLessThan(16);
    }
  });
});
