import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import {
  evaluateStraightLineProgram,
  formatStraightLineProgram,
  operationCount,
  parseStraightLineProgram,
  straightLineInputs,
} from './straight-line-language.ts';

/** The OverseerError code a call throws. */
function codeOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    return isOverseerError(error) ? error.code : 'not an OverseerError';
  }
  return undefined;
}

const run = (source: string, inputs: Record<string, number> = {}) =>
  evaluateStraightLineProgram(parseStraightLineProgram(source), inputs);

describe('the straight-line language', () => {
  it('evaluates the issue example on both sides of its clamp', () => {
    const source = 'a=x*3;b=a+7;=b<50?b:50';
    expect(run(source, { x: 1 })).toBe(10);
    expect(run(source, { x: 14 })).toBe(49);
    expect(run(source, { x: 15 })).toBe(50);
    expect(run(source, { x: 100 })).toBe(50);
  });

  it('reads lines and `;` alike, skips comments and blank lines, and obeys precedence', () => {
    const source =
      '# a comment\na = 2 + 3 * x   # trailing\n\nb = (a - 1) / 2; c = -b % 3\n= a == 11 ? c : a != 5';
    expect(run(source, { x: 3 })).toBe(-2); // a=11, b=5, c=-5%3=-2: a == 11, so c
    expect(run(source, { x: 1 })).toBe(0); // a=5: not 11, and a != 5 is 0
    expect(run(source, { x: 2 })).toBe(1); // a=8: not 11, and a != 5 is 1
  });

  it('is total on 32-bit integers: wrapping arithmetic, division and remainder by zero are 0', () => {
    expect(run('=x*x', { x: 65536 })).toBe(0);
    expect(run('=x+1', { x: 2147483647 })).toBe(-2147483648);
    expect(run('=x/0', { x: 7 })).toBe(0);
    expect(run('=x%0', { x: 7 })).toBe(0);
    expect(run('=-7/2')).toBe(-3);
    expect(run('=4294967297')).toBe(1);
  });

  it('names the line of a syntax error, and refuses anything after the final line', () => {
    const error = (() => {
      try {
        parseStraightLineProgram('a=1\nb=a+\n=b');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/^line 2: /);
    expect(codeOf(() => parseStraightLineProgram('a=1'))).toBe('straight-line.syntax');
    expect(codeOf(() => parseStraightLineProgram('=1\nb=2'))).toBe('straight-line.syntax');
    expect(codeOf(() => parseStraightLineProgram('a=1<2<3\n=a'))).toBe('straight-line.syntax');
    expect(codeOf(() => parseStraightLineProgram('a=$\n=a'))).toBe('straight-line.syntax');
    expect(codeOf(() => parseStraightLineProgram('1=2\n=1'))).toBe('straight-line.syntax');
  });

  it('caps length, depth and fuel', () => {
    expect(codeOf(() => parseStraightLineProgram(`=${'1+'.repeat(6000)}1`))).toBe(
      'straight-line.too-long',
    );
    expect(codeOf(() => parseStraightLineProgram(`=${'('.repeat(40)}1${')'.repeat(40)}`))).toBe(
      'straight-line.too-deep',
    );
    expect(codeOf(() => parseStraightLineProgram(`=${'-'.repeat(40)}1`))).toBe(
      'straight-line.too-deep',
    );
    const doubling = ['a=x+x', ...Array.from({ length: 50 }, (_, i) => `a=a+a+${i}`), '=a'].join(
      '\n',
    );
    const program = parseStraightLineProgram(doubling);
    expect(codeOf(() => evaluateStraightLineProgram(program, { x: 1 }, { fuel: 100 }))).toBe(
      'straight-line.fuel',
    );
    expect(typeof evaluateStraightLineProgram(program, { x: 1 }, { fuel: 1000 })).toBe('number');
  });

  it('refuses a name with no value, and lists the names a program reads as its inputs', () => {
    const program = parseStraightLineProgram('a=x+y\nb=a*z\n=b+a');
    expect(straightLineInputs(program)).toEqual(['x', 'y', 'z']);
    expect(codeOf(() => evaluateStraightLineProgram(program, { x: 1, y: 2 }))).toBe(
      'straight-line.unbound',
    );
  });

  it('counts operations per line and prints a program that parses back to the same one', () => {
    const program = parseStraightLineProgram(
      'a=x*3;b=(a+7)-(x-1);c=-(a-b)*2\n=b<50?(c>1?c:1):(a-(b-c))',
    );
    expect(program.assignments.map((assignment) => operationCount(assignment.expression))).toEqual([
      1, 3, 3,
    ]);
    const printed = formatStraightLineProgram(program);
    expect(printed).toBe('a=x*3\nb=a+7-(x-1)\nc=-(a-b)*2\n=b<50?c>1?c:1:a-(b-c)');
    const reparsed = parseStraightLineProgram(printed);
    expect(reparsed.result).toEqual(program.result);
    expect(reparsed.assignments.map((assignment) => assignment.expression)).toEqual(
      program.assignments.map((assignment) => assignment.expression),
    );
    for (const x of [-5, 0, 3, 20, 99]) {
      expect(evaluateStraightLineProgram(parseStraightLineProgram(printed), { x })).toBe(
        evaluateStraightLineProgram(program, { x }),
      );
    }
  });
});
