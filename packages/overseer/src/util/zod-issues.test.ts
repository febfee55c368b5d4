import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues, formatPath, issueProblems, parseStrictOptions } from './zod-issues.ts';

const Schema = z.strictObject({
  model: z.strictObject({ width: z.number().int(), heads: z.number().int().min(1) }),
  credit: z.enum(['myopic', 'full-horizon']),
});

function issuesOf(value: unknown) {
  const result = Schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error('expected issues');
  return result.error.issues;
}

describe('zod issues in words', () => {
  it('names each key path, what was expected and what was given', () => {
    const issues = issuesOf({ model: { width: 'wide', heads: 0 }, credit: 'myopic' });
    expect(issueProblems(issues, Schema)).toEqual([
      { path: ['model', 'width'], message: 'expected number, got string "wide"' },
      { path: ['model', 'heads'], message: 'expected a number ≥ 1, got number 0' },
    ]);
  });

  it('names unknown keys with the keys the schema knows and the nearest one', () => {
    const issues = issuesOf({ model: { width: 8, heads: 2, widht: 3 }, credit: 'myopc' });
    expect(issueProblems(issues, Schema)).toContainEqual({
      path: ['model', 'widht'],
      message: 'unknown key — did you mean "width"? (expected one of: width, heads)',
      unknownKey: 'widht',
    });
    expect(formatIssues(issues, Schema)).toBe(
      'model: unknown key "widht" — did you mean "width"?; credit: expected one of "myopic", "full-horizon", got string "myopc"',
    );
  });

  it('formats paths with list indices and quoted odd keys', () => {
    expect(formatPath(['arms', 1, 'trainer', 'options', 'lr'])).toBe('arms[1].trainer.options.lr');
    expect(formatPath(['a b'])).toBe('["a b"]');
    expect(formatPath([])).toBe('(top level)');
  });

  it('parses options strictly or throws an OverseerError that says what to change', () => {
    const Options = z.strictObject({ seed: z.number().int().default(0) });
    expect(parseStrictOptions(Options, undefined, { code: 'x', lead: 'Bad', owner: 'o' })).toEqual({
      seed: 0,
    });
    expect(() =>
      parseStrictOptions(
        Options,
        { seed: 1.5 },
        { code: 'x.bad', lead: 'Bad options for o', owner: 'o' },
      ),
    ).toThrow(
      'Bad options for o: seed: expected integer, got number 1.5. The options of o are: seed.',
    );
  });
});
