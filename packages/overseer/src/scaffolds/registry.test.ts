import { describe, expect, it } from 'vitest';
import { createScaffold, listScaffolds } from './registry.ts';

describe('scaffold registry', () => {
  it('builds each scaffold by name with its options as its reference', () => {
    expect(listScaffolds().map((entry) => entry.name)).toEqual([
      'snap',
      'chain-of-thought',
      'decompose',
      'model-decompose',
      'tools',
    ]);
    expect(createScaffold('cot').reference.name).toBe('chain-of-thought');
    expect(createScaffold('decompose', { maxDepth: 2, budget: 10 }).reference).toEqual({
      name: 'decompose',
      options: { maxDepth: 2, budget: 10, memo: true, concurrency: 4, maxSubQuestions: 64 },
    });
  });

  it('builds the tools scaffold with its tools in its reference', () => {
    expect(createScaffold('tools', { tools: ['calculator', 'js'], maxTurns: 3 }).reference).toEqual(
      {
        name: 'tools',
        options: { tools: ['calculator', 'js'], protocol: 'auto', maxTurns: 3, threshold: 0 },
      },
    );
    expect(() => createScaffold('tools', { protocol: 'smoke-signals' })).toThrow(/protocol/);
  });

  it('rejects unknown names and options, naming them', () => {
    expect(() => createScaffold('tree-of-thought')).toThrow(/Unknown scaffold "tree-of-thought"/);
    expect(() => createScaffold('decompose', { depth: 2 })).toThrow(/depth/);
    expect(() => createScaffold('decompose', { maxDepth: 'two' })).toThrow(/maxDepth/);
  });
});
