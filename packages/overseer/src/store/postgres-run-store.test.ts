import { describe, expect, it } from 'vitest';
import { requirePostgres, usePostgresDatabase } from '../util/postgres-server-fixture.ts';
import { isPostgresUrl, PostgresRunStore, redactedUrl } from './postgres-run-store.ts';
import { runStoreContract } from './run-store-contract-fixture.ts';

const binaries = requirePostgres();

describe.skipIf(binaries === undefined)('the Postgres run store', () => {
  const database = usePostgresDatabase(binaries as string);

  runStoreContract({ open: () => PostgresRunStore.open(database().url) });

  it('opens an existing store read-only and refuses to write to it', async () => {
    const store = await PostgresRunStore.open(database().url, { readOnly: true });
    try {
      await expect(store.createRun({})).rejects.toMatchObject({ code: 'store.read-only' });
    } finally {
      await store.close();
    }
  });

  it('says which database is missing a store or cannot be reached', async () => {
    const { server } = database();
    const empty = await server.createDatabase();
    await expect(PostgresRunStore.open(empty, { readOnly: true })).rejects.toMatchObject({
      code: 'store.missing',
    });
    const unreachable = `postgres://postgres@/nowhere?host=${encodeURIComponent(server.socketDirectory)}`;
    await expect(PostgresRunStore.open(unreachable)).rejects.toMatchObject({
      code: 'store.cannot-open',
    });
  });
});

describe('Postgres store URLs', () => {
  it('tells a database URL from a store directory and hides its password', () => {
    expect(isPostgresUrl('postgres://u:secret@db:5432/runs')).toBe(true);
    expect(isPostgresUrl('postgresql:///runs?host=/run/postgresql')).toBe(true);
    expect(isPostgresUrl('.overseer')).toBe(false);
    expect(redactedUrl('postgres://u:secret@db:5432/runs')).toBe('postgres://u:***@db:5432/runs');
  });
});
