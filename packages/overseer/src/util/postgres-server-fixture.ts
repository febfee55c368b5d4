/**
 * A real Postgres for tests: `initdb` into a temporary directory and `postgres` listening only on
 * a unix socket there (no TCP), one database per test file, everything removed afterwards.
 * Postgres refuses to run as root, so as root both run as the `postgres` user via `runuser`.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { OverseerError } from '../errors.ts';

/** A running test server. */
export interface PostgresServer {
  /** The directory holding its socket (and its data). */
  readonly socketDirectory: string;
  /** Creates a fresh database; its URL (`postgres://postgres@/NAME?host=SOCKET_DIRECTORY`). */
  createDatabase(): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** The directory of the newest installed Postgres's binaries, or undefined. */
export function postgresBinaries(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((version) => existsSync(join(debian, version, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The binaries' directory when Postgres is installed. Missing, it fails the run under `CI=true`
 * (.ci/run installs it) and elsewhere says why the caller's tests skip.
 */
export function requirePostgres(): string | undefined {
  const binaries = postgresBinaries();
  if (binaries !== undefined) return binaries;
  if (process.env.CI === 'true') {
    throw new OverseerError('test.postgres-missing', 'Postgres is not installed', {
      hint: 'install the Debian package postgresql (.ci/run does)',
    });
  }
  console.warn('skipping the Postgres tests: no postgres binary (apt-get install postgresql)');
  return undefined;
}

/** Starts a throwaway server from `binaries` and waits until it accepts connections. */
export async function startPostgres(binaries: string): Promise<PostgresServer> {
  const root = mkdtempSync(join(tmpdir(), 'overseer-pg-'));
  const asRoot = process.getuid?.() === 0;
  const command = (program: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(binaries, program), ...args]]
      : [join(binaries, program), args];
  if (asRoot) {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    chownSync(root, id('-u'), id('-g'));
  }
  chmodSync(root, 0o700);
  const data = join(root, 'data');
  const log = join(root, 'server.log');
  execFileSync(
    ...command('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output = openSync(log, 'a');
  const server: ChildProcess = spawn(
    ...command('postgres', [
      '-D',
      data,
      '-k',
      root,
      '-c',
      'listen_addresses=',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ]),
    { stdio: ['ignore', output, output] },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    server.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    const pidFile = join(data, 'postmaster.pid');
    // runuser stays the parent of postgres; a fast shutdown is asked of the postmaster itself.
    if (!exited && existsSync(pidFile)) {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
    } else if (!exited) {
      server.kill('SIGINT');
    }
    await exit;
    rmSync(root, { recursive: true, force: true });
  };
  const connect = () => new pg.Client({ host: root, user: 'postgres', database: 'postgres' });
  for (let attempt = 0; ; attempt += 1) {
    const client = connect();
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (exited || attempt >= 600) {
        const detail = existsSync(log) ? readFileSync(log, 'utf8') : '';
        await stop();
        throw new OverseerError(
          'test.postgres-start',
          `postgres did not start: ${String(error)}\n${detail}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    socketDirectory: root,
    async createDatabase() {
      const name = `overseer_test_${randomBytes(4).toString('hex')}`;
      const client = connect();
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@/${name}?host=${encodeURIComponent(root)}`;
    },
    stop,
  };
}

/**
 * For a test file: starts a server before its tests and stops it after; the returned function
 * gives the URL of the file's database (call it inside a test or a hook).
 */
export function usePostgresDatabase(
  binaries: string,
): () => { url: string; server: PostgresServer } {
  let started: { url: string; server: PostgresServer } | undefined;
  beforeAll(async () => {
    const server = await startPostgres(binaries);
    started = { server, url: await server.createDatabase() };
  });
  afterAll(async () => {
    await started?.server.stop();
  });
  return () => {
    if (started === undefined)
      throw new OverseerError('test.postgres-start', 'the server has not started');
    return started;
  };
}
