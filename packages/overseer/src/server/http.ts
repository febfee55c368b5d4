/**
 * Small HTTP plumbing shared by the servers: JSON bodies with a size limit, OpenAI-shaped errors
 * (`{"error":{"message","type","param","code"}}`), and listening on loopback by default.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OverseerError } from '../errors.ts';

/** An error the client caused (or the server hit), sent as an OpenAI-shaped error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;

  constructor(
    status: number,
    message: string,
    fields: { type?: string; param?: string | null; code?: string | null } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = fields.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = fields.param ?? null;
    this.code = fields.code ?? null;
  }
}

/** The error body clients parse. */
export function errorBody(error: ApiError): {
  error: { message: string; type: string; param: string | null; code: string | null };
} {
  return {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  };
}

/** Sends `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Sends an ApiError (anything else becomes a 500 that names what went wrong). */
export function sendError(response: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(
          500,
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
        );
  if (response.headersSent) {
    // Mid-stream: the status is gone; end the stream so the client sees it cut off.
    response.end();
    return;
  }
  sendJson(response, apiError.status, errorBody(apiError));
}

/** Reads a JSON body of at most `limitBytes`; a bad or oversized body is a 4xx ApiError. */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      throw new ApiError(413, `the request body is larger than ${limitBytes} bytes`, {
        code: 'request_too_large',
      });
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ApiError(400, 'the request body is empty; send JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `the request body is not valid JSON: ${(error as Error).message}`, {
      code: 'invalid_json',
    });
  }
}

/** A running server and how to reach and stop it. */
export interface RunningServer {
  readonly server: Server;
  /** e.g. `http://127.0.0.1:43117`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `listener` on `host:port` (port 0 picks a free one). */
export async function listen(
  listener: RequestListener,
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new OverseerError('server.listen', `cannot listen on ${host}:${port}: ${error.message}`, {
          cause: error,
          hint:
            error.code === 'EADDRINUSE'
              ? 'the port is taken: pass another --port (0 picks a free one)'
              : undefined,
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
