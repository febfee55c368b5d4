import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  integerArgument,
  jsonObjectArgument,
  kernelsOption,
  listArgument,
  numberArgument,
  repeatedArgument,
  verbOptions,
  wholeNumberListArgument,
} from './arguments.ts';

describe('argument parsers', () => {
  it('parses whole numbers and numbers, naming the rule a value breaks', () => {
    expect(integerArgument(1)('12')).toBe(12);
    expect(() => integerArgument(1)('0')).toThrow('expected a whole number ≥ 1, got "0"');
    expect(() => integerArgument(0)('1.5')).toThrow(InvalidArgumentError);
    expect(numberArgument('positive')('0.5')).toBe(0.5);
    expect(() => numberArgument('non-negative')('-1')).toThrow(
      'expected a non-negative number, got "-1"',
    );
    expect(() => numberArgument()('')).toThrow('expected a number, got ""');
  });

  it('parses JSON objects and lists, naming the flag', () => {
    expect(jsonObjectArgument('--task-options')('{"size": 8}')).toEqual({ size: 8 });
    expect(() => jsonObjectArgument('--task-options')('[1]')).toThrow(
      '--task-options must be a JSON object, got [1].',
    );
    expect(() => jsonObjectArgument('--task-options')('{size')).toThrow(/^--task-options: /);
    expect(wholeNumberListArgument('--difficulty')('1, 2,3')).toEqual([1, 2, 3]);
    expect(() => wholeNumberListArgument('--difficulty')('1,x')).toThrow(
      '--difficulty takes whole numbers, got "1,x".',
    );
    expect(listArgument('S, M,,')).toEqual(['S', 'M']);
    expect(repeatedArgument('b=2', repeatedArgument('a=1'))).toEqual(['a=1', 'b=2']);
  });

  it('declares --kernels once, with its choices and default', () => {
    const option = kernelsOption();
    expect(option.flags).toBe('--kernels <name>');
    expect(option.argChoices).toEqual(['auto', 'native', 'reference']);
    expect(option.defaultValue).toBe('auto');
    expect(kernelsOption('native').defaultValue).toBe('native');
  });

  it('checks a verb’s options with its schema, naming the flag', () => {
    const Flags = z.object({ maxTokens: z.number(), json: z.boolean() });
    expect(verbOptions(Flags, { maxTokens: 3, json: false })).toEqual({
      maxTokens: 3,
      json: false,
    });
    expect(() => verbOptions(Flags, { maxTokens: '3', json: false })).toThrow(
      '--max-tokens: expected number, got string "3"',
    );
  });
});
