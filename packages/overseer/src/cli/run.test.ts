import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli-fixture.ts';
import { runExperimentFile } from './run.ts';
import { TINY_EXPERIMENT as TINY } from './tiny-experiment-fixture.ts';

function sink(): { stream: Writable; text(): string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overseer-cli-run-'));
  await writeFile(join(root, 'tiny.yaml'), TINY);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runExperimentFile', () => {
  it('prints the headline table and where the report is', async () => {
    const output = sink();
    const outcome = await runExperimentFile(join(root, 'tiny.yaml'), {
      out: join(root, 'out'),
      store: join(root, 'store'),
      json: true,
      output: output.stream,
    });
    const printed = JSON.parse(output.text());
    expect(printed.arms.map((arm: { arm: string }) => arm.arm)).toEqual([
      'supervised',
      'ida-imitation',
    ]);
    expect(printed.report.html).toBe(outcome.report.html);

    // Run again without --json: nothing left to do, the table and the paths.
    const table = sink();
    const again = await runExperimentFile(join(root, 'tiny.yaml'), {
      out: join(root, 'out'),
      store: join(root, 'store'),
      output: table.stream,
      progress: 'quiet',
    });
    expect(again.resumed).toBe(true);
    expect(table.text()).toMatch(/arm\s+accuracy\s+expertCalls\s+seeds/);
    expect(table.text()).toContain('ida-imitation');
    expect(table.text()).toContain('report.html');
    expect(table.text()).toContain(again.runId);
    // Every printed path works from this shell, and `overseer view` is given the store it needs.
    const report = /^report {3}(\S+) \(and (\S+)\)$/m.exec(table.text());
    const results = /^results {2}(\S+)$/m.exec(table.text());
    for (const path of [report?.[1], report?.[2], results?.[1]]) {
      expect(path !== undefined && existsSync(path), `${path} exists`).toBe(true);
    }
    expect(table.text()).toContain(`view     npx overseer view --store ${join(root, 'store')}\n`);
    expect(table.text()).toContain(`list     npx overseer runs --store ${join(root, 'store')}\n`);

    // `overseer runs` tells the run apart: its file, experiment, arms and headline numbers.
    const listed = await runCli(['runs', '--store', join(root, 'store')]);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split('\n').find((line) => line.startsWith(again.runId)) ?? '';
    expect(row).toContain(`${join(root, 'tiny.yaml')}: tiny (supervised, ida-imitation)`);
    expect(row).toMatch(
      /tiny\/supervised accuracy [\d.]+ expertCalls \d+; tiny\/ida-imitation accuracy/,
    );
  }, 60_000);

  it('prints the table, then fails when an arm failed', async () => {
    await writeFile(
      join(root, 'broken.yaml'),
      `${TINY}  - name: cramped\n    labels: ground-truth\n    model: { contextLength: 3 }\n`,
    );
    const output = sink();
    await expect(
      runExperimentFile(join(root, 'broken.yaml'), {
        out: join(root, 'broken'),
        store: join(root, 'store-broken'),
        output: output.stream,
        progress: 'quiet',
      }),
    ).rejects.toMatchObject({ code: 'run.arms-failed' });
    expect(output.text()).toContain('cramped (failed)');
  }, 60_000);

  it('shows the key=value form when a --set was split in two by a space', async () => {
    const { code, stderr } = await runCli(['run', join(root, 'tiny.yaml'), '--set', 'rounds', '1']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'expected key.path=value, got "rounds": one word with no spaces, e.g. --set rounds=1',
    );
  });
});
