import { describe, expect, it } from 'vitest';
import type { ProposedStep } from '../spec/index.ts';
import { addDigits, addition } from './addition.ts';
import { runDecomposition } from './family.ts';
import { checkTrace } from './question-family.ts';

const family = addition();

function line(
  question: string,
  previous: string[],
  action: string,
  kind: 'thought' | 'answer' = 'thought',
) {
  const step: ProposedStep = {
    family: 'addition',
    question,
    kind,
    previous: previous.map((text) => ({ kind: 'thought', text })),
    context: '',
    action,
  };
  return family.checkStep(step);
}

describe('addition', () => {
  it('adds exactly, digit strings of any length', () => {
    expect(addDigits('999', '1')).toBe('1000');
    expect(addDigits('000', '000')).toBe('0');
    expect(addDigits('123456789012345', '987654321098765')).toBe('1111111110111110');
    expect(family.oracle('123+456')).toBe('579');
  });

  it('defaults to three digits and formats snap and chain-of-thought pairs', () => {
    const [problem] = family.generate({ seed: 1, count: 1, split: 'train' });
    expect(problem.difficulty).toBe(3);
    expect(problem.question).toMatch(/^[1-9]\d\d\+[1-9]\d\d$/);
    const [snap] = family.supervised({ seed: 1, count: 1, split: 'train' });
    expect(snap).toEqual({ prompt: `${problem.question}=`, completion: problem.answer });
    const [thought] = family.supervised({
      seed: 1,
      count: 1,
      split: 'train',
      format: 'chain-of-thought',
    });
    expect(thought.prompt).toBe(`${problem.question}:`);
    expect(thought.completion.split('\n')).toEqual(family.chainOfThought?.trace(problem.question));
    expect(family.chainOfThought?.trace('534+299')).toEqual([
      '4+9+0=13',
      '3+9+1=13',
      '5+2+1=08',
      '=833',
    ]);
  });

  it('keeps prompts within a 128-character context up to ten digits', () => {
    const [example] = family.supervised({
      seed: 1,
      count: 1,
      split: 'test',
      difficulty: 10,
      format: 'chain-of-thought',
    });
    expect(example.prompt.length + example.completion.length).toBeLessThanOrEqual(128);
  });

  it('checks each column line from the question and the line before it', () => {
    const question = '534+299';
    expect(line(question, [], '4+9+0=13').rating).toBe(1);
    expect(line(question, ['4+9+0=13'], '3+9+1=13').rating).toBe(1);
    const wrongSum = line(question, [], '4+9+0=12');
    expect(wrongSum).toMatchObject({ rating: -1, expected: '4+9+0=13' });
    expect(line(question, [], '5+9+0=14').reason).toMatch(/column 0 holds 4 and 9/);
    expect(line(question, ['4+9+0=13'], '3+9+0=12').reason).toMatch(/carry in is 1/);
    expect(line(question, [], 'four plus nine').rating).toBe(-1);
    expect(line(question, ['4+9+0=13', '3+9+1=13', '5+2+1=08'], '0+0+0=00').rating).toBe(-1);
    // An unreadable line before leaves the carry unchecked, not wrong.
    expect(line(question, ['??'], '3+9+1=13').rating).toBe(0);
  });

  it('checks the answer line against the column lines, not against the true sum', () => {
    const lines = ['4+9+0=13', '3+9+1=13', '5+2+1=08'];
    expect(line('534+299', lines, '833', 'answer').rating).toBe(1);
    expect(line('534+299', lines, '=833', 'answer').rating).toBe(1);
    expect(line('534+299', lines, '834', 'answer')).toMatchObject({ rating: -1, expected: '833' });
    expect(line('534+299', lines.slice(0, 2), '833', 'answer').rating).toBe(-1);
    // Wrong lines that spell a wrong number: the answer that copies them passes the local check.
    expect(line('534+299', ['4+9+0=12', '3+9+1=13', '5+2+1=08'], '832', 'answer').rating).toBe(1);
  });

  it('lets a right answer follow wrong lines (trace error) and flags each wrong line', () => {
    // 15+17: the carry is dropped in column 0 and invented in column 1; the errors cancel.
    const completion = '5+7+0=02\n1+1+1=03\n=32';
    const check = checkTrace(family, '15+17', completion);
    expect(check.answerCorrect).toBe(true);
    expect(check.traceCorrect).toBe(false);
    expect(check.lines.map((result) => result.rating)).toEqual([-1, -1]);
    expect(check.answerCheck?.rating).toBe(1);
    // The answer can also ignore the lines altogether.
    const ignored = checkTrace(family, '15+17', '5+7+0=12\n1+1+0=02\n=32');
    expect(ignored).toMatchObject({ answerCorrect: true, traceCorrect: false });
    expect(ignored.answerCheck?.rating).toBe(-1);
    const right = checkTrace(family, '15+17', '5+7+0=12\n1+1+1=03\n=32');
    expect(right).toMatchObject({ answerCorrect: true, traceCorrect: true });
    expect(checkTrace(family, '15+17', '5+7+0=12')).toMatchObject({
      answer: null,
      traceCorrect: false,
    });
  });

  it('approves any true block of columns, big or small, and corrects with the expert’s block', () => {
    const whole = addition({ traceColumns: 3 });
    expect(whole.chainOfThought?.trace('534+299')).toEqual(['534+299+0=0833', '=833']);
    expect(addition({ traceColumns: 2 }).chainOfThought?.trace('534+299')).toEqual([
      '34+99+0=133',
      '5+2+1=08',
      '=833',
    ]);
    const check = (previous: string[], action: string, kind: 'thought' | 'answer' = 'thought') =>
      whole.checkStep({
        family: 'addition',
        question: '534+299',
        kind,
        previous: previous.map((text) => ({ kind: 'thought', text })),
        context: '',
        action,
      });
    // The expert's one big step, the column steps, and a mix of the two all pass.
    expect(check([], '534+299+0=0833').rating).toBe(1);
    expect(check([], '4+9+0=13').rating).toBe(1);
    expect(check(['4+9+0=13'], '53+29+1=083').rating).toBe(1);
    expect(check(['4+9+0=13', '53+29+1=083'], '=833', 'answer').rating).toBe(1);
    expect(check(['34+99+0=133', '5+2+1=08'], '833', 'answer').rating).toBe(1);
    expect(check(['4+9+0=13'], '833', 'answer').reason).toMatch(/after 1 of 3 columns/);
    // A wrong step is corrected with the expert's block from where the student stands.
    expect(check([], '534+299+0=0832')).toMatchObject({ rating: -1, expected: '534+299+0=0833' });
    expect(check(['4+9+0=13'], '3+9+0=12')).toMatchObject({ rating: -1, expected: '53+29+1=083' });
    expect(check(['4+9+0=13'], '53+29+1=083').reason).toMatch(/columns 1–2 are right/);
    expect(check(['4+9+0=13'], '33+29+1=063').reason).toMatch(/columns 1–2 hold 53 and 29/);
    expect(check(['4+9+0=13'], '153+229+1=0383').reason).toMatch(/run past the 3 columns/);
    expect(check(['4+9+0=13'], '53+29+1=83').rating).toBe(-1);
  });

  it('decomposes into low and high halves and carries between them', () => {
    const decomposition = family.decompose('785+432');
    const result = runDecomposition(decomposition, (question) => family.oracle(question));
    expect(result.subQuestions).toEqual(['5+2', '78+43']);
    expect(result).toMatchObject({ subAnswers: ['7', '121'], answer: '1217' });
    const carried = runDecomposition(family.decompose('0956+0078'), (question) =>
      family.oracle(question),
    );
    expect(carried.subQuestions).toEqual(['56+78', '09+00']);
    expect(carried.answer).toBe('1034');
    expect(family.decompose('7+8')).toEqual({ kind: 'base', answer: '15' });
    if (decomposition.kind === 'split') {
      expect(decomposition.combine(['x', '121'])).toBe('?');
      expect(decomposition.combine(['27', '121'])).toBe('?');
      expect(decomposition.next(['not a number'])).toBeNull();
    }
  });

  it('splits sampled questions by hash: train and test never meet', () => {
    const train = new Set(
      family
        .generate({ seed: 1, count: 2000, split: 'train', difficulty: 2 })
        .map((p) => p.question),
    );
    const test = family.generate({ seed: 1, count: 500, split: 'test', difficulty: 2 });
    for (const problem of test) expect(train.has(problem.question)).toBe(false);
    const big = new Set(
      family
        .generate({ seed: 2, count: 500, split: 'train', difficulty: 6 })
        .map((p) => p.question),
    );
    for (const problem of family.generate({ seed: 2, count: 500, split: 'test', difficulty: 6 })) {
      expect(big.has(problem.question)).toBe(false);
    }
  });

  it('rejects options it does not know', () => {
    expect(() => addition({ digits: 3 } as never)).toThrow(/Bad options for task family addition/);
    expect(() => addition({ maxDigits: 0 })).toThrow(/maxDigits/);
  });
});
