import { describe, expect, it } from 'vitest';
import type { QuestionFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import { decompositionLeaves } from './decomposition-leaves.ts';

describe('decompositionLeaves', () => {
  it('lists the questions the policy answers at the depth limit, base cases left to the expert', () => {
    const words = getFamily('word-arithmetic') as QuestionFamily;
    expect(decompositionLeaves(words, '47 plus 12 minus 30', 1)).toEqual(['47+12', '59-30']);
    expect(decompositionLeaves(words, '47 plus 12 minus 30', 0)).toEqual(['47 plus 12 minus 30']);
    // One level deeper the expressions are base cases: the expert answers everything.
    expect(decompositionLeaves(words, '47 plus 12 minus 30', 2)).toEqual([]);
    const addition = getFamily('addition') as QuestionFamily;
    expect(decompositionLeaves(addition, '1234+5678', 1)).toEqual(['34+78', '12+56']);
    expect(decompositionLeaves(addition, '1234+5678', 2)).toEqual(['4+8', '3+7', '2+6', '1+5']);
  });
});
