import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli.ts';

const directory = mkdtempSync(join(tmpdir(), 'psd-cli-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; output: string[] }> {
  const output: string[] = [];
  const code = await main(argv, (text) => output.push(text));
  return { code, output };
}

describe('psd CLI', () => {
  it('generates, decides (--json), and verifies the certificate it wrote', async () => {
    const file = join(directory, 'grid-no.mtx');
    expect(
      (await run(['generate', '--pattern', 'grid', '--kind', 'no', '--n', '100', '--output', file]))
        .code,
    ).toBe(0);
    const certificate = join(directory, 'certificate.json');
    const decided = await run([
      'decide',
      file,
      '--eps',
      '0.05',
      '--json',
      '--certificate',
      certificate,
    ]);
    expect(decided.code).toBe(0);
    const line = JSON.parse(decided.output[0]);
    expect(line.verdict).toBe('not-completable');
    expect(line.certificate.kind).toBe('dual');
    expect(typeof line.seconds).toBe('number');
    expect(line.stats.verification.valid).toBe(true);
    const verified = await run(['verify', file, certificate]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.output[0]).valid).toBe(true);
  });

  it('completes a YES instance and the verifier accepts the factor', async () => {
    const file = join(directory, 'random-yes.mtx');
    await run(['generate', '--pattern', 'random', '--kind', 'yes', '--n', '80', '--output', file]);
    const completed = await run(['complete', file]);
    expect(completed.code).toBe(0);
    const factorFile = join(directory, 'factor.json');
    writeFileSync(factorFile, completed.output[0]);
    const verified = await run(['verify', file, factorFile]);
    expect(JSON.parse(verified.output[0])).toMatchObject({ valid: true, kind: 'gram' });
  });

  it('prints the max-det inverse factor for a chordal pattern and refuses a non-chordal one', async () => {
    const band = join(directory, 'band.mtx');
    await run(['generate', '--pattern', 'band', '--kind', 'yes', '--n', '30', '--output', band]);
    const result = await run(['complete', band, '--max-det']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.output[0]);
    expect(parsed.kind).toBe('max-det-inverse');
    expect(parsed.d).toHaveLength(30);
    const random = join(directory, 'random.mtx');
    await run([
      'generate',
      '--pattern',
      'random',
      '--kind',
      'yes',
      '--n',
      '30',
      '--output',
      random,
    ]);
    expect((await run(['complete', random, '--max-det'])).code).toBe(1);
  });

  it('fails with exit code 1 and a clear message on bad input or an invalid certificate', async () => {
    const bad = join(directory, 'bad.mtx');
    writeFileSync(bad, '%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1\n1 2 0.5\n');
    expect((await run(['decide', bad])).code).toBe(1);
    const file = join(directory, 'small.mtx');
    writeFileSync(
      file,
      '%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 2 1\n2 1 0.5\n',
    );
    const fake = join(directory, 'fake.json');
    writeFileSync(fake, JSON.stringify({ kind: 'dual', entries: [[1, 1, 1]] }));
    expect((await run(['verify', file, fake])).code).toBe(1);
    expect(readFileSync(fake, 'utf8')).toContain('dual');
  });

  it('lists every verb, generate included, in --help', async () => {
    const result = await run(['--help']);
    expect(result.output.join('\n')).toMatch(/decide, complete, verify, square, generate,\s+bench/);
  });

  it('refuses bench sizes that are no orders, and a family its n cannot hold, saying what to change', async () => {
    const bin = fileURLToPath(new URL('../bin/psd.cjs', import.meta.url));
    const psd = (argv: string[]) =>
      spawnSync(process.execPath, [bin, ...argv], {
        encoding: 'utf8',
        env: { ...process.env, PSD_TSX: '1' },
      });
    const negative = psd(['bench', '--sizes', '-5', '--peers', 'none']);
    expect(negative.status).not.toBe(0);
    expect(negative.stderr).toMatch(/each an integer ≥ 2 \(got "-5"\)/);
    const densities = psd(['bench', '--densities', '5,x', '--peers', 'none']);
    expect(densities.status).not.toBe(0);
    expect(densities.stderr).toMatch(/positive numbers \(got "x"\)/);
    const tooSmall = psd([
      'generate',
      '--pattern',
      'band',
      '--kind',
      'no',
      '--n',
      '4',
      '--output',
      join(directory, 'small.mtx'),
    ]);
    expect(tooSmall.status).not.toBe(0);
    expect(tooSmall.stderr).toMatch(/use a larger n or a smaller m\/n/);
  });

  it('prints help for every verb', async () => {
    for (const verb of ['decide', 'complete', 'verify', 'square', 'bench', 'generate']) {
      const result = await run([verb, '--help']);
      expect(result.code).toBe(0);
    }
  });

  it('decides several files in one process, one JSON line each, and reports a bad one on its line', async () => {
    const yes = join(directory, 'many-yes.mtx');
    const no = join(directory, 'many-no.mtx');
    const bad = join(directory, 'many-bad.mtx');
    await run(['generate', '--pattern', 'grid', '--kind', 'yes', '--n', '40', '--output', yes]);
    await run(['generate', '--pattern', 'band', '--kind', 'no', '--n', '40', '--output', no]);
    writeFileSync(bad, '%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1\n1 2 0.5\n');
    const result = await run(['decide', yes, bad, no, '--eps', '0.05']);
    expect(result.code).toBe(1);
    const lines = result.output.map((line) => JSON.parse(line));
    expect(lines.map((line) => line.source)).toEqual([yes, bad, no]);
    expect(lines[0].verdict).toBe('completable');
    expect(lines[1].error).toMatch(/many-bad/);
    expect(lines[2].verdict).toBe('not-completable');
    expect((await run(['decide', yes, no, '--certificate', join(directory, 'x.json')])).code).toBe(
      1,
    );
  });

  it('decides a stream of instances on stdin through the installed bin', () => {
    const json = (value: number) =>
      JSON.stringify({
        n: 2,
        entries: [
          [1, 1, 1],
          [2, 2, 1],
          [2, 1, value],
        ],
      });
    const bin = fileURLToPath(new URL('../bin/psd.cjs', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'decide', '-', '--eps', '0.05'], {
      input: `${json(0.5)}\n${json(2)}\n`,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.source, line.verdict])).toEqual([
      ['-#1', 'completable'],
      ['-#2', 'not-completable'],
    ]);
  });

  it('completes in each format, and verify accepts each', async () => {
    const file = join(directory, 'formats.mtx');
    await run(['generate', '--pattern', 'random', '--kind', 'yes', '--n', '60', '--output', file]);
    for (const format of ['factor', 'low-rank-sparse', 'dense']) {
      const completed = await run(['complete', file, '--format', format]);
      expect(completed.code).toBe(0);
      const path = join(directory, `${format}.json`);
      writeFileSync(path, completed.output[0]);
      const verified = JSON.parse((await run(['verify', file, path])).output[0]);
      expect(verified).toMatchObject({ valid: true, rigorous: true });
      expect(verified.maxResidual).toBeLessThanOrEqual(1e-9);
    }
    expect((await run(['complete', file, '--format', 'sparse'])).code).toBe(1);
  });
});
