import { setImmediate as yieldTurns } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTracer, walk } from './trace.ts';

type Kind = 'call' | 'fact';
const tracer = () => createTracer<Kind, { cost: number }>(() => ({ cost: 0 }));

/** The tree as indented lines `kind input = output`, children under their parent. */
function picture(root: Parameters<typeof walk>[0]): string {
  const depths = new Map<number, number>();
  return walk(root)
    .map(({ node, id, parentId }) => {
      const depth = parentId === null ? 0 : (depths.get(parentId) ?? 0) + 1;
      depths.set(id, depth);
      const { kind, input, output } = node as unknown as Record<string, string>;
      return `${'  '.repeat(depth)}${kind} ${input} = ${output}`;
    })
    .join('\n');
}

describe('tracing', () => {
  it('records plain recursion as a tree, without passing the parent down', async () => {
    const { withTrace, traced, record } = tracer();
    const fibonacci = (n: number): Promise<string> =>
      traced('call', `F${n}`, async () => {
        if (n < 2) return record('fact', `F${n}`, String(n)).output;
        const left = await fibonacci(n - 1);
        const right = await fibonacci(n - 2);
        return String(Number(left) + Number(right));
      });
    const { root, error } = await withTrace('call', 'root', () => fibonacci(3));
    expect(error).toBeUndefined();
    expect(root.output).toBe('2');
    expect(picture(root)).toBe(
      [
        'call root = 2',
        '  call F3 = 2',
        '    call F2 = 1',
        '      call F1 = 1',
        '        fact F1 = 1',
        '      call F0 = 0',
        '        fact F0 = 0',
        '    call F1 = 1',
        '      fact F1 = 1',
      ].join('\n'),
    );
    for (const { node } of walk(root)) {
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(node.startedAt))).toBe(false);
    }
  });

  it('orders parallel calls as they were started, however they finish', async () => {
    const { withTrace, traced } = tracer();
    const { root } = await withTrace('call', 'root', async () => {
      // The first call finishes last.
      const answers = await Promise.all(
        [3, 1, 0].map((turns, index) =>
          traced('call', `c${index}`, async (self) => {
            for (let turn = 0; turn < turns; turn += 1) await yieldTurns();
            self.cost = index;
            return `done ${index}`;
          }),
        ),
      );
      return answers.join(', ');
    });
    expect(root.output).toBe('done 0, done 1, done 2');
    expect(root.children.map((child) => [child.input, child.cost])).toEqual([
      ['c0', 0],
      ['c1', 1],
      ['c2', 2],
    ]);
  });

  it('keeps a failed call with its error, and returns the failure with the tree', async () => {
    const { withTrace, traced } = tracer();
    const { root, error } = await withTrace('call', 'root', async () => {
      await traced('call', 'fine', () => 'ok');
      return traced('call', 'broken', () => {
        throw new Error('backend down');
      });
    });
    expect((error as Error).message).toBe('backend down');
    expect(root.error).toBe(error);
    expect(root.children.map((child) => [child.input, child.output, child.error])).toEqual([
      ['fine', 'ok', undefined],
      ['broken', '', error],
    ]);
    // `walk` leaves out what its caller refuses, with the sub-tree.
    expect(walk(root, (node) => node.error === undefined)).toHaveLength(2);
  });

  it('runs the work of a recorded node later, and discards a node with its sub-tree', async () => {
    const { withTrace, record, within, discard, tracedNode } = tracer();
    const { root } = await withTrace('call', 'root', async (self) => {
      const proposals = ['a', 'b'].map((input) => record('call', input, ''));
      await Promise.all(
        proposals.map((node) =>
          within(node, () =>
            tracedNode('fact', node.input, () => 'x').then((fact) => fact.output + node.input),
          ),
        ),
      );
      const spare = await tracedNode('call', 'spare', async () => {
        await tracedNode('fact', 'inner', () => 'y');
        return 'unused';
      });
      discard(spare);
      return self.children.map((child) => child.output).join('');
    });
    expect(root.output).toBe('xaxb');
    expect(picture(root)).toBe(
      [
        'call root = xaxb',
        '  call a = xa',
        '    fact a = x',
        '  call b = xb',
        '    fact b = x',
      ].join('\n'),
    );
  });

  it('starts a new tree inside another: tracers and trees do not mix', async () => {
    const outer = tracer();
    const inner = tracer();
    const { root } = await outer.withTrace('call', 'outer', async () => {
      const nested = await inner.withTrace('call', 'inner', () =>
        inner.traced('fact', 'i', () => '1'),
      );
      await outer.traced('fact', 'o', () => '2');
      return nested.root.children.map((child) => child.input).join('');
    });
    expect(picture(root)).toBe(['call outer = i', '  fact o = 2'].join('\n'));
  });
});
