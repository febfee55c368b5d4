/**
 * Arithmetic word problems by number of operations (`47 plus 12 minus 30` → `29`), the family of
 * the gaps experiment: difficulty d is the number of operations, operands have `minDigits` …
 * `maxDigits` digits, and a running total never goes below zero (a `minus` is drawn only where it
 * can be taken). There is no world of facts. Formats:
 *
 * - snap: `47 plus 12 minus 30=` → `29`;
 * - chain of thought (a scratchpad, Nye et al. 2021): `47 plus 12 minus 30:` → one operation a
 *   line, each on the line before's result, then the answer line: `47+12=59`, `59-30=29`, `=29`.
 *   The weak expert checks each line from the question and the line before it;
 * - decomposition (least-to-most, HCH-style): the expert reduces the problem to one calculator
 *   expression per operation, each on the answer to the one before (`47+12`, then `59-30`), and
 *   the last answer is the answer. An expression is a question of the family too, which the
 *   expert knows exactly (a base case): under `decompose` at `maxDepth: 1` the policy answers the
 *   expressions, so every leaf is one operation however long the problem.
 *
 * `calculatorSteps` lists the same expressions with exact answers, for a scaffold that hands them
 * to a calculator.
 */
import { z } from 'zod';
import type { AnswerSpace, ChainOfThought, QuestionFamily, StepCheck } from './family.ts';
import { THOUGHT_MARK, UNKNOWN_ANSWER } from './family.ts';
import { additionChainOfThought } from './addition.ts';
import { parseOptions } from './options.ts';
import { badQuestion, defineQuestionFamily, undecided, verdict } from './question-family.ts';
import type { QuestionPool } from './question-family.ts';
import type { LabelledRandom } from '../util/labelled-random.ts';

/** Options of word arithmetic. */
export const WordArithmeticOptions = z
  .strictObject({
    /** Accepted so every family takes a world seed; word arithmetic has no world and ignores it. */
    worldSeed: z.number().int().default(0),
    /** Fewest digits of an operand. */
    minDigits: z.number().int().min(1).max(8).default(2),
    /** Most digits of an operand (each operand's digit count is drawn uniformly in between). */
    maxDigits: z.number().int().min(1).max(8).default(2),
    /** Most operations of a problem: the top difficulty. */
    maxOperations: z.number().int().min(1).max(8).default(8),
    /** Share of questions kept for the test split (by a hash of the question). */
    testFraction: z.number().gt(0).lt(1).default(0.2),
  })
  .refine((options) => options.minDigits <= options.maxDigits, {
    message: 'minDigits must not exceed maxDigits',
    path: ['minDigits'],
  });
/** Options of word arithmetic, as written. */
export type WordArithmeticOptions = z.input<typeof WordArithmeticOptions>;

/** The word-arithmetic family: a question family that also lists a problem's calculator steps. */
export interface WordArithmeticFamily extends QuestionFamily<null> {
  /**
   * The calculator expressions (`47+12`, then `59-30`) whose results lead to the answer, in order,
   * each on the exact result of the one before; an expression's own step is itself.
   */
  calculatorSteps(question: string): string[];
}

const NAME = 'word-arithmetic';
const SEPARATOR = '\n';
const ANSWER_PREFIX = '=';
const WORDS = { '+': 'plus', '-': 'minus' } as const;
const WORD_QUESTION = /^\d+( (plus|minus) \d+)+$/;
const EXPRESSION = /^(\d+)([+-])(\d+)$/;
const LINE = /^(\d+)([+-])(\d+)=(-?\d+)$/;
const NUMBER = /^(0|[1-9]\d*)$/;

type Operator = '+' | '-';

/** A problem read: the first number and each operation on the running total. */
interface Parsed {
  first: string;
  operations: Array<{ operator: Operator; operand: string }>;
  /** Whether the question is a calculator expression rather than a word problem. */
  expression: boolean;
}

function parse(question: string): Parsed {
  const expression = EXPRESSION.exec(question);
  if (expression !== null) {
    const [, first, operator, operand] = expression;
    return { first, operations: [{ operator: operator as Operator, operand }], expression: true };
  }
  if (!WORD_QUESTION.test(question)) {
    throw badQuestion(NAME, question, 'numbers joined by plus and minus, or an expression 47+12');
  }
  const words = question.split(' ');
  const operations: Parsed['operations'] = [];
  for (let index = 1; index < words.length; index += 2) {
    operations.push({
      operator: words[index] === 'plus' ? '+' : '-',
      operand: words[index + 1],
    });
  }
  return { first: words[0], operations, expression: false };
}

/** One operation, exactly (numbers of up to 8 digits and 8 operations stay far inside 2^53). */
function apply(left: string, operator: Operator, right: string): string {
  const value = operator === '+' ? Number(left) + Number(right) : Number(left) - Number(right);
  return String(value);
}

/** The expressions of a problem, each on the exact result of the one before, with the results. */
function steps(question: string): Array<{ expression: string; result: string }> {
  const { first, operations } = parse(question);
  let total = first;
  return operations.map(({ operator, operand }) => {
    const expression = `${total}${operator}${operand}`;
    total = apply(total, operator, operand);
    return { expression, result: total };
  });
}

function answerOf(question: string): string {
  return steps(question).at(-1)!.result;
}

/** The scratchpad format: one operation a line, then `=answer`. */
const chainOfThought: ChainOfThought = {
  prompt: (question) => question + THOUGHT_MARK,
  trace: (question) => [
    ...steps(question).map(({ expression, result }) => `${expression}=${result}`),
    ANSWER_PREFIX + answerOf(question),
  ],
  answerLine: (answer) => ANSWER_PREFIX + answer,
  separator: SEPARATOR,
  // Lines then `=answer`, split as addition's scratchpad is (the same separator and answer mark).
  parse: additionChainOfThought().parse,
};

/**
 * The weak expert's check of one scratchpad line from the question and the line before it: the
 * line takes the next operation on the result the line before wrote (the first number first), and
 * its result is that operation's.
 */
function checkLine(question: string, previous: readonly string[], line: string): StepCheck {
  const { first, operations } = parse(question);
  const index = previous.length;
  if (index >= operations.length) {
    return verdict(
      false,
      `all ${operations.length} operations are done: the answer line comes next`,
    );
  }
  let left = first;
  if (index > 0) {
    const before = LINE.exec(previous[index - 1].trim());
    if (before === null)
      return undecided('the line before is unreadable, so its result is unknown');
    left = before[4];
  }
  const { operator, operand } = operations[index];
  const expectedLine = NUMBER.test(left)
    ? `${left}${operator}${operand}=${apply(left, operator, operand)}`
    : undefined;
  const read = LINE.exec(line.trim());
  if (read === null) return verdict(false, 'not an operation line a+b=c', expectedLine);
  const [, readLeft, readOperator, readOperand, result] = read;
  const errors: string[] = [];
  if (readLeft !== left) errors.push(`operation ${index + 1} starts from ${left}`);
  if (readOperator !== operator || readOperand !== operand) {
    errors.push(`operation ${index + 1} is ${operator}${operand}`);
  }
  if (apply(readLeft, readOperator as Operator, readOperand) !== result) {
    errors.push(`${readLeft}${readOperator}${readOperand} is not ${result}`);
  }
  return errors.length === 0
    ? verdict(true, `operation ${index + 1} is right`)
    : verdict(false, errors.join('; '), expectedLine);
}

/** The word-arithmetic family. */
export function wordArithmetic(options: WordArithmeticOptions = {}): WordArithmeticFamily {
  const resolved = parseOptions(NAME, WordArithmeticOptions, options);

  const operand = (random: LabelledRandom): string => {
    const digits = resolved.minDigits + random.integer(resolved.maxDigits - resolved.minDigits + 1);
    let text = String(digits === 1 ? random.integer(10) : 1 + random.integer(9));
    for (let index = 1; index < digits; index += 1) text += String(random.integer(10));
    return text;
  };

  const questions = (operations: number): QuestionPool => ({
    kind: 'sampled',
    sample: (random) => {
      let total = operand(random);
      let question = total;
      for (let index = 0; index < operations; index += 1) {
        const right = operand(random);
        const operator: Operator =
          random.integer(2) === 1 && Number(right) <= Number(total) ? '-' : '+';
        question += ` ${WORDS[operator]} ${right}`;
        total = apply(total, operator, right);
      }
      return question;
    },
  });

  const answerSpace = (question: string): AnswerSpace => {
    const { first, operations } = parse(question);
    // Every total a problem without negatives can reach: 0 … the sum of its numbers.
    const bound = operations.reduce((sum, { operand }) => sum + Number(operand), Number(first));
    return { size: bound + 1, at: (index) => String(index) };
  };

  const decompose = (question: string): ReturnType<WordArithmeticFamily['decompose']> => {
    const { first, operations, expression } = parse(question);
    if (expression) return { kind: 'base', answer: answerOf(question) };
    return {
      kind: 'split',
      next: (answers) => {
        const index = answers.length;
        if (index >= operations.length) return null;
        const left = index === 0 ? first : answers[index - 1];
        if (!NUMBER.test(left)) return null;
        const { operator, operand } = operations[index];
        return `${left}${operator}${operand}`;
      },
      combine: (answers) =>
        answers.length === operations.length && answers.every((answer) => NUMBER.test(answer))
          ? answers[answers.length - 1]
          : UNKNOWN_ANSWER,
    };
  };

  const family = defineQuestionFamily<null>({
    name: NAME,
    description: 'arithmetic word problems by number of operations, with a scratchpad',
    characters: `0123456789 ${WORDS['+']}${WORDS['-']}+-${ANSWER_PREFIX}${SEPARATOR}`,
    options: resolved,
    difficulties: {
      min: 1,
      max: resolved.maxOperations,
      default: Math.min(2, resolved.maxOperations),
    },
    testFraction: resolved.testFraction,
    createWorld: () => null,
    world: null,
    facts: () => [],
    questions,
    oracle: answerOf,
    decompose,
    answerSpace,
    chainOfThought,
    checkStep: (step) => {
      let parsed: Parsed;
      try {
        parsed = parse(step.question);
      } catch {
        return undefined;
      }
      if (parsed.expression) return undefined;
      const thoughts = step.previous.filter((prior) => prior.kind === 'thought').map((p) => p.text);
      if (step.kind === 'thought') return checkLine(step.question, thoughts, step.action);
      if (step.kind !== 'answer' || thoughts.length === 0) return undefined;
      const count = parsed.operations.length;
      if (thoughts.length < count) {
        return verdict(false, `answers after ${thoughts.length} of ${count} operations`);
      }
      const last = LINE.exec(thoughts[count - 1].trim());
      if (last === null) return undecided('the last operation line is unreadable');
      const action = step.action.trim().replace(/^=/, '');
      return action === last[4]
        ? verdict(true, 'the result of the last operation line')
        : verdict(false, 'not the result of the last operation line', last[4]);
    },
  });
  return {
    ...family,
    calculatorSteps: (question) => steps(question).map(({ expression }) => expression),
  };
}
