/**
 * Test fixture: a chat server on loopback that answers in OpenAI's chat-completions shape or in
 * Anthropic's Messages shape (by the request path), replying with text or with tool calls as a
 * script decides from the request — so the tools scaffold's native protocols run over real sockets.
 */
import type { IncomingMessage } from 'node:http';
import { listen } from '../server/http.ts';
import type { RunningServer } from '../server/http.ts';

/** A reply the script chooses: text, and tool calls with their arguments' JSON text. */
export interface ToolServerReply {
  text?: string;
  calls?: Array<{ id: string; name: string; arguments: string }>;
}

/** A running tool server and the request bodies it saw. */
export interface ToolServer extends RunningServer {
  readonly seen: Array<Record<string, unknown>>;
}

function openAiBody(reply: ToolServerReply): Record<string, unknown> {
  const calls = reply.calls ?? [];
  return {
    id: 'chatcmpl-tools',
    object: 'chat.completion',
    created: 0,
    model: 'tool-model',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          ...(calls.length === 0
            ? {}
            : {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
        },
        finish_reason: calls.length === 0 ? 'stop' : 'tool_calls',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
  };
}

function anthropicBody(reply: ToolServerReply): Record<string, unknown> {
  const calls = reply.calls ?? [];
  return {
    id: 'msg_tools',
    type: 'message',
    role: 'assistant',
    model: 'tool-model',
    content: [
      ...(reply.text === undefined ? [] : [{ type: 'text', text: reply.text }]),
      ...calls.map((call) => ({
        type: 'tool_use',
        id: call.id,
        name: call.name,
        input: JSON.parse(call.arguments) as unknown,
      })),
    ],
    stop_reason: calls.length === 0 ? 'end_turn' : 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 4 },
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/** Starts the server; `script` picks each reply from the request body and its index. */
export async function startToolServer(
  script: (body: Record<string, unknown>, index: number) => ToolServerReply,
): Promise<ToolServer> {
  const seen: Array<Record<string, unknown>> = [];
  const running = await listen((request, response) => {
    readJson(request)
      .then((body) => {
        seen.push(body);
        const reply = script(body, seen.length - 1);
        const anthropic = (request.url ?? '').includes('/messages');
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(anthropic ? anthropicBody(reply) : openAiBody(reply)));
      })
      .catch(() => response.destroy());
  }, 0);
  return { ...running, seen };
}
