import { describe, expect, it } from 'vitest';
import { splitInstances } from './instance-stream.ts';

async function collect(lines: string[]): Promise<{ source: string; text: string }[]> {
  const out: { source: string; text: string }[] = [];
  for await (const instance of splitInstances(lines)) out.push(instance);
  return out;
}

describe('splitInstances', () => {
  it('takes each non-blank line of a JSON stream as one instance', async () => {
    const result = await collect([
      '',
      '{"n":1,"entries":[[1,1,1]]}',
      '  ',
      '{"n":1,"entries":[[1,1,2]]}',
    ]);
    expect(result).toEqual([
      { source: '-#1', text: '{"n":1,"entries":[[1,1,1]]}' },
      { source: '-#2', text: '{"n":1,"entries":[[1,1,2]]}' },
    ]);
  });

  it('cuts Matrix Market documents at each header line', async () => {
    const header = '%%MatrixMarket matrix coordinate real symmetric';
    const result = await collect([header, '1 1 1', '1 1 2', header, '% two', '1 1 1', '1 1 3']);
    expect(result.map((x) => x.text)).toEqual([
      `${header}\n1 1 1\n1 1 2\n`,
      `${header}\n% two\n1 1 1\n1 1 3\n`,
    ]);
    expect(result.map((x) => x.source)).toEqual(['-#1', '-#2']);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect(['', ''])).toEqual([]);
  });
});
