import { describe, expect, it } from 'vitest';
import { addition } from '../tasks/addition.ts';
import { lineSteps, questionTask } from './task.ts';

const isAnswer = (line: string) => line.startsWith('=');

describe('line steps', () => {
  it('splits thought lines and the answer line, separators going to the line before', () => {
    expect(lineSteps('3+6+0=09\n2+5+0=07\n=79', '\n', isAnswer)).toEqual([
      { kind: 'thought', text: '3+6+0=09', start: 0, end: 9 },
      { kind: 'thought', text: '2+5+0=07', start: 9, end: 18 },
      { kind: 'answer', text: '=79', start: 18, end: 21 },
    ]);
  });

  it('folds empty lines and text after the answer line into the step before', () => {
    expect(lineSteps('1+1+0=02\n\n=2\n5', '\n', isAnswer)).toEqual([
      { kind: 'thought', text: '1+1+0=02', start: 0, end: 10 },
      { kind: 'answer', text: '=2', start: 10, end: 14 },
    ]);
  });

  it('covers a completion that opens with a separator, and gives no step for an empty one', () => {
    expect(lineSteps('\n=2', '\n', isAnswer)).toEqual([
      { kind: 'thought', text: '', start: 0, end: 1 },
      { kind: 'answer', text: '=2', start: 1, end: 3 },
    ]);
    expect(lineSteps('', '\n', isAnswer)).toEqual([]);
  });
});

describe('question task', () => {
  const family = addition({ maxDigits: 2 });
  const problems = family.generate({ seed: 1, count: 3, split: 'train', difficulty: 2 });

  it('prompts for a chain of thought and knows the one correct completion', () => {
    const task = questionTask(family, problems);
    const [problem] = problems;
    const reference = task.reference!(problem);
    expect(task.prompt(problem.question)).toBe(`${problem.question}:`);
    expect(task.answer(reference)).toBe(problem.answer);
    expect(task.steps(reference).map((step) => step.kind)).toEqual([
      'thought',
      'thought',
      'answer',
    ]);
    expect(task.maxTokens).toBeGreaterThanOrEqual(Array.from(reference).length + 1);
    expect(task.grade(problem, problem.answer!).reward).toBe(1);
  });

  it('treats a snap completion as one answer step', () => {
    const task = questionTask(family, problems, { format: 'snap' });
    expect(task.steps('57')).toEqual([{ kind: 'answer', text: '57', start: 0, end: 2 }]);
    expect(task.prompt('12+45')).toBe('12+45=');
  });

  it('writes thought lines and an answer as a completion in its format', () => {
    const task = questionTask(family, problems);
    const [problem] = problems;
    const lines = family.chainOfThought!.trace(problem.question);
    expect(task.format).toBe('chain-of-thought');
    expect(task.completion!(lines.slice(0, -1), problem.answer!)).toBe(task.reference!(problem));
    expect(task.completion!(['1+1+0=02'])).toBe('1+1+0=02\n');
    const snap = questionTask(family, problems, { format: 'snap' });
    expect(snap.completion!(['ignored'], '57')).toBe('57');
  });
});
