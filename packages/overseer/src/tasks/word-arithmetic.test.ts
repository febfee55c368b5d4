import { describe, expect, it } from 'vitest';
import type { ProposedStep } from '../spec/index.ts';
import { runDecomposition } from './family.ts';
import { checkTrace } from './question-family.ts';
import { wordArithmetic } from './word-arithmetic.ts';

const family = wordArithmetic();

function line(question: string, previous: string[], action: string) {
  const step: ProposedStep = {
    family: 'word-arithmetic',
    question,
    kind: 'thought',
    previous: previous.map((text) => ({ kind: 'thought', text })),
    context: '',
    action,
  };
  return family.checkStep(step);
}

describe('word-arithmetic', () => {
  it('answers word problems and calculator expressions exactly', () => {
    expect(family.oracle('47 plus 12 minus 30')).toBe('29');
    expect(family.oracle('47+12')).toBe('59');
    expect(family.oracle('59-30')).toBe('29');
    expect(() => family.oracle('47 times 2')).toThrow(/not a question of this family/);
  });

  it('generates d operations on operands of the digits asked, never below zero', () => {
    const wide = wordArithmetic({ minDigits: 3, maxDigits: 8 });
    for (let difficulty = 1; difficulty <= 8; difficulty += 1) {
      const problems = wide.generate({ seed: 2, count: 30, split: 'train', difficulty });
      for (const problem of problems) {
        const words = problem.question.split(' ');
        expect(words.length).toBe(1 + 2 * difficulty);
        for (const number of words.filter((_, index) => index % 2 === 0)) {
          expect(number.length).toBeGreaterThanOrEqual(3);
          expect(number.length).toBeLessThanOrEqual(8);
        }
        for (const step of wide.chainOfThought!.trace(problem.question).slice(0, -1)) {
          expect(Number(step.split('=')[1])).toBeGreaterThanOrEqual(0);
        }
      }
    }
    const minus = family
      .generate({ seed: 3, count: 50, split: 'train', difficulty: 4 })
      .filter((problem) => problem.question.includes('minus'));
    expect(minus.length).toBeGreaterThan(0);
  });

  it('writes a scratchpad of one operation a line and checks each line locally', () => {
    const question = '47 plus 12 minus 30';
    expect(family.chainOfThought?.trace(question)).toEqual(['47+12=59', '59-30=29', '=29']);
    expect(family.prompt(question)).toBe('47 plus 12 minus 30=');
    expect(family.prompt(question, 'chain-of-thought')).toBe('47 plus 12 minus 30:');
    expect(line(question, [], '47+12=59').rating).toBe(1);
    expect(line(question, [], '47+12=58')).toMatchObject({ rating: -1, expected: '47+12=59' });
    expect(line(question, [], '47-12=35').reason).toMatch(/operation 1 is \+12/);
    // A wrong result is carried on: the next line is checked against what the line before wrote.
    expect(line(question, ['47+12=58'], '58-30=28').rating).toBe(1);
    expect(line(question, ['47+12=59'], '58-30=28').reason).toMatch(/starts from 59/);
    expect(line(question, ['??'], '59-30=29').rating).toBe(0);
    expect(line(question, ['47+12=59', '59-30=29'], '29+1=30').rating).toBe(-1);
    const checked = checkTrace(family, question, '47+12=59\n59-30=29\n=29');
    expect(checked).toMatchObject({ traceCorrect: true, answerCorrect: true });
    const wrong = checkTrace(family, question, '47+12=58\n58-30=29\n=29');
    expect(wrong).toMatchObject({ traceCorrect: false, answerCorrect: true });
  });

  it('decomposes least-to-most into one calculator expression per operation', () => {
    const question = '47 plus 12 minus 30 plus 5';
    const result = runDecomposition(family.decompose(question), (sub) => family.oracle(sub));
    expect(result.subQuestions).toEqual(['47+12', '59-30', '29+5']);
    expect(result.answer).toBe('34');
    expect(family.decompose('47+12')).toEqual({ kind: 'base', answer: '59' });
    // Each expression is asked on the sub-answer before it, right or wrong.
    const wrong = runDecomposition(family.decompose(question), (sub) =>
      sub === '47+12' ? '60' : family.oracle(sub),
    );
    expect(wrong.subQuestions).toEqual(['47+12', '60-30', '30+5']);
    expect(wrong.answer).toBe('35');
    expect(runDecomposition(family.decompose(question), () => 'x').answer).toBe('?');
  });

  it('lists the calculator steps whose results lead to the answer', () => {
    expect(family.calculatorSteps('47 plus 12 minus 30 plus 5')).toEqual([
      '47+12',
      '59-30',
      '29+5',
    ]);
    expect(family.calculatorSteps('47+12')).toEqual(['47+12']);
  });

  it('rejects operand digit ranges that are empty', () => {
    expect(() => wordArithmetic({ minDigits: 4, maxDigits: 2 })).toThrow(/minDigits/);
  });

  it('keeps an eight-operation scratchpad of two-digit operands within 176 characters', () => {
    for (const example of family.supervised({
      seed: 1,
      count: 50,
      split: 'test',
      difficulty: 8,
      format: 'chain-of-thought',
    })) {
      expect(example.prompt.length + example.completion.length).toBeLessThanOrEqual(174);
    }
  });
});
