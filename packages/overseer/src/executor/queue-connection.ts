/**
 * How the queue executor, its workers and `overseer queue status` reach Redis: `--queue` takes a
 * `redis://HOST:PORT` (or `rediss://`) URL or the path of a unix socket. Every process of one
 * cluster names the same queue under the same key prefix.
 */
import { Redis } from 'ioredis';
import { OverseerError } from '../errors.ts';

/** Where the cluster's Redis is, and the names its queue lives under. */
export interface QueueLocation {
  /** `redis://HOST:PORT`, `rediss://…`, or a unix socket path. */
  target: string;
  /** Key prefix of every queue key (default `overseer`); tests use one per file. */
  prefix?: string;
  /** The episode queue's name (default `episodes`); one per provider/model keeps rate limits apart. */
  queue?: string;
}

/** The default key prefix of the queue's keys. */
export const DEFAULT_PREFIX = 'overseer';

/** The default name of the episode queue. */
export const EPISODE_QUEUE = 'episodes';

/**
 * A Redis client for `target`. BullMQ's blocking connections need `maxRetriesPerRequest: null`
 * (a command waits through a reconnect instead of failing).
 */
export function connectRedis(target: string): Redis {
  if (/^rediss?:\/\//.test(target)) return new Redis(target, { maxRetriesPerRequest: null });
  if (target.startsWith('/') || target.startsWith('.') || target.endsWith('.sock')) {
    return new Redis({ path: target, maxRetriesPerRequest: null });
  }
  throw new OverseerError(
    'queue.target',
    `--queue ${JSON.stringify(target)} is neither a redis:// URL nor a unix socket path.`,
    { hint: 'give --queue redis://HOST:6379 or --queue /path/to/redis.sock' },
  );
}

/**
 * The episode queue of one policy (`provider:model`), so one model's rate limit pauses only its
 * own episodes: BullMQ refuses `:` in a queue name, so it is escaped as in `jobId`.
 */
export function policyQueueName(policy: string): string {
  return `${EPISODE_QUEUE}-${policy.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

/**
 * A job id for `key` in `group`: BullMQ refuses ids with `:` (its key separator), so that one
 * character is escaped; the id stays readable and distinct keys stay distinct.
 */
export function jobId(group: string, key: string): string {
  return `${group}/${key}`.replaceAll('%', '%25').replaceAll(':', '%3A');
}

/**
 * Redis clients opened for one component, disconnected together: BullMQ never closes a client it
 * was handed, and one left open keeps the process alive after the component closes.
 */
export function redisConnections(target: string): { open(): Redis; disconnect(): void } {
  const opened: Redis[] = [];
  return {
    open() {
      const client = connectRedis(target);
      opened.push(client);
      return client;
    },
    disconnect() {
      for (const client of opened) client.disconnect();
    },
  };
}
