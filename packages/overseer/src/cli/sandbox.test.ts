import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli-fixture.ts';

const directory = mkdtempSync(join(tmpdir(), 'overseer-sandbox-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('overseer sandbox run', () => {
  it('prints the result as JSON', async () => {
    const file = join(directory, 'clamp.dsl');
    writeFileSync(file, 'a=x*3\nb=a+7\n=b<50?b:50\n');
    const result = await runCli([
      'sandbox',
      'run',
      '--language',
      'dsl',
      file,
      '--input',
      '20',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'ok',
      stdout: '50\n',
      stderr: '',
      value: 50,
    });
  });

  it('prints the output, and fails with the status when the program does not end ok', async () => {
    const file = join(directory, 'loop.js');
    writeFileSync(file, 'console.log("started"); for (;;) {}');
    const result = await runCli([
      'sandbox',
      'run',
      '--language',
      'js',
      file,
      '--timeout-ms',
      '200',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('started\n');
    expect(result.stderr).toContain('ended with status timeout');
  });
});
