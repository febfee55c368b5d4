/**
 * Addition of two d-digit numbers (`123+456` → `579`), the family where trace error is measured.
 * There is no world of facts. Formats:
 *
 * - snap: `123+456=` → `579`;
 * - chain of thought (the expert's, by default): `123+456:` → one line per digit column, least
 *   significant first, then the answer line: `3+6+0=09`, `2+5+0=07`, `1+4+0=05`, `=579`. A column
 *   line `a+b+c=ks` names the column's digits, the carry in (the previous line's k) and the
 *   two-digit column sum (carry out k, digit s), so the weak expert checks each line from the
 *   question and the line before it.
 *   The answer line is free text: a right answer can follow wrong lines (two compensating errors,
 *   or lines the answer ignores), which is what makes trace error measurable.
 * - a line may also add a block of columns at once — `23+56+0=079` adds columns 0 and 1, the sum
 *   written with its carry out first — and the check approves any true block that starts where
 *   the lines before stopped, big or small. `traceColumns` sets the block the expert's own trace
 *   takes (1: a column a line; the operands' digits or more: the whole numbers in one line), so
 *   the expert's steps can be too big for a small student while smaller ones stay approved.
 *
 * The weak expert also decomposes: a single-digit sum is a base case; otherwise it asks for the sum
 * of the low halves and of the high halves and joins them, adding the carry.
 */
import { z } from 'zod';
import type { AnswerSpace, ChainOfThought, QuestionFamily, StepCheck } from './family.ts';
import { THOUGHT_MARK, UNKNOWN_ANSWER } from './family.ts';
import { parseOptions } from './options.ts';
import { badQuestion, defineQuestionFamily, undecided, verdict } from './question-family.ts';
import type { QuestionPool } from './question-family.ts';

/** Options of addition. */
export const AdditionOptions = z.strictObject({
  /** Accepted so every family takes a world seed; addition has no world and ignores it. */
  worldSeed: z.number().int().default(0),
  /** Largest number of digits a problem may have (difficulty = digits of each operand). */
  maxDigits: z.number().int().min(1).max(15).default(10),
  /** Share of questions kept for the test split (by a hash of the question). */
  testFraction: z.number().gt(0).lt(1).default(0.2),
  /** Digit columns one line of the expert's chain of thought adds (any block passes the check). */
  traceColumns: z.number().int().min(1).default(1),
});
/** Options of addition, as written. */
export type AdditionOptions = z.input<typeof AdditionOptions>;

const NAME = 'addition';
const LINE = /^(\d+)\+(\d+)\+(\d)=(\d+)$/;
const SEPARATOR = '\n';
const ANSWER_PREFIX = '=';

/** Adds two digit strings exactly; the result has no leading zeros. */
export function addDigits(left: string, right: string): string {
  const width = Math.max(left.length, right.length);
  const a = left.padStart(width, '0');
  const b = right.padStart(width, '0');
  let carry = 0;
  let result = '';
  for (let index = width - 1; index >= 0; index -= 1) {
    const sum = Number(a[index]) + Number(b[index]) + carry;
    result = String(sum % 10) + result;
    carry = sum >= 10 ? 1 : 0;
  }
  return stripZeros(String(carry) + result);
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** The operands of `a+b`, zero-padded to a common width. */
function operands(question: string): { a: string; b: string; width: number } {
  const match = /^(\d+)\+(\d+)$/.exec(question);
  if (match === null) throw badQuestion(NAME, question, 'two numbers joined by +, e.g. 123+456');
  const width = Math.max(match[1].length, match[2].length);
  return { a: match[1].padStart(width, '0'), b: match[2].padStart(width, '0'), width };
}

/** A block line: `columns` digits of each operand, the carry in, and their sum with its carry out. */
interface BlockLine {
  left: string;
  right: string;
  carryIn: number;
  /** The block's sum, `columns + 1` digits, carry out first. */
  sum: string;
  columns: number;
}

/** A line read as a block of columns, or undefined when it is not one. */
function readLine(line: string): BlockLine | undefined {
  const match = LINE.exec(line.trim());
  if (match === null) return undefined;
  const [, left, right, carry, sum] = match;
  const columns = left.length;
  if (right.length !== columns || sum.length !== columns + 1) return undefined;
  return { left, right, carryIn: Number(carry), sum, columns };
}

/** The sum of a block with a carry in, `columns + 1` digits, carry out first. */
function blockSum(left: string, right: string, carryIn: number): string {
  return (BigInt(left) + BigInt(right) + BigInt(carryIn)).toString().padStart(left.length + 1, '0');
}

/** Digits `column` … `column + columns − 1` (least significant first) of a padded operand. */
function blockDigits(operand: string, column: number, columns: number): string {
  return operand.slice(operand.length - column - columns, operand.length - column);
}

/** The true line adding `columns` columns from `column` (least significant first) with a carry in. */
function blockLine(
  a: string,
  b: string,
  column: number,
  columns: number,
  carryIn: number,
): { text: string; carryOut: number } {
  const left = blockDigits(a, column, columns);
  const right = blockDigits(b, column, columns);
  const sum = blockSum(left, right, carryIn);
  return { text: `${left}+${right}+${carryIn}=${sum}`, carryOut: Number(sum[0]) };
}

/**
 * The expert's lines and answer line for a question: blocks of `traceColumns` columns, column 0
 * (least significant) first, the last block taking what is left.
 */
function trace(question: string, traceColumns: number): string[] {
  const { a, b, width } = operands(question);
  const lines: string[] = [];
  let carry = 0;
  for (let column = 0; column < width; column += traceColumns) {
    const line = blockLine(a, b, column, Math.min(traceColumns, width - column), carry);
    lines.push(line.text);
    carry = line.carryOut;
  }
  lines.push(ANSWER_PREFIX + addDigits(a, b));
  return lines;
}

/** The addition chain-of-thought format whose expert adds `traceColumns` columns a line. */
export function additionChainOfThought(traceColumns = 1): ChainOfThought {
  return {
    prompt: (question) => question + THOUGHT_MARK,
    trace: (question) => trace(question, traceColumns),
    answerLine: (answer) => ANSWER_PREFIX + answer,
    separator: SEPARATOR,
    parse: (completion) => {
      const thoughts: string[] = [];
      for (const line of completion.split(SEPARATOR)) {
        if (line.startsWith(ANSWER_PREFIX)) return { thoughts, answer: line.slice(1) };
        if (line !== '') thoughts.push(line);
      }
      return { thoughts, answer: null };
    },
  };
}

/**
 * Columns the lines cover, and the carry out of the last (undefined when it is unreadable). An
 * unreadable line is taken to cover one column, as in the column-a-line format.
 */
function covered(lines: readonly string[]): { columns: number; carry: number | undefined } {
  let columns = 0;
  let carry: number | undefined = 0;
  for (const line of lines) {
    const read = readLine(line);
    columns += read?.columns ?? 1;
    carry = read === undefined ? undefined : Number(read.sum[0]);
  }
  return { columns, carry };
}

/** Names columns `from` … `from + count − 1` for a reason. */
function columnNames(from: number, count: number): string {
  return count === 1 ? `column ${from}` : `columns ${from}–${from + count - 1}`;
}

/**
 * The weak expert's check of one line, from the question and the lines before it only: a true
 * block of any size starting at the first column the lines before left; when wrong, `expected` is
 * the expert's own next line (a block of `traceColumns`) in the same state.
 */
function checkLine(
  question: string,
  previous: readonly string[],
  line: string,
  traceColumns: number,
): StepCheck {
  const { a, b, width } = operands(question);
  const { columns: column, carry: carryIn } = covered(previous);
  if (column >= width) {
    return verdict(false, `all ${width} columns are done: the answer line comes next`);
  }
  const expectedLine =
    carryIn === undefined
      ? undefined
      : blockLine(a, b, column, Math.min(traceColumns, width - column), carryIn).text;
  const read = readLine(line);
  if (read === undefined) return verdict(false, 'not a column line a+b+c=ks', expectedLine);
  const { left, right, sum, columns } = read;
  const names = columnNames(column, columns);
  if (column + columns > width) {
    return verdict(false, `${names} run past the ${width} columns`, expectedLine);
  }
  const errors: string[] = [];
  const [trueLeft, trueRight] = [blockDigits(a, column, columns), blockDigits(b, column, columns)];
  if (left !== trueLeft || right !== trueRight) {
    errors.push(`${names} ${columns === 1 ? 'holds' : 'hold'} ${trueLeft} and ${trueRight}`);
  }
  const sumRight = blockSum(left, right, read.carryIn) === sum;
  if (carryIn === undefined) {
    if (errors.length === 0 && sumRight) {
      return undecided('the previous line is unreadable, so the carry in cannot be checked');
    }
  } else if (read.carryIn !== carryIn) {
    errors.push(`the carry in is ${carryIn} (from the line before)`);
  }
  if (!sumRight) errors.push(`${left}+${right}+${read.carryIn} is not ${sum}`);
  return errors.length === 0
    ? verdict(true, `${names} ${columns === 1 ? 'is' : 'are'} right`)
    : verdict(false, errors.join('; '), expectedLine);
}

/** The answer the lines spell out, or undefined when a line is unreadable. */
export function answerFromLines(lines: readonly string[]): string | undefined {
  let digits = '';
  let carry = '0';
  for (const line of lines) {
    const read = readLine(line);
    if (read === undefined) return undefined;
    digits = read.sum.slice(1) + digits;
    carry = read.sum[0];
  }
  return stripZeros(carry + digits);
}

/** The addition family. */
export function addition(options: AdditionOptions = {}): QuestionFamily<null> {
  const resolved = parseOptions(NAME, AdditionOptions, options);

  const questions = (digits: number): QuestionPool => {
    const low = digits === 1 ? 0 : 10 ** (digits - 1);
    const high = 10 ** digits - 1;
    if (digits <= 2) {
      const listed: string[] = [];
      for (let a = low; a <= high; a += 1)
        for (let b = low; b <= high; b += 1) listed.push(`${a}+${b}`);
      return { kind: 'listed', questions: listed };
    }
    const operand = (random: { integer(bound: number): number }): string => {
      let text = String(1 + random.integer(9));
      for (let index = 1; index < digits; index += 1) text += String(random.integer(10));
      return text;
    };
    return { kind: 'sampled', sample: (random) => `${operand(random)}+${operand(random)}` };
  };

  const answerSpace = (question: string): AnswerSpace => {
    const { width } = operands(question);
    // Sums of two width-digit numbers: 0 … 2·(10^width − 1).
    return { size: 2 * (10 ** width - 1) + 1, at: (index) => String(index) };
  };

  return defineQuestionFamily<null>({
    name: NAME,
    description: 'addition of d-digit numbers, with a line-checkable chain of thought',
    characters: `0123456789+${ANSWER_PREFIX}${SEPARATOR}`,
    options: resolved,
    difficulties: { min: 1, max: resolved.maxDigits, default: Math.min(3, resolved.maxDigits) },
    testFraction: resolved.testFraction,
    createWorld: () => null,
    world: null,
    facts: () => [],
    questions,
    oracle: (question) => {
      const { a, b } = operands(question);
      return addDigits(a, b);
    },
    decompose: (question) => {
      const { a, b, width } = operands(question);
      if (width === 1) return { kind: 'base', answer: addDigits(a, b) };
      const lowWidth = Math.floor(width / 2);
      const low = `${a.slice(width - lowWidth)}+${b.slice(width - lowWidth)}`;
      const high = `${a.slice(0, width - lowWidth)}+${b.slice(0, width - lowWidth)}`;
      const number = /^(0|[1-9][0-9]*)$/;
      return {
        kind: 'split',
        next: (answers) => {
          if (answers.length === 0) return low;
          if (answers.length === 1 && number.test(answers[0])) return high;
          return null;
        },
        combine: (answers) => {
          if (answers.length !== 2 || !answers.every((answer) => number.test(answer))) {
            return UNKNOWN_ANSWER;
          }
          const lowSum = answers[0].padStart(lowWidth, '0');
          const carry = lowSum.slice(0, lowSum.length - lowWidth);
          if (carry !== '' && carry !== '1') return UNKNOWN_ANSWER;
          return stripZeros(addDigits(answers[1], carry || '0') + lowSum.slice(-lowWidth));
        },
      };
    },
    answerSpace,
    chainOfThought: additionChainOfThought(resolved.traceColumns),
    // One call adds the two numbers; the answer is its result.
    calculatorSteps: (question) => {
      const { a, b } = operands(question);
      return [`${stripZeros(a)}+${stripZeros(b)}`];
    },
    checkStep: (step) => {
      if (!/^\d+\+\d+$/.test(step.question)) return undefined;
      const thoughts = step.previous.filter((prior) => prior.kind === 'thought').map((p) => p.text);
      if (step.kind === 'thought') {
        return checkLine(step.question, thoughts, step.action, resolved.traceColumns);
      }
      if (step.kind !== 'answer' || thoughts.length === 0) return undefined;
      const { width } = operands(step.question);
      const done = covered(thoughts).columns;
      if (done < width) return verdict(false, `answers after ${done} of ${width} columns`);
      // The lines up to the one that reaches the last column (any after it add nothing).
      let used = 1;
      while (covered(thoughts.slice(0, used)).columns < width) used += 1;
      const spelled = answerFromLines(thoughts.slice(0, used));
      if (spelled === undefined) return undecided('a column line is unreadable');
      const action = step.action.trim().replace(/^=/, '');
      return action === spelled
        ? verdict(true, 'the answer the column lines spell out')
        : verdict(false, 'not what the column lines spell out', spelled);
    },
  });
}
