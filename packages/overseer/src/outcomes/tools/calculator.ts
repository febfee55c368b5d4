/**
 * `calculator`: exact arithmetic on integers and decimals with + − × ÷ and parentheses, over
 * rationals of bigints — parsed by a small grammar, never evaluated as code. A result is an
 * integer, a terminating decimal, or a fraction `p/q` when the decimal would not end.
 */
import type { JsonObject } from '../../spec/index.ts';
import type { Tool, ToolResult } from './tool.ts';
import { oneStringParameter, stringArgument, toolError } from './tool.ts';

/** A rational number in lowest terms with a positive denominator. */
interface Rational {
  numerator: bigint;
  denominator: bigint;
}

/** Thrown inside the parser; becomes the tool's `parsing` error. */
class CalculatorError extends Error {}

/** Longest expression accepted, so one call cannot make the parser work without end. */
const MAXIMUM_LENGTH = 10_000;

function greatestCommonDivisor(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function rational(numerator: bigint, denominator: bigint): Rational {
  if (denominator === 0n) throw new CalculatorError('division by zero');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = greatestCommonDivisor(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

const operations: Record<string, (a: Rational, b: Rational) => Rational> = {
  '+': (a, b) =>
    rational(
      a.numerator * b.denominator + b.numerator * a.denominator,
      a.denominator * b.denominator,
    ),
  '-': (a, b) =>
    rational(
      a.numerator * b.denominator - b.numerator * a.denominator,
      a.denominator * b.denominator,
    ),
  '*': (a, b) => rational(a.numerator * b.numerator, a.denominator * b.denominator),
  '/': (a, b) => {
    if (b.numerator === 0n) throw new CalculatorError('division by zero');
    return rational(a.numerator * b.denominator, a.denominator * b.numerator);
  },
};

/** The expression's symbols with the typographic operators written as ASCII. */
function normalise(expression: string): string {
  return expression.replace(/[−–]/g, '-').replace(/[×·]/g, '*').replace(/÷/g, '/');
}

/** Evaluates an expression exactly; throws a CalculatorError saying what is wrong. */
export function evaluateExpression(expression: string): Rational {
  if (expression.length > MAXIMUM_LENGTH) {
    throw new CalculatorError(`the expression is longer than ${MAXIMUM_LENGTH} characters`);
  }
  const text = normalise(expression);
  let position = 0;
  const skipSpaces = () => {
    while (position < text.length && /\s/.test(text[position] as string)) position += 1;
  };
  const peek = (): string | undefined => {
    skipSpaces();
    return text[position];
  };
  const fail = (what: string): never => {
    const found = position < text.length ? `"${text[position]}"` : 'the end';
    throw new CalculatorError(`expected ${what} at position ${position + 1}, found ${found}`);
  };
  const number = (): Rational => {
    const match = /^(\d+)(?:\.(\d+))?|^\.(\d+)/.exec(text.slice(position));
    if (match === null) return fail('a number or "("');
    position += match[0].length;
    const whole = match[1] ?? '0';
    const fraction = match[2] ?? match[3] ?? '';
    return rational(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
  };
  const primary = (depth: number): Rational => {
    const next = peek();
    if (next === '(') {
      if (depth > 200) throw new CalculatorError('parentheses nest too deeply');
      position += 1;
      const value = sum(depth + 1);
      if (peek() !== ')') fail('")"');
      position += 1;
      return value;
    }
    if (next === '-' || next === '+') {
      position += 1;
      const value = primary(depth + 1);
      return next === '-' ? rational(-value.numerator, value.denominator) : value;
    }
    return number();
  };
  const product = (depth: number): Rational => {
    let value = primary(depth);
    for (let next = peek(); next === '*' || next === '/'; next = peek()) {
      position += 1;
      value = (operations[next] as (a: Rational, b: Rational) => Rational)(value, primary(depth));
    }
    return value;
  };
  const sum = (depth: number): Rational => {
    let value = product(depth);
    for (let next = peek(); next === '+' || next === '-'; next = peek()) {
      position += 1;
      value = (operations[next] as (a: Rational, b: Rational) => Rational)(value, product(depth));
    }
    return value;
  };
  const value = sum(0);
  if (peek() !== undefined) fail('an operator');
  return value;
}

/** A rational as an integer, a terminating decimal, or `p/q`. */
export function formatRational({ numerator, denominator }: Rational): string {
  if (denominator === 1n) return numerator.toString();
  let rest = denominator;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) [rest, twos] = [rest / 2n, twos + 1];
  while (rest % 5n === 0n) [rest, fives] = [rest / 5n, fives + 1];
  if (rest !== 1n) return `${numerator}/${denominator}`;
  const places = Math.max(twos, fives);
  const scaled = (numerator * 10n ** BigInt(places)) / denominator;
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0');
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return negative ? `-${text}` : text;
}

/** The exact value of `expression` as text, or the reason it has none. */
export function calculate(expression: string): ToolResult {
  try {
    return { ok: true, output: formatRational(evaluateExpression(expression)) };
  } catch (error) {
    if (error instanceof CalculatorError) return toolError('parsing', error.message);
    throw error;
  }
}

/** The calculator tool. */
export function calculator(): Tool {
  return {
    name: 'calculator',
    description:
      'Exact arithmetic: integers and decimals with + - * / and parentheses, e.g. "12*(3+4)". Returns the exact result.',
    parameters: oneStringParameter('expression', 'The expression to evaluate.'),
    textName: 'calc',
    textArgument: 'expression',
    async run(arguments_: JsonObject) {
      const expression = stringArgument('calculator', arguments_, 'expression');
      return expression.ok ? calculate(expression.value) : expression.result;
    },
  };
}
