import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRunStore } from '../store/postgres-run-store.ts';
import { requirePostgres, usePostgresDatabase } from '../util/postgres-server-fixture.ts';
import { startRewardServer } from './reward-server.ts';
import { runCli } from './run-cli-fixture.ts';
import { runExperimentFile } from './run.ts';
import { TINY_EXPERIMENT } from './tiny-experiment-fixture.ts';

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

  it('runs an experiment into Postgres and resumes it from the staging store', async () => {
    const { url } = database();
    const file = join(workingDirectory, 'tiny.yaml');
    writeFileSync(file, TINY_EXPERIMENT);
    const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
    const first = await runExperimentFile(file, {
      out: join(workingDirectory, 'out'),
      store: url,
      json: true,
      output: quiet,
    });
    const store = await PostgresRunStore.open(url, { readOnly: true });
    try {
      const run = await store.getRun(first.runId);
      expect(run?.status).toBe('finished');
      expect((await store.metrics(first.runId, { name: 'accuracy' })).length).toBeGreaterThan(0);
      const again = await runExperimentFile(file, {
        out: join(workingDirectory, 'out'),
        store: url,
        json: true,
        output: quiet,
      });
      expect(again).toMatchObject({ runId: first.runId, resumed: true });
      expect((await store.getRun(first.runId))?.eventCount).toBeGreaterThan(run?.eventCount ?? 0);
    } finally {
      await store.close();
    }
  });

  it('records two reward-server replicas behind one Postgres URL as a run each', async () => {
    const { url } = database();
    const config = join(workingDirectory, 'reward.yaml');
    writeFileSync(
      config,
      `task: { name: addition }\noverseer: { name: program }\nstore: "${url}"\n`,
    );
    // The file's database also holds the runs of the tests before this one.
    const before = await PostgresRunStore.open(url, { readOnly: true });
    const earlier = new Set((await before.listRuns()).map((run) => run.id));
    await before.close();
    const replicas = [
      await startRewardServer({ config, port: 0 }),
      await startRewardServer({ config, port: 0 }),
    ];
    try {
      for (const replica of replicas) {
        const response = await fetch(`${replica.url}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: ['1+2:\n=3'], prompts: ['1+2:'], labels: ['3'] }),
        });
        expect(response.status).toBe(200);
      }
    } finally {
      for (const replica of replicas) await replica.close();
    }
    const store = await PostgresRunStore.open(url, { readOnly: true });
    try {
      const runs = (await store.listRuns()).filter((run) => !earlier.has(run.id));
      expect(runs).toHaveLength(2);
      for (const run of runs) {
        expect(run.status).toBe('finished');
        expect(await store.episodes(run.id)).toHaveLength(1);
      }
    } finally {
      await store.close();
    }
  });
});
