/**
 * A `--store` location — a store directory, or a Postgres URL (`postgres://user@host/db`, or a
 * unix socket: `postgres:///db?host=/run/postgresql`) — opened for the commands.
 *
 * The SQLite store is the default and is written and read directly. With Postgres, the commands
 * that read (view, export) serve a local SQLite copy kept up to date from the database by seq,
 * and the commands that write (run, eval) record into a local staging SQLite store whose events
 * are forwarded to the database as they commit: the experiment loop and the readers stay on the
 * synchronous `RunStore`, and the database holds the same event log and tables.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AsyncRunStore } from './async-run-store.ts';
import { sqliteRunStore } from './async-run-store.ts';
import { copyNewEvents } from './copy-events.ts';
import { PostgresRunStore, isPostgresUrl, redactedUrl } from './postgres-run-store.ts';
import { RunStore, defaultStoreDirectory } from './run-store.ts';

/** How often a local copy or a staging store is brought up to date while a command runs, in ms. */
const SYNC_INTERVAL_MS = 1000;

/** Opens the store at `location` (a directory or a Postgres URL) as an `AsyncRunStore`. */
export async function openRunStore(
  location: string,
  options: { readOnly?: boolean } = {},
): Promise<AsyncRunStore> {
  if (isPostgresUrl(location)) return PostgresRunStore.open(location, options);
  return sqliteRunStore(RunStore.open(location, options));
}

/** A store directory a command reads or writes, and what to do when the command is done. */
export interface LocalStore {
  /** The SQLite store directory to hand the command. */
  directory: string;
  /** Where the store really is, for messages (a directory, or the URL without its password). */
  location: string;
  /** Brings the copy (or the database) up to date now. */
  sync(): Promise<void>;
  /** A last sync, then stops syncing and releases what it opened. */
  close(): Promise<void>;
}

/**
 * The store at `location` as a directory to read: the directory itself, or for Postgres a
 * temporary SQLite copy of every run, refreshed every second while `follow` is set (the viewer of
 * a live run) and removed on close.
 */
export async function readableStore(
  location: string,
  options: { follow?: boolean } = {},
): Promise<LocalStore> {
  if (!isPostgresUrl(location)) return plainDirectory(location);
  const source = await PostgresRunStore.open(location, { readOnly: true });
  const directory = mkdtempSync(join(tmpdir(), 'overseer-postgres-copy-'));
  const copy = sqliteRunStore(RunStore.open(directory));
  const sync = async () => {
    await copyNewEvents(source, copy);
  };
  return synced(
    { directory, location: source.location, sync },
    options.follow === true,
    async () => {
      await Promise.all([source.close(), copy.close()]);
      rmSync(directory, { recursive: true, force: true });
    },
  );
}

/**
 * The store at `location` as a directory to write: the directory itself, or for Postgres a local
 * staging store (`<stagingRoot>/<hash of the URL>/`, kept, so a cut-off run resumes from it)
 * whose runs' events are forwarded to the database every second and on close.
 */
export async function writableStore(
  location: string,
  options: { stagingRoot?: string } = {},
): Promise<LocalStore> {
  if (!isPostgresUrl(location)) return plainDirectory(location);
  const target = await PostgresRunStore.open(location);
  const name = createHash('sha256').update(redactedUrl(location)).digest('hex').slice(0, 12);
  const stagingRoot = options.stagingRoot ?? join(defaultStoreDirectory(), 'postgres');
  const directory = join(stagingRoot, name);
  // Opened (and created) once for writing here, so the staging store exists before it is read.
  RunStore.open(directory).close();
  const sync = async () => {
    const staging = sqliteRunStore(RunStore.open(directory, { readOnly: true }));
    try {
      await copyNewEvents(staging, target);
    } finally {
      await staging.close();
    }
  };
  return synced({ directory, location: target.location, sync }, true, () => target.close());
}

function plainDirectory(directory: string): LocalStore {
  return {
    directory,
    location: directory,
    sync: async () => undefined,
    close: async () => undefined,
  };
}

/** Syncs once now, then every `SYNC_INTERVAL_MS` while `follow`, one sync at a time. */
async function synced(
  store: Pick<LocalStore, 'directory' | 'location' | 'sync'>,
  follow: boolean,
  release: () => Promise<void>,
): Promise<LocalStore> {
  let running: Promise<void> = Promise.resolve();
  let failure: unknown;
  const sync = () => {
    running = running.then(store.sync).catch((error: unknown) => {
      failure = error;
    });
    return running;
  };
  try {
    await store.sync();
  } catch (error) {
    await release();
    throw error;
  }
  const timer = follow ? setInterval(() => void sync(), SYNC_INTERVAL_MS) : undefined;
  timer?.unref();
  return {
    directory: store.directory,
    location: store.location,
    sync: async () => {
      await sync();
      if (failure !== undefined) throw failure;
    },
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      try {
        await sync();
        if (failure !== undefined) throw failure;
      } finally {
        await release();
      }
    },
  };
}
