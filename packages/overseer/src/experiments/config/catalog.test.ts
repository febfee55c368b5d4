import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../../errors.ts';
import { registryCatalog } from './catalog.ts';
import { parseExperiment } from './parse.ts';

const base = `name: demo
task: { name: addition, options: { maxDigits: 3 } }
scaffold: { name: decompose, options: { maxDepth: 2 } }
overseer: { name: program }
trainer: { name: imitation }
stepsPerRound: 10
`;

function problemsOf(text: string): string {
  try {
    parseExperiment(text, 'demo.yaml');
  } catch (error) {
    expect(isOverseerError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an OverseerError');
}

describe('the catalog of the registries', () => {
  it('holds every registry name with its options schema, aliases included', () => {
    const catalog = registryCatalog();
    expect(Object.keys(catalog.scaffold ?? {})).toEqual(
      expect.arrayContaining(['snap', 'chain-of-thought', 'decompose', 'cot']),
    );
    expect(Object.keys(catalog.overseer ?? {})).toEqual(
      expect.arrayContaining(['program', 'approval', 'human', 'debate']),
    );
    expect(catalog.trainer?.['process-rl']).not.toBeNull();
  });

  it('checks scaffold and overseer options when the file is parsed', () => {
    const message = problemsOf(
      base
        .replace('{ maxDepth: 2 }', '{ maxDepth: 2, depth: 3 }')
        .replace('{ name: program }', '{ name: program, options: { flipProbability: 2 } }'),
    );
    expect(message).toContain(
      'demo.yaml:3:54: scaffold.options.depth: unknown key (expected one of: maxDepth, budget, memo, concurrency, maxSubQuestions, maxTokens)',
    );
    expect(message).toContain(
      'overseer.options.flipProbability: expected a number ≤ 1, got number 2',
    );
    expect(() =>
      parseExperiment(
        base.replace('name: decompose, options: { maxDepth: 2 }', 'name: cot'),
        'demo.yaml',
      ),
    ).not.toThrow();
  });
});
