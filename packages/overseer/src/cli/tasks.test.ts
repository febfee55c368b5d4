import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { listFamilies } from '../tasks/registry.ts';
import { describeFamilies, describeFamily } from './tasks.ts';

describe('overseer tasks', () => {
  it('lists every family with its notation, options, difficulties, formats and an example', async () => {
    const text = await describeFamilies();
    for (const { name, notation } of listFamilies()) {
      expect(notation.length).toBeGreaterThan(40);
      expect(text).toContain(`${name}`);
      expect(text).toContain(`  notation: ${notation}`);
    }
    expect(text.match(/^ {2}example: /gm)).toHaveLength(listFamilies().length);
    expect(text).toContain('`P<k><x>` asks for σ^k(x)');
    expect(text).toContain('(`!` when b cannot be reached)');
  });

  it('shows one family’s defaults, formats and a worked example', async () => {
    const addition = await describeFamily('addition');
    expect(addition).toContain('options (defaults): worldSeed=0 maxDigits=10');
    expect(addition).toMatch(
      /formats \(prompt of the example\): snap "\d+\+\d+=" · chain-of-thought "\d+\+\d+:"/,
    );
    const [, left, right, sum] = addition.match(/example: "(\d+)\+(\d+)" → answer "(\d+)"/)!;
    expect(Number(left) + Number(right)).toBe(Number(sum));
    const dropbox = await describeFamily('camera-dropbox');
    expect(dropbox).toMatch(/^camera-dropbox \[environment\]: /);
    expect(dropbox).toMatch(/example: "[.ABC0/]{19}" → best action "[UDLR]"/);
  });

  it('names the valid families for an unknown one', async () => {
    const failure = await describeFamilies('permutation-power').catch((error: unknown) => error);
    expect(isOverseerError(failure)).toBe(true);
    expect((failure as Error).message).toContain('permutation-powering');
  });
});
