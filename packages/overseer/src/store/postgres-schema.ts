/**
 * The run store's tables in Postgres: the SQLite store's tables (schema.ts, version 2) with
 * Postgres types, JSON kept as text so both stores read back the same records.
 */
import type pg from 'pg';
import { OverseerError } from '../errors.ts';

/**
 * The Postgres store's own schema version (its tables match the SQLite store's version 2); bump
 * it with a migration here when a table changes, as schema.ts does for SQLite.
 */
export const POSTGRES_SCHEMA_VERSION = 1;

const tables = `
CREATE TABLE IF NOT EXISTS overseer_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  spec_version INTEGER NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
  error TEXT,
  summary TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  updated_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  time TEXT NOT NULL,
  episode_id TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS events_by_episode ON events (run_id, episode_id, seq)
  WHERE episode_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS episodes (
  run_id TEXT NOT NULL,
  id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  iteration INTEGER,
  phase TEXT,
  unit TEXT,
  problem_id TEXT NOT NULL,
  family TEXT NOT NULL,
  split TEXT NOT NULL,
  difficulty INTEGER NOT NULL,
  problem TEXT NOT NULL,
  scaffold TEXT NOT NULL,
  policy TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
  answer TEXT,
  error TEXT,
  outcome TEXT,
  correct INTEGER,
  reward DOUBLE PRECISION,
  cost TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  started_seq INTEGER NOT NULL,
  finished_seq INTEGER,
  PRIMARY KEY (run_id, id)
);
CREATE INDEX IF NOT EXISTS episodes_in_order ON episodes (run_id, started_seq);
CREATE INDEX IF NOT EXISTS episodes_by_status ON episodes (run_id, status, started_seq);
CREATE INDEX IF NOT EXISTS episodes_by_phase ON episodes (run_id, phase, started_seq);
CREATE INDEX IF NOT EXISTS episodes_by_id ON episodes (id);

CREATE TABLE IF NOT EXISTS steps (
  run_id TEXT NOT NULL,
  episode_id TEXT NOT NULL,
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  parent_id TEXT,
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, episode_id, id)
);
CREATE INDEX IF NOT EXISTS steps_in_order ON steps (run_id, episode_id, position);

CREATE TABLE IF NOT EXISTS judgments (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  episode_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  rating INTEGER,
  method TEXT NOT NULL,
  overseer TEXT NOT NULL,
  time TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, episode_id, seq)
);

CREATE TABLE IF NOT EXISTS metrics (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  step INTEGER NOT NULL,
  iteration INTEGER,
  split TEXT,
  tags TEXT,
  time TEXT NOT NULL,
  PRIMARY KEY (run_id, name, seq)
);

CREATE TABLE IF NOT EXISTS checkpoints (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  step INTEGER NOT NULL,
  iteration INTEGER,
  time TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
`;

/** An arbitrary, fixed advisory-lock key, so two processes opening a new store create it once. */
const MIGRATION_LOCK = 0x4f565352;

/** The schema version a database holds (0: no store yet). */
export async function storeVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ found: string | null }>(
    "SELECT to_regclass('overseer_meta') AS found",
  );
  if (exists.rows[0]?.found === null) return 0;
  const row = await client.query<{ value: string }>(
    "SELECT value FROM overseer_meta WHERE key = 'schema-version'",
  );
  return row.rows.length === 0 ? 0 : Number(row.rows[0].value);
}

/** Creates the store's tables in the database unless there; checks a store it finds is ours. */
export async function migratePostgres(
  client: pg.ClientBase,
  location: string,
  createdBy: string,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const version = await storeVersion(client);
    if (version > POSTGRES_SCHEMA_VERSION) throw newerVersion(location, version);
    if (version < POSTGRES_SCHEMA_VERSION) {
      await client.query(tables);
      // ON CONFLICT: a store created by an earlier version keeps its created-by and created-at.
      await client.query(
        `INSERT INTO overseer_meta (key, value) VALUES ('created-by', $1), ('created-at', $2)
           ON CONFLICT (key) DO NOTHING`,
        [createdBy, new Date().toISOString()],
      );
      await client.query(
        `INSERT INTO overseer_meta (key, value) VALUES ('schema-version', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [String(POSTGRES_SCHEMA_VERSION)],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** A store written by a newer Overseer. */
export function newerVersion(location: string, version: number): OverseerError {
  return new OverseerError(
    'store.newer-version',
    `${location} was written by a newer Overseer (store schema version ${version}; this version reads up to ${POSTGRES_SCHEMA_VERSION})`,
    { hint: 'upgrade Overseer to read this store, or use another --store database' },
  );
}
