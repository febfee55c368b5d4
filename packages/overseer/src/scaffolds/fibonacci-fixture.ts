/**
 * A tiny question family for tests of control flow: `F7` asks the last digit of the 7th Fibonacci
 * number. The expert splits F(n) into F(n−1) and F(n−2) — independent sub-questions that repeat
 * across the tree, so memoisation, speculation, depth limits and budgets all have work to do.
 */
import type { QuestionFamily } from '../tasks/family.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import { defineQuestionFamily, listedAnswers } from '../tasks/question-family.ts';

/** Last digit of the n-th Fibonacci number (F0 = 0, F1 = 1). */
export function fibonacciDigit(n: number): number {
  let [a, b] = [0, 1];
  for (let index = 0; index < n; index += 1) [a, b] = [b, (a + b) % 10];
  return a;
}

/** The fixture family; `name` lets a test tell two instances apart. */
export function fibonacciFamily(name = 'fibonacci'): QuestionFamily<null> {
  const parse = (question: string): number => {
    const match = /^F(\d+)$/.exec(question);
    if (match === null) throw new Error(`not a fibonacci question: ${question}`);
    return Number(match[1]);
  };
  const digit = /^\d$/;
  return defineQuestionFamily<null>({
    name,
    description: 'last digit of Fibonacci numbers (test fixture)',
    characters: 'F0123456789',
    options: {},
    difficulties: { min: 2, max: 20, default: 6 },
    testFraction: 0.5,
    createWorld: () => null,
    world: null,
    facts: () => [],
    questions: (difficulty) => ({
      kind: 'listed',
      questions: [`F${difficulty}`, `F${difficulty}`],
    }),
    oracle: (question) => String(fibonacciDigit(parse(question))),
    decompose: (question) => {
      const n = parse(question);
      if (n <= 1) return { kind: 'base', answer: String(n) };
      return {
        kind: 'split',
        next: (answers) =>
          answers.length === 0 ? `F${n - 1}` : answers.length === 1 ? `F${n - 2}` : null,
        combine: (answers) =>
          answers.length === 2 && answers.every((answer) => digit.test(answer))
            ? String((Number(answers[0]) + Number(answers[1])) % 10)
            : UNKNOWN_ANSWER,
      };
    },
    answerSpace: () => listedAnswers('0123456789'.split('')),
  });
}
