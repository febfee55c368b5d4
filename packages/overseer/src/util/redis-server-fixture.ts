/**
 * A real Redis for tests: `redis-server` started in a temporary directory on a unix socket
 * (`--port 0` turns TCP off; it does not pick a free port), without persistence, and torn down
 * after. With `CI=true` a missing binary fails the run; elsewhere the tests that need it skip
 * with a message saying what to install.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { OverseerError } from '../errors.ts';

/** A running `redis-server` on a unix socket. */
export interface RedisServerFixture {
  /** The unix socket the server listens on (what `--queue` takes). */
  socket: string;
  /** A key prefix for one test file, so files sharing a server never see each other's keys. */
  prefix: string;
  /** A new client on the socket (closed by `stop`). */
  client(): Redis;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** True when `redis-server` can be run here. */
export function redisServerInstalled(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
}

/**
 * True when the tests that need Redis should skip (no `redis-server`, outside CI), after saying
 * so; under `CI=true` a missing binary throws instead, failing the run.
 */
export function skipWithoutRedis(): boolean {
  if (redisServerInstalled()) return false;
  if (process.env.CI === 'true') {
    throw new OverseerError(
      'test.redis-missing',
      'redis-server is not installed, and CI=true requires every test to run.',
      { hint: 'install it: apt-get install -y --no-install-recommends redis-server' },
    );
  }
  console.warn(
    'skipping the Redis tests: redis-server is not installed (apt-get install redis-server)',
  );
  return true;
}

/** The key prefix of a test file, from its URL (`import.meta.url`). */
export function testPrefix(fileUrl: string): string {
  return `test-${path.basename(fileURLToPath(fileUrl)).replace(/[^a-z0-9-]/gi, '-')}`;
}

/** Starts `redis-server` on a socket in a new temporary directory and waits until it answers. */
export async function startRedisServer(fileUrl: string): Promise<RedisServerFixture> {
  const directory = await mkdtemp(path.join(tmpdir(), 'overseer-redis-'));
  const socket = path.join(directory, 'redis.sock');
  const server = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--unixsocketperm',
      '700',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      directory,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const clients: Redis[] = [];
  try {
    await waitUntilAnswering(server, socket, () => output);
  } catch (error) {
    server.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    socket,
    prefix: testPrefix(fileUrl),
    client() {
      const client = new Redis({ path: socket, maxRetriesPerRequest: null });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      const exited = new Promise<void>((resolve) => {
        if (server.exitCode !== null) resolve();
        else server.once('exit', () => resolve());
      });
      server.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Polls the socket with PING until the server answers (it starts in milliseconds). */
async function waitUntilAnswering(
  server: ChildProcess,
  socket: string,
  output: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (server.exitCode !== null) {
      throw new OverseerError(
        'test.redis-start',
        `redis-server exited with code ${server.exitCode}: ${output()}`,
      );
    }
    const client = new Redis({
      path: socket,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // Not listening yet.
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new OverseerError(
    'test.redis-start',
    `redis-server did not answer on ${socket}: ${output()}`,
  );
}
