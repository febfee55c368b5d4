/**
 * The viewer's HTTP API as a plain function from request to answer (no sockets), so it can be
 * tested directly and the server stays a thin shell. Reads go to the run store, opened
 * read-only; the one write — a rating of a queued step — goes to the human queue and needs the
 * token `overseer view` printed at start-up.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isOverseerError, OverseerError } from '../errors.ts';
import type { RunStore } from '../store/index.ts';
import { HumanQueue } from '../store/human-queue.ts';
import type { QueueItem } from '../store/human-queue-records.ts';
import type {
  ErrorResponse,
  EventsResponse,
  QueueResponse,
  RunResponse,
  RunsResponse,
  SessionResponse,
} from './api-types.ts';
import { searchTranscripts } from './search.ts';

/** A request as the API reads it. */
export interface ApiRequest {
  method: string;
  /** Path and query, e.g. `/api/runs?x=1`. */
  url: string;
  /** The `Authorization` header, if any. */
  authorization?: string;
  /** The request body as text (POST). */
  body?: string;
}

/** An answer: an HTTP status and a JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Events per page at most (a page is one response). */
const MAX_EVENTS_PAGE = 5000;

/** Compares tokens in constant time (hashing first makes the lengths equal). */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function error(status: number, code: string, message: string, hint?: string): ApiAnswer {
  const body: ErrorResponse = { error: { code, message, ...(hint === undefined ? {} : { hint }) } };
  return { status, body };
}

/** The status an OverseerError answers with, by its code. */
function statusOf(code: string): number {
  if (code === 'store.unknown-run' || code === 'queue.unknown-item') return 404;
  if (code === 'queue.already-rated') return 409;
  if (code.startsWith('queue.bad-') || code.startsWith('viewer.bad-')) return 400;
  return 500;
}

function nonNegativeInteger(value: string | null, name: string, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) {
    throw new OverseerError('viewer.bad-query', `${name} must be a whole number, got "${value}"`);
  }
  return Number(value);
}

/** The viewer API over one store; `handle` answers one request. */
export class ViewerApi {
  private queue: HumanQueue | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly token: string,
  ) {}

  /** The human queue, once a human overseer has created it (it may appear while we run). */
  private openQueue(): HumanQueue | undefined {
    this.queue ??= HumanQueue.openExisting(this.store.directory);
    return this.queue;
  }

  /** Answers one request; never throws. */
  handle(request: ApiRequest): ApiAnswer {
    try {
      return this.route(request);
    } catch (caught) {
      if (isOverseerError(caught)) {
        return error(statusOf(caught.code), caught.code, caught.message, caught.hint);
      }
      return error(500, 'viewer.internal', `the viewer failed: ${String(caught)}`);
    }
  }

  private route(request: ApiRequest): ApiAnswer {
    const url = new URL(request.url, 'http://viewer.invalid');
    const parts = url.pathname
      .split('/')
      .filter((part) => part !== '')
      .map((part) => decodeURIComponent(part));
    if (parts[0] !== 'api') return error(404, 'viewer.not-found', `no API at ${url.pathname}`);
    const route = parts.slice(1);
    if (request.method === 'POST') {
      if (route.length === 3 && route[0] === 'queue' && route[2] === 'rating') {
        return this.rate(route[1], request);
      }
      return error(405, 'viewer.method', `${request.method} ${url.pathname} is not allowed`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return error(405, 'viewer.method', `${request.method} ${url.pathname} is not allowed`);
    }
    const query = url.searchParams;
    if (route.length === 1 && route[0] === 'session') {
      const session: SessionResponse = { mode: 'server', store: this.store.directory };
      return { status: 200, body: session };
    }
    if (route.length === 1 && route[0] === 'runs') {
      const body: RunsResponse = this.store.listRunListings();
      return { status: 200, body };
    }
    if (route[0] === 'runs' && route.length >= 2) {
      const runId = route[1];
      if (route.length === 2) {
        const run = this.store.listing(this.store.requireRun(runId));
        const body: RunResponse = {
          run,
          metrics: this.store.metrics(runId),
          checkpoints: this.store.checkpoints(runId),
        };
        return { status: 200, body };
      }
      if (route.length === 3 && route[2] === 'episodes') {
        this.store.requireRun(runId);
        return { status: 200, body: this.store.episodes(runId) };
      }
      if (route.length === 4 && route[2] === 'episodes') {
        this.store.requireRun(runId);
        const record = this.store.episode(route[3], runId);
        if (record === undefined) {
          return error(
            404,
            'viewer.unknown-episode',
            `run "${runId}" has no episode "${route[3]}"`,
          );
        }
        return { status: 200, body: record };
      }
      if (route.length === 3 && route[2] === 'events') {
        this.store.requireRun(runId);
        const after = nonNegativeInteger(query.get('after'), 'after', 0);
        const limit = Math.min(
          MAX_EVENTS_PAGE,
          Math.max(1, nonNegativeInteger(query.get('limit'), 'limit', 1000)),
        );
        const events = this.store.events(runId, after, limit);
        const body: EventsResponse = {
          events,
          next: events.length === limit ? events[events.length - 1].seq : null,
        };
        return { status: 200, body };
      }
    }
    if (route.length === 1 && route[0] === 'search') {
      const limit = Math.min(
        1000,
        Math.max(1, nonNegativeInteger(query.get('limit'), 'limit', 100)),
      );
      const runId = query.get('run');
      return {
        status: 200,
        body: searchTranscripts(this.store, query.get('q') ?? '', {
          limit,
          ...(runId === null || runId === '' ? {} : { runId }),
        }),
      };
    }
    if (route.length === 1 && route[0] === 'queue') {
      const queue = this.openQueue();
      const body: QueueResponse =
        queue === undefined
          ? { exists: false, items: [], counts: { pending: 0, rated: 0 } }
          : {
              exists: true,
              items: [...queue.list({ status: 'pending' }), ...queue.list({ status: 'rated' })],
              counts: queue.counts(),
            };
      return { status: 200, body };
    }
    return error(404, 'viewer.not-found', `no API at ${url.pathname}`);
  }

  private rate(itemId: string, request: ApiRequest): ApiAnswer {
    const header = request.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match === null || !tokensMatch(match[1], this.token)) {
      return error(
        401,
        'viewer.unauthorized',
        'rating needs the token `overseer view` printed at start-up',
        'open the link `overseer view` printed (it carries the token), or paste the token on the queue page',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return error(400, 'viewer.bad-body', 'the rating must be a JSON object');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return error(400, 'viewer.bad-body', 'the rating must be a JSON object');
    }
    const fields = body as Record<string, unknown>;
    const queue = this.openQueue();
    if (queue === undefined) {
      return error(404, 'queue.unknown-item', `no queued step "${itemId}": the queue is empty`);
    }
    const rated: QueueItem = queue.rate(itemId, {
      rating: fields.rating as -1 | 0 | 1,
      rater: fields.rater as string,
      ...(fields.note === undefined ? {} : { note: fields.note as string }),
    });
    return { status: 200, body: rated };
  }

  /** Releases the queue file (the store is the caller's). */
  close(): void {
    this.queue?.close();
  }
}
