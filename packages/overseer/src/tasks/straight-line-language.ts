/**
 * The straight-line integer language: assignments, one per line or `;`-separated, then a final
 * `=` expression (`a=x*3;b=a+7;=b<50?b:50`). No loops, no calls: every program terminates, and
 * the interpreter is total on 32-bit integers (wrapping arithmetic, division by zero is 0), with
 * caps on source length, nesting depth and fuel so that evaluating a hostile program stays cheap.
 * The sandbox's `dsl` backend runs it; a task family can parse, print and evaluate it exactly.
 */
import { OverseerError } from '../errors.ts';

/** Binary operators, arithmetic and comparison (a comparison is 1 when true, 0 when false). */
export type StraightLineOperator =
  '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=' | '==' | '!=';

/** An expression of the language. */
export type StraightLineExpression =
  | { kind: 'number'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'negate'; operand: StraightLineExpression }
  | {
      kind: 'binary';
      operator: StraightLineOperator;
      left: StraightLineExpression;
      right: StraightLineExpression;
    }
  | {
      kind: 'conditional';
      condition: StraightLineExpression;
      then: StraightLineExpression;
      otherwise: StraightLineExpression;
    };

/** One assignment `target=expression`, with its 1-based source line. */
export interface StraightLineAssignment {
  target: string;
  expression: StraightLineExpression;
  line: number;
}

/** A parsed program: its assignments in order, then the expression it returns. */
export interface StraightLineProgram {
  assignments: StraightLineAssignment[];
  result: StraightLineExpression;
}

/** The caps that keep parsing and evaluation bounded. */
export interface StraightLineLimits {
  /** Longest source accepted, in characters. */
  maxLength: number;
  /** Deepest nesting of an expression (parentheses, operators, conditionals). */
  maxDepth: number;
  /** Expression nodes one evaluation may visit. */
  fuel: number;
}

/** The caps used when a caller gives none. */
export const defaultStraightLineLimits: StraightLineLimits = {
  maxLength: 10_000,
  maxDepth: 32,
  fuel: 100_000,
};

const comparisons = new Set(['<', '<=', '>', '>=', '==', '!=']);
const tokenPattern = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/%<>?:()=]))/y;

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'name'; text: string }
  | { kind: 'symbol'; text: string };

function syntaxError(line: number, message: string): OverseerError {
  return new OverseerError('straight-line.syntax', `line ${line}: ${message}`, {
    hint: 'Write one `name=expression` per line (or separated by `;`) and end with `=expression`.',
  });
}

function tokenize(text: string, line: number): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(tokenPattern.lastIndex))) break;
    const start = tokenPattern.lastIndex;
    const match = tokenPattern.exec(text);
    if (match === null) {
      throw syntaxError(
        line,
        `unexpected character ${JSON.stringify(text.slice(start).trimStart()[0])}`,
      );
    }
    if (match[1] !== undefined) tokens.push({ kind: 'number', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', text: match[2] });
    else tokens.push({ kind: 'symbol', text: match[3] });
  }
  return tokens;
}

/** A recursive-descent parser over one statement's tokens, counting its depth. */
class StatementParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly line: number,
    private readonly maxDepth: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private takeSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token?.kind === 'symbol' && token.text === symbol) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private expect(symbol: string): void {
    if (!this.takeSymbol(symbol))
      throw syntaxError(this.line, `expected "${symbol}" ${this.where()}`);
  }

  private where(): string {
    const token = this.peek();
    return token === undefined ? 'at the end of the line' : `before "${token.text}"`;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) {
      throw new OverseerError(
        'straight-line.too-deep',
        `line ${this.line}: the expression nests deeper than ${this.maxDepth} levels.`,
        { hint: 'Split it over several assignments.' },
      );
    }
  }

  /** The whole statement's expression; no token may be left over. */
  parseAll(): StraightLineExpression {
    const expression = this.expression(1);
    if (this.peek() !== undefined)
      throw syntaxError(this.line, `unexpected ${this.where().slice(7)}`);
    return expression;
  }

  private expression(depth: number): StraightLineExpression {
    this.enter(depth);
    const condition = this.comparison(depth + 1);
    if (!this.takeSymbol('?')) return condition;
    const then = this.expression(depth + 1);
    this.expect(':');
    const otherwise = this.expression(depth + 1);
    return { kind: 'conditional', condition, then, otherwise };
  }

  private comparison(depth: number): StraightLineExpression {
    this.enter(depth);
    const left = this.sum(depth + 1);
    const token = this.peek();
    if (token?.kind !== 'symbol' || !comparisons.has(token.text)) return left;
    this.position += 1;
    const right = this.sum(depth + 1);
    return { kind: 'binary', operator: token.text as StraightLineOperator, left, right };
  }

  private sum(depth: number): StraightLineExpression {
    return this.chain(depth, ['+', '-'], (next) => this.product(next));
  }

  private product(depth: number): StraightLineExpression {
    return this.chain(depth, ['*', '/', '%'], (next) => this.unary(next));
  }

  /** Left-associative operators of one precedence level. */
  private chain(
    depth: number,
    operators: string[],
    operand: (depth: number) => StraightLineExpression,
  ): StraightLineExpression {
    this.enter(depth);
    let left = operand(depth + 1);
    for (;;) {
      const token = this.peek();
      if (token?.kind !== 'symbol' || !operators.includes(token.text)) return left;
      this.position += 1;
      this.enter(depth + 1);
      const right = operand(depth + 1);
      left = { kind: 'binary', operator: token.text as StraightLineOperator, left, right };
    }
  }

  private unary(depth: number): StraightLineExpression {
    this.enter(depth);
    if (this.takeSymbol('-')) return { kind: 'negate', operand: this.unary(depth + 1) };
    const token = this.peek();
    if (token === undefined) throw syntaxError(this.line, 'expected a number, a name or "("');
    this.position += 1;
    if (token.kind === 'number') return { kind: 'number', value: wrap(Number(token.text)) };
    if (token.kind === 'name') return { kind: 'name', name: token.text };
    if (token.text === '(') {
      const inner = this.expression(depth + 1);
      this.expect(')');
      return inner;
    }
    throw syntaxError(this.line, `unexpected "${token.text}"`);
  }
}

/** Parses a program; throws an OverseerError naming the line for any syntax error or cap. */
export function parseStraightLineProgram(
  source: string,
  limits: Partial<StraightLineLimits> = {},
): StraightLineProgram {
  const { maxLength, maxDepth } = { ...defaultStraightLineLimits, ...limits };
  if (source.length > maxLength) {
    throw new OverseerError(
      'straight-line.too-long',
      `The program is ${source.length} characters long; at most ${maxLength} are accepted.`,
    );
  }
  const assignments: StraightLineAssignment[] = [];
  let result: StraightLineExpression | undefined;
  source.split('\n').forEach((text, index) => {
    const line = index + 1;
    for (const statement of text.replace(/#.*/, '').split(';')) {
      if (statement.trim() === '') continue;
      if (result !== undefined) throw syntaxError(line, 'nothing may follow the final `=` line');
      const tokens = tokenize(statement, line);
      const [first, second] = tokens;
      if (first?.kind === 'symbol' && first.text === '=') {
        result = new StatementParser(tokens.slice(1), line, maxDepth).parseAll();
      } else if (first?.kind === 'name' && second?.kind === 'symbol' && second.text === '=') {
        const expression = new StatementParser(tokens.slice(2), line, maxDepth).parseAll();
        assignments.push({ target: first.text, expression, line });
      } else {
        throw syntaxError(line, 'expected `name=expression` or `=expression`');
      }
    }
  });
  if (result === undefined) {
    throw syntaxError(source.split('\n').length, 'the program has no final `=expression` line');
  }
  return { assignments, result };
}

/** A value as a 32-bit signed integer, the language's only type. */
function wrap(value: number): number {
  return value | 0;
}

function apply(operator: StraightLineOperator, left: number, right: number): number {
  switch (operator) {
    case '+':
      return wrap(left + right);
    case '-':
      return wrap(left - right);
    case '*':
      return Math.imul(left, right);
    // Division truncates toward zero; by zero it is 0, so the interpreter is total.
    case '/':
      return right === 0 ? 0 : wrap(left / right);
    case '%':
      return right === 0 ? 0 : wrap(left % right);
    case '<':
      return left < right ? 1 : 0;
    case '<=':
      return left <= right ? 1 : 0;
    case '>':
      return left > right ? 1 : 0;
    case '>=':
      return left >= right ? 1 : 0;
    case '==':
      return left === right ? 1 : 0;
    case '!=':
      return left !== right ? 1 : 0;
  }
}

/**
 * Evaluates a program on its inputs (names read before they are assigned); throws an
 * OverseerError when a name has no value or the fuel runs out.
 */
export function evaluateStraightLineProgram(
  program: StraightLineProgram,
  inputs: Record<string, number>,
  limits: Partial<Pick<StraightLineLimits, 'fuel'>> = {},
): number {
  let fuel = limits.fuel ?? defaultStraightLineLimits.fuel;
  const values = new Map(Object.entries(inputs).map(([name, value]) => [name, wrap(value)]));
  const evaluate = (expression: StraightLineExpression, line: number | 'result'): number => {
    fuel -= 1;
    if (fuel < 0) {
      throw new OverseerError('straight-line.fuel', 'The program ran out of fuel.', {
        hint: 'Give the evaluation more fuel, or write a shorter program.',
      });
    }
    switch (expression.kind) {
      case 'number':
        return expression.value;
      case 'name': {
        const value = values.get(expression.name);
        if (value === undefined) {
          const where = line === 'result' ? 'the final line' : `line ${line}`;
          throw new OverseerError(
            'straight-line.unbound',
            `${where}: "${expression.name}" has no value (not an input, not assigned before).`,
          );
        }
        return value;
      }
      case 'negate':
        return wrap(-evaluate(expression.operand, line));
      case 'binary':
        return apply(
          expression.operator,
          evaluate(expression.left, line),
          evaluate(expression.right, line),
        );
      case 'conditional':
        return evaluate(expression.condition, line) !== 0
          ? evaluate(expression.then, line)
          : evaluate(expression.otherwise, line);
    }
  };
  for (const assignment of program.assignments) {
    values.set(assignment.target, evaluate(assignment.expression, assignment.line));
  }
  return evaluate(program.result, 'result');
}

/** The names a program reads before assigning them: its inputs. */
export function straightLineInputs(program: StraightLineProgram): string[] {
  const assigned = new Set<string>();
  const inputs = new Set<string>();
  const visit = (expression: StraightLineExpression): void => {
    if (expression.kind === 'name' && !assigned.has(expression.name)) inputs.add(expression.name);
    if (expression.kind === 'negate') visit(expression.operand);
    if (expression.kind === 'binary') [expression.left, expression.right].forEach(visit);
    if (expression.kind === 'conditional') {
      [expression.condition, expression.then, expression.otherwise].forEach(visit);
    }
  };
  for (const assignment of program.assignments) {
    visit(assignment.expression);
    assigned.add(assignment.target);
  }
  visit(program.result);
  return [...inputs];
}

/** How many operators an expression applies (a conditional counts as one). */
export function operationCount(expression: StraightLineExpression): number {
  switch (expression.kind) {
    case 'number':
    case 'name':
      return 0;
    case 'negate':
      return 1 + operationCount(expression.operand);
    case 'binary':
      return 1 + operationCount(expression.left) + operationCount(expression.right);
    case 'conditional':
      return (
        1 +
        operationCount(expression.condition) +
        operationCount(expression.then) +
        operationCount(expression.otherwise)
      );
  }
}

const precedence: Record<StraightLineOperator, number> = {
  '<': 1,
  '<=': 1,
  '>': 1,
  '>=': 1,
  '==': 1,
  '!=': 1,
  '+': 2,
  '-': 2,
  '*': 3,
  '/': 3,
  '%': 3,
};

/** An expression as source text, parenthesised only where precedence needs it. */
export function formatStraightLineExpression(expression: StraightLineExpression): string {
  const format = (node: StraightLineExpression, context: number): string => {
    switch (node.kind) {
      case 'number':
        return node.value < 0 ? `(${node.value})` : String(node.value);
      case 'name':
        return node.name;
      case 'negate':
        return `-${format(node.operand, 4)}`;
      case 'binary': {
        const level = precedence[node.operator];
        // Left-associative: a right operand of equal precedence keeps its parentheses; comparisons
        // do not chain, so a comparison inside one keeps them on either side.
        const left = format(node.left, level === 1 ? 2 : level);
        const text = `${left}${node.operator}${format(node.right, level + 1)}`;
        return level < context ? `(${text})` : text;
      }
      case 'conditional': {
        const text = `${format(node.condition, 1)}?${format(node.then, 0)}:${format(node.otherwise, 0)}`;
        return context > 0 ? `(${text})` : text;
      }
    }
  };
  return format(expression, 0);
}

/** A program as source text, one statement per line. */
export function formatStraightLineProgram(program: StraightLineProgram): string {
  return [
    ...program.assignments.map(
      (assignment) => `${assignment.target}=${formatStraightLineExpression(assignment.expression)}`,
    ),
    `=${formatStraightLineExpression(program.result)}`,
  ].join('\n');
}
