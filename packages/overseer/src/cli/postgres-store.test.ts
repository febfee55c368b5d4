import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRunStore } from '../store/postgres-run-store.ts';
import { requirePostgres, usePostgresDatabase } from '../util/postgres-server-fixture.ts';
import { runCli } from './run-cli-fixture.ts';

const binaries = requirePostgres();

describe.skipIf(binaries === undefined)('--store postgres://…', () => {
  const database = usePostgresDatabase(binaries as string);
  // The staging store goes under the working directory's .overseer/, so the test works in its own.
  const workingDirectory = mkdtempSync(join(tmpdir(), 'overseer-cli-postgres-'));
  const previous = process.cwd();
  beforeAll(() => process.chdir(workingDirectory));
  afterAll(() => {
    process.chdir(previous);
    rmSync(workingDirectory, { recursive: true, force: true });
  });

  it('records an evaluation in Postgres, lists it and exports it from there', async () => {
    const { url } = database();
    const evaluation = await runCli([
      'eval',
      '--task',
      'addition',
      '--policy',
      'oracle',
      '--n',
      '3',
      '--store',
      url,
      '--json',
    ]);
    expect(evaluation.stderr).toBe('');
    expect(evaluation.code).toBe(0);
    const { runId } = JSON.parse(evaluation.stdout) as { runId: string };
    expect(existsSync(join(workingDirectory, '.overseer', 'postgres'))).toBe(true);

    const store = await PostgresRunStore.open(url, { readOnly: true });
    try {
      expect(await store.getRun(runId)).toMatchObject({
        status: 'finished',
        episodes: { running: 0, finished: 3, failed: 0 },
      });
    } finally {
      await store.close();
    }

    const listed = await runCli(['runs', '--store', url, '--json']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((run) => run.id)).toEqual([
      runId,
    ]);
    const exported = await runCli([
      'export',
      '--store',
      url,
      '--run',
      runId,
      '--format',
      'trl-sft',
    ]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(3);
  });
});
