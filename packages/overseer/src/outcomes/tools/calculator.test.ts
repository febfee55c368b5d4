import { describe, expect, it } from 'vitest';
import { calculate, calculator } from './calculator.ts';

describe('calculator', () => {
  it('computes exactly on integers, decimals and fractions', () => {
    expect(calculate('12*(3+4)')).toEqual({ ok: true, output: '84' });
    expect(calculate('123456789012345678901234567890+1')).toEqual({
      ok: true,
      output: '123456789012345678901234567891',
    });
    expect(calculate('0.1+0.2')).toEqual({ ok: true, output: '0.3' });
    expect(calculate('1/3')).toEqual({ ok: true, output: '1/3' });
    expect(calculate('1/3*3')).toEqual({ ok: true, output: '1' });
    expect(calculate('-7/4')).toEqual({ ok: true, output: '-1.75' });
    expect(calculate('2 − 5 × (1 ÷ 4)')).toEqual({ ok: true, output: '0.75' });
    expect(calculate('-(2-3)*-2')).toEqual({ ok: true, output: '-2' });
    expect(calculate('.5+1.')).toMatchObject({ ok: false });
  });

  it('says what is wrong instead of evaluating code', () => {
    expect(calculate('1/0')).toEqual({ ok: false, type: 'parsing', error: 'division by zero' });
    expect(calculate('2**3')).toMatchObject({ ok: false, type: 'parsing' });
    expect(calculate('process.exit(1)')).toEqual({
      ok: false,
      type: 'parsing',
      error: 'expected a number or "(" at position 1, found "p"',
    });
    expect(calculate('(1+2')).toMatchObject({ ok: false, error: expect.stringContaining('")"') });
    expect(calculate('1 2')).toMatchObject({
      ok: false,
      error: expect.stringContaining('operator'),
    });
  });

  it('runs as a tool on its expression argument', async () => {
    const tool = calculator();
    expect(await tool.run({ expression: '6*7' })).toEqual({ ok: true, output: '42' });
    expect(await tool.run({ expr: '6*7' })).toMatchObject({ ok: false, type: 'parsing' });
  });
});
