/**
 * The run store's tables, its schema version and the migrations between versions. The `events`
 * table is the source of truth; every other table is a projection of it (see materialise.ts)
 * that can be rebuilt by replaying the events.
 */
import type Database from 'better-sqlite3';

/** The store's on-disk schema version; bump it and add a migration when a table changes. */
export const STORE_SCHEMA_VERSION = 2;

/**
 * Written into the SQLite header (`PRAGMA application_id`, the ASCII of "OVSR"), so a foreign
 * SQLite file is told apart from a run store before any table is read.
 */
export const STORE_APPLICATION_ID = 0x4f565352;

/** The database file inside a store directory. */
export const STORE_FILE_NAME = 'runs.sqlite';

/** Version 1: runs, the event log and its projections. */
const version1 = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
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
) STRICT;

-- Append-only: every RunEvent exactly as validated, numbered 1, 2, … within its run.
CREATE TABLE events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  time TEXT NOT NULL,
  episode_id TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX events_by_episode ON events (run_id, episode_id, seq) WHERE episode_id IS NOT NULL;

CREATE TABLE episodes (
  run_id TEXT NOT NULL,
  id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  iteration INTEGER,
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
  reward REAL,
  cost TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  started_seq INTEGER NOT NULL,
  finished_seq INTEGER,
  PRIMARY KEY (run_id, id)
) STRICT;
CREATE INDEX episodes_in_order ON episodes (run_id, started_seq);
CREATE INDEX episodes_by_status ON episodes (run_id, status, started_seq);
CREATE INDEX episodes_by_id ON episodes (id);

CREATE TABLE steps (
  run_id TEXT NOT NULL,
  episode_id TEXT NOT NULL,
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  parent_id TEXT,
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, episode_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX steps_in_order ON steps (run_id, episode_id, position);

CREATE TABLE judgments (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  episode_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  score REAL NOT NULL,
  rating INTEGER,
  method TEXT NOT NULL,
  overseer TEXT NOT NULL,
  time TEXT NOT NULL,
  body TEXT NOT NULL,
  -- Clustered by episode: an episode's judgments are read together (seq alone is unique).
  PRIMARY KEY (run_id, episode_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE metrics (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  step INTEGER NOT NULL,
  iteration INTEGER,
  split TEXT,
  tags TEXT,
  time TEXT NOT NULL,
  -- Clustered by name: a plot reads one metric's values together (seq alone is unique).
  PRIMARY KEY (run_id, name, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE checkpoints (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  step INTEGER NOT NULL,
  iteration INTEGER,
  time TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;
`;

/**
 * Version 2: an episode's loop phase and unit are columns (from its episode-started event). Stores
 * written before carry them only in the ids `overseer run` gave its episodes, so the phase is read
 * from those once here; the unit stays unknown.
 */
const version2 = `
ALTER TABLE episodes ADD COLUMN phase TEXT;
ALTER TABLE episodes ADD COLUMN unit TEXT;
UPDATE episodes SET phase = CASE
  WHEN id GLOB '*/eval@[0-9]*/[0-9]*' THEN 'evaluation'
  WHEN id GLOB '*/round[0-9]*/amplify/[0-9]*' THEN 'amplify'
  WHEN id GLOB '*/round[0-9]*/rollout/u[0-9]*/[0-9]*' THEN 'rollout'
END;
CREATE INDEX episodes_by_phase ON episodes (run_id, phase, started_seq);
`;

/**
 * `migrations[v]` takes a store from schema version v to v + 1 (version 0 is an empty file).
 * Each runs inside the transaction that also bumps `user_version`, so a crash mid-migration
 * leaves the old version intact.
 */
const migrations: Array<(database: Database.Database) => void> = [
  (database) => database.exec(version1),
  (database) => database.exec(version2),
];

/** Brings a writable store up to `STORE_SCHEMA_VERSION`; returns the version it found. */
export function migrate(database: Database.Database, createdBy: string): number {
  // The version is read inside the write transaction, so two processes opening a new store at
  // once cannot both create its tables.
  return database
    .transaction(() => {
      const found = database.pragma('user_version', { simple: true }) as number;
      for (let version = found; version < STORE_SCHEMA_VERSION; version += 1) {
        migrations[version](database);
      }
      if (found === 0) {
        database
          .prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)')
          .run('created-by', createdBy, 'created-at', new Date().toISOString());
        database.pragma(`application_id = ${STORE_APPLICATION_ID}`);
      }
      if (found !== STORE_SCHEMA_VERSION) {
        database.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
      }
      return found;
    })
    .immediate();
}
