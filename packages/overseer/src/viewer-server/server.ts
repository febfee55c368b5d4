/**
 * The HTTP server behind `overseer view`: the built web UI as static files and the JSON API under
 * /api, on 127.0.0.1 unless told otherwise. Every answer forbids inline scripts and framing, and
 * requests whose Host is not this server's are refused, so a web page elsewhere can neither
 * script the viewer nor read a store through DNS rebinding.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OverseerError } from '../errors.ts';
import { RunStore } from '../store/index.ts';
import { ViewerApi } from './api.ts';
import { requireViewerBuild, staticFile } from './static-files.ts';

/** Options of `startViewerServer`. */
export interface ViewerServerOptions {
  /** Store directory (opened read-only). */
  store: string;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Port (default 4173; 0 picks a free one). */
  port?: number;
  /** Token that write requests must carry (default: 24 random bytes, base64url). */
  token?: string;
  /** The built UI (default packages/viewer/dist). */
  viewerDirectory?: string;
}

/** A running viewer. */
export interface ViewerServer {
  /** `http://host:port/` as a browser on this machine opens it. */
  url: string;
  port: number;
  token: string;
  /** `url` with the token in its fragment (never sent to a server or a Referer), queue page. */
  queueUrl: string;
  close(): Promise<void>;
}

/** The largest request body read (a rating is a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const wildcardHosts = new Set(['0.0.0.0', '::', '[::]']);

/** Host names a browser may use for a server listening on `host`; undefined: any (wildcard). */
function allowedHostNames(host: string): Set<string> | undefined {
  if (wildcardHosts.has(host)) return undefined;
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return new Set(['127.0.0.1', 'localhost', '::1', bare.toLowerCase()]);
}

/** The host name of a Host header (`[::1]:8080` → `::1`). */
function hostNameOf(header: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (bracketed !== null) return bracketed[1].toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new OverseerError(
        'viewer.bad-body',
        `the request body exceeds ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  response: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string>,
  head: boolean,
): void {
  response.writeHead(status, { ...securityHeaders, ...headers });
  response.end(head ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, head: boolean): void {
  send(
    response,
    status,
    JSON.stringify(value),
    {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    },
    head,
  );
}

/** Opens the store read-only and serves the viewer until `close()`. */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const root = requireViewerBuild(options.viewerDirectory);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const store = RunStore.open(options.store, { readOnly: true });
  const api = new ViewerApi(store, token);
  const allowed = allowedHostNames(host);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const head = request.method === 'HEAD';
    const hostHeader = request.headers.host ?? '';
    if (allowed !== undefined && !allowed.has(hostNameOf(hostHeader))) {
      sendJson(
        response,
        421,
        {
          error: {
            code: 'viewer.bad-host',
            message: `this viewer does not answer for ${hostHeader}`,
          },
        },
        head,
      );
      return;
    }
    const url = request.url ?? '/';
    const pathname = url.split('?')[0];
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      let body: string | undefined;
      if (request.method === 'POST') {
        try {
          body = await readBody(request);
        } catch (caught) {
          sendJson(
            response,
            413,
            {
              error: { code: 'viewer.bad-body', message: (caught as Error).message },
            },
            head,
          );
          return;
        }
      }
      const answer = api.handle({
        method: request.method ?? 'GET',
        url,
        ...(request.headers.authorization === undefined
          ? {}
          : { authorization: request.headers.authorization }),
        ...(body === undefined ? {} : { body }),
      });
      sendJson(response, answer.status, answer.body, head);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'method not allowed', { 'Content-Type': 'text/plain' }, head);
      return;
    }
    const file = staticFile(root, pathname);
    if (file === undefined) {
      send(response, 404, 'not found', { 'Content-Type': 'text/plain; charset=utf-8' }, head);
      return;
    }
    send(
      response,
      200,
      file.body,
      {
        'Content-Type': file.contentType,
        'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      head,
    );
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((caught: unknown) => {
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          {
            error: { code: 'viewer.internal', message: String(caught) },
          },
          false,
        );
      } else {
        response.destroy();
      }
    });
  });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4173, host, () => {
        server.off('error', reject);
        resolvePromise();
      });
    });
  } catch (caught) {
    api.close();
    store.close();
    const code = (caught as { code?: unknown }).code;
    throw new OverseerError(
      'viewer.cannot-listen',
      `cannot listen on ${host}:${options.port ?? 4173}: ${(caught as Error).message}`,
      {
        hint:
          code === 'EADDRINUSE'
            ? 'choose another --port (0 picks a free one)'
            : 'check --host names an interface of this machine',
        cause: caught,
      },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = wildcardHosts.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    port,
    token,
    queueUrl: `${url}#/queue?token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => {
          api.close();
          store.close();
          resolvePromise();
        });
      }),
  };
}
