import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportRun } from '../export/formats.ts';
import { requirePostgres, usePostgresDatabase } from '../util/postgres-server-fixture.ts';
import { fixtureEpisode, fixtureKey } from './episode-fixtures.ts';
import { openRunStore, readableStore, writableStore } from './open-run-store.ts';
import { RunStore } from './run-store.ts';

const binaries = requirePostgres();
const directory = mkdtempSync(join(tmpdir(), 'overseer-open-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('a store directory', () => {
  it('is opened, read and written as it is', async () => {
    const local = await writableStore(join(directory, 'plain'));
    expect(local.directory).toBe(join(directory, 'plain'));
    const store = await openRunStore(local.directory);
    const runId = await store.createRun({ plain: true });
    await store.close();
    await local.close();
    const readable = await readableStore(join(directory, 'plain'));
    const reopened = RunStore.open(readable.directory, { readOnly: true });
    expect(reopened.getRun(runId)?.config).toEqual({ plain: true });
    reopened.close();
    await readable.close();
  });
});

describe.skipIf(binaries === undefined)('a Postgres store behind a local SQLite store', () => {
  const database = usePostgresDatabase(binaries as string);

  it('forwards a written run to the database and exports it the same from either', async () => {
    const local = await writableStore(database().url, { stagingRoot: join(directory, 'staging') });
    const staging = RunStore.open(local.directory);
    const runId = staging.createRun({ experiment: 'forwarded' });
    for (let index = 0; index < 4; index += 1) {
      staging.recordEpisode(fixtureEpisode(runId, fixtureKey(index), { maxThoughts: 3 }));
    }
    staging.append({
      type: 'metric',
      runId,
      time: '2025-01-31T12:00:00.000Z',
      name: 'accuracy',
      value: 0.5,
      step: 1,
    });
    staging.finishRun(runId, { accuracy: 0.5 });
    await local.close();

    const postgres = await openRunStore(database().url);
    try {
      expect(await postgres.events(runId)).toEqual(staging.events(runId));
      expect(await postgres.episode(fixtureKey(2), runId)).toEqual(
        staging.episode(fixtureKey(2), runId),
      );
      expect(await postgres.latestMetrics(runId)).toEqual(staging.latestMetrics(runId));
    } finally {
      await postgres.close();
    }

    const readable = await readableStore(database().url);
    const copy = RunStore.open(readable.directory, { readOnly: true });
    try {
      expect(copy.getRun(runId)).toEqual(staging.getRun(runId));
      for (const format of ['prm800k', 'trl-sft'] as const) {
        expect([...exportRun(copy, runId, format, {})]).toEqual([
          ...exportRun(staging, runId, format, {}),
        ]);
      }
    } finally {
      copy.close();
      staging.close();
      await readable.close();
    }
  });

  it('keeps a followed copy up to date with a run still being written', async () => {
    const postgres = await openRunStore(database().url);
    const readable = await readableStore(database().url, { follow: true });
    const copy = RunStore.open(readable.directory, { readOnly: true });
    try {
      const runId = await postgres.createRun({ experiment: 'live' });
      await readable.sync();
      expect(copy.events(runId).map((stored) => stored.seq)).toEqual([1]);
      await postgres.recordEpisode(fixtureEpisode(runId, fixtureKey(0), { maxThoughts: 2 }));
      await readable.sync();
      expect(copy.events(runId)).toEqual(await postgres.events(runId));
      expect(copy.episode(fixtureKey(0), runId)).toEqual(
        await postgres.episode(fixtureKey(0), runId),
      );
    } finally {
      copy.close();
      await readable.close();
      await postgres.close();
    }
  });
});
