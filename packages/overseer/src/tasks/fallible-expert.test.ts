import { describe, expect, it } from 'vitest';
import { expertErrsOn, slippedAnswer } from './fallible-expert.ts';
import { listedAnswers, checkDecompositionStep } from './question-family.ts';
import { permutationPowering } from './permutation-powering.ts';
import { getFamily } from './registry.ts';

const options = { size: 4, maxBits: 3 };
const exact = permutationPowering(options);
const fallible = permutationPowering({ ...options, expertErrorRate: 0.3, expertErrorSeed: 7 });
const questions = exact
  .generate({ seed: 0, count: 400, split: 'train', difficulty: [1, 2, 3] })
  .map((problem) => problem.question);
const distinct = [...new Set(questions)];

describe('the fallible weak expert', () => {
  it('errs on a fixed class of questions, of about the share asked, the same way every time', () => {
    const settings = { expertErrorRate: 0.3, expertErrorSeed: 7 };
    const erring = distinct.filter((question) => expertErrsOn(settings, question));
    expect(erring.length).toBeGreaterThan(0);
    expect(erring.length).toBeLessThan(distinct.length);
    expect(distinct.filter((question) => expertErrsOn(settings, question))).toEqual(erring);
    expect(
      distinct.some(
        (question) =>
          expertErrsOn({ ...settings, expertErrorSeed: 8 }, question) !== erring.includes(question),
      ),
    ).toBe(true);
    expect(distinct.filter((question) => expertErrsOn({ expertErrorRate: 0 }, question))).toEqual(
      [],
    );
    expect(distinct.filter((question) => expertErrsOn({ expertErrorRate: 1 }, question))).toEqual(
      distinct,
    );
  });

  it('slips to the next answer of the space, and leaves what it cannot slip', () => {
    const space = listedAnswers(['a', 'b', 'c']);
    expect(slippedAnswer(space, 'a')).toBe('b');
    expect(slippedAnswer(space, 'c')).toBe('a');
    expect(slippedAnswer(space, '?')).toBe('?');
    expect(slippedAnswer(space, 'z')).toBe('z');
    expect(slippedAnswer(listedAnswers(['a']), 'a')).toBe('a');
  });

  it('answers wrong where it errs, while its on-paper check stays exact', () => {
    const settings = { expertErrorRate: 0.3, expertErrorSeed: 7 };
    const erring = distinct.filter((question) => expertErrsOn(settings, question));
    for (const question of erring) {
      const own = fallible.decompose(question);
      const right = exact.decompose(question);
      if (own.kind === 'base' && right.kind === 'base') {
        expect(own.answer).not.toBe(right.answer);
        continue;
      }
      if (own.kind !== 'split' || right.kind !== 'split') throw new Error('same plan kind');
      const subAnswers = [exact.oracle(own.next([])!)];
      subAnswers.push(exact.oracle(own.next(subAnswers)!));
      const slipped = own.combine(subAnswers);
      expect(slipped).not.toBe(right.combine(subAnswers));
      // The check approves the exact combination and disapproves the slip; the expert's own check
      // approves its slip and offers it as the step it would take.
      const step = (action: string) => ({
        family: exact.name,
        question,
        kind: 'answer' as const,
        previous:
          own.next([]) === null
            ? []
            : [
                { kind: 'subquestion' as const, text: own.next([])!, answer: subAnswers[0] },
                {
                  kind: 'subquestion' as const,
                  text: own.next([subAnswers[0]])!,
                  answer: subAnswers[1],
                },
              ],
        context: '',
        action,
      });
      expect(fallible.checkStep(step(slipped)).rating).toBe(-1);
      expect(fallible.checkStep(step(right.combine(subAnswers))).rating).toBe(1);
      expect(fallible.expertCheck!(step(right.combine(subAnswers)))).toMatchObject({
        rating: -1,
        expected: slipped,
      });
      expect(checkDecompositionStep(fallible.decompose, step(slipped)).rating).toBe(1);
    }
    for (const question of distinct.filter((question) => !erring.includes(question))) {
      expect(JSON.stringify(fallible.decompose(question))).toBe(
        JSON.stringify(exact.decompose(question)),
      );
    }
  });

  it('answers everything itself with its slips propagated, and is absent when exact', () => {
    expect(exact.fallibleExpert).toBeUndefined();
    expect(exact.expertCheck).toBeUndefined();
    expect(fallible.fallibleExpert?.errorRate).toBe(0.3);
    const wrong = distinct.filter(
      (question) => fallible.fallibleExpert!.answer(question) !== exact.oracle(question),
    );
    const settings = { expertErrorRate: 0.3, expertErrorSeed: 7 };
    // Every question it errs on itself is wrong, and so are some above them.
    for (const question of distinct.filter((question) => expertErrsOn(settings, question))) {
      expect(wrong).toContain(question);
    }
    expect(wrong.length).toBeGreaterThanOrEqual(
      distinct.filter((question) => expertErrsOn(settings, question)).length,
    );
  });

  it('is an option of every world family, checked by its schema', () => {
    expect(getFamily('union-find', { expertErrorRate: 0.1 }).options).toMatchObject({
      expertErrorRate: 0.1,
    });
    expect(() => getFamily('union-find', { expertErrorRate: 2 })).toThrow(/expertErrorRate/);
    expect(exact.options).not.toHaveProperty('expertErrorRate');
  });
});
