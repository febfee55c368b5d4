/**
 * Test fixture: a fault-injecting chat-completions server on loopback. A script decides, per
 * request, whether to answer, fail with a status (and headers), hang past the client's timeout,
 * cut the JSON body short, send a body of the wrong shape, or drop the connection — so the retry
 * and error paths of the HTTP policies are exercised over real sockets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '../server/http.ts';
import type { RunningServer } from '../server/http.ts';

/** What the server does with one request. */
export type Fault =
  | { kind: 'ok'; text: string; delayMs?: number }
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  | { kind: 'hang'; ms: number }
  | { kind: 'truncate' }
  | { kind: 'wrong-shape' }
  | { kind: 'reset' };

/** One request the server saw. */
export interface SeenRequest {
  path: string;
  body: Record<string, unknown>;
  /** The last message's content (chat) — handy for routing by prompt. */
  lastMessage: string;
  /** How many earlier requests carried the same last message. */
  repeat: number;
}

/** A running fault server. */
export interface FaultServer extends RunningServer {
  readonly seen: SeenRequest[];
  /** The most requests that were open at once. */
  readonly peakInFlight: number;
}

/** A chat-completion body in OpenAI's shape. */
export function completionBody(text: string, promptTokens = 5): Record<string, unknown> {
  return {
    id: 'chatcmpl-fault',
    object: 'chat.completion',
    created: 0,
    model: 'fault-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: text.length,
      total_tokens: promptTokens + text.length,
    },
  };
}

/** An Anthropic Messages API body. */
export function messageBody(text: string): Record<string, unknown> {
  return {
    id: 'msg_fault',
    type: 'message',
    role: 'assistant',
    model: 'fault-model',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: text.length },
  };
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function lastMessageOf(body: Record<string, unknown>): string {
  const messages = body.messages as Array<{ content: unknown }> | undefined;
  const content = messages?.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
}

/** Starts the server; `script` picks each request's fault. */
export async function startFaultServer(
  script: (request: SeenRequest, index: number) => Fault,
): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let peakInFlight = 0;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const lastMessage = lastMessageOf(body);
    const repeat = counts.get(lastMessage) ?? 0;
    counts.set(lastMessage, repeat + 1);
    const entry: SeenRequest = { path: request.url ?? '/', body, lastMessage, repeat };
    seen.push(entry);
    const fault = script(entry, seen.length - 1);
    const anthropic = entry.path.includes('/messages');
    const ok = (text: string) =>
      JSON.stringify(anthropic ? messageBody(text) : completionBody(text));
    switch (fault.kind) {
      case 'ok': {
        if (fault.delayMs !== undefined)
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(ok(fault.text));
        return;
      }
      case 'status': {
        response.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        response.end(
          JSON.stringify({
            error: {
              message: fault.message ?? `injected ${fault.status}`,
              type: 'injected',
              param: null,
              code: null,
            },
          }),
        );
        return;
      }
      case 'hang': {
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (!response.destroyed) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(ok('too late'));
        }
        return;
      }
      case 'truncate': {
        const text = ok('cut short');
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      case 'wrong-shape': {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ unexpected: true }));
        return;
      }
      case 'reset': {
        request.socket.destroy();
        return;
      }
    }
  };
  const running = await listen((request, response) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    handle(request, response)
      .catch(() => response.destroy())
      .finally(() => {
        inFlight -= 1;
      });
  }, 0);
  return {
    ...running,
    seen,
    get peakInFlight() {
      return peakInFlight;
    },
  };
}
