/**
 * An OpenAI-compatible API for the embedded GPT, so anything that speaks chat completions (the
 * `openai:` policy, the official SDKs, other tools) can use it:
 *
 *   GET  /v1/models            the one model served
 *   POST /v1/chat/completions  messages, max_tokens | max_completion_tokens, temperature, top_p,
 *                              n, stop, seed, logprobs + top_logprobs, stream (+ include_usage)
 *
 * The embedded model is a character-level completer, not a chat model: the prompt is the
 * messages' contents joined by blank lines (policies/chat.ts `renderMessages`), each character is
 * one token, and top_logprobs lists alphabet characters (never the special tokens). Characters
 * outside the model's alphabet are a 400 unless the server drops them (`unknownCharacters:
 * 'drop'`); a prompt longer than the context is a 400 unless it is cut from the left (`truncate:
 * 'left'`). Streaming sends the reply token by token after it has been sampled (sampling a tiny
 * model takes milliseconds). Features the model cannot honour (tools, response_format other than
 * text, penalties, logit_bias) are refused with a 400, never silently ignored.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Gpt } from '../model/gpt.ts';
import { logSoftmax } from '../model/sampling.ts';
import { renderMessages } from '../policies/chat.ts';
import type { ChatMessage } from '../policies/chat.ts';
import { ApiError, readJsonBody, sendError, sendJson } from './http.ts';

/** Options of the OpenAI-compatible server. */
export interface OpenAiServerOptions {
  model: Gpt;
  /** The model id clients send (`model` field) and `GET /v1/models` lists. */
  modelName: string;
  /** Characters outside the model's alphabet: a 400 (default) or dropped from the prompt. */
  unknownCharacters?: 'error' | 'drop';
  /** A prompt longer than the context: a 400 (default) or cut from the left. */
  truncate?: 'error' | 'left';
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Called once per finished request (for logging). */
  onRequest?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const ContentPart = z.object({ type: z.literal('text'), text: z.string() });
const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant'], {
    error: 'role must be system, developer, user or assistant (tools are not supported)',
  }),
  content: z.union([z.string(), z.array(ContentPart), z.null()]),
});

const ChatBody = z.object({
  model: z.string({ error: 'model is required' }).min(1),
  messages: z.array(Message, { error: 'messages must be a list of messages' }).min(1),
  max_tokens: nullable(z.number().int().positive()),
  max_completion_tokens: nullable(z.number().int().positive()),
  temperature: nullable(z.number().min(0).max(2)),
  top_p: nullable(z.number().gt(0).max(1)),
  n: nullable(z.number().int().min(1).max(128)),
  stop: nullable(z.union([z.string(), z.array(z.string()).max(4)])),
  seed: nullable(z.number().int()),
  logprobs: nullable(z.boolean()),
  top_logprobs: nullable(z.number().int().min(0).max(20)),
  stream: nullable(z.boolean()),
  stream_options: nullable(z.object({ include_usage: z.boolean().optional() })),
  response_format: nullable(z.object({ type: z.string() })),
  frequency_penalty: nullable(z.number()),
  presence_penalty: nullable(z.number()),
  logit_bias: nullable(z.record(z.string(), z.number())),
  tools: nullable(z.array(z.unknown())),
  functions: nullable(z.array(z.unknown())),
});
type ChatBody = z.infer<typeof ChatBody>;

/** `messages.0.role` → `messages[0].role`, as OpenAI names parameters. */
function paramName(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

function parseBody(json: unknown): ChatBody {
  const parsed = ChatBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = paramName(issue.path);
    throw new ApiError(400, param === '' ? issue.message : `${param}: ${issue.message}`, {
      param: param === '' ? null : param,
      code: 'invalid_value',
    });
  }
  const body = parsed.data;
  const refuse = (param: string, message: string): never => {
    throw new ApiError(400, message, { param, code: 'unsupported_parameter' });
  };
  if ((body.tools?.length ?? 0) > 0 || (body.functions?.length ?? 0) > 0) {
    refuse('tools', 'the embedded model does not support tools or functions');
  }
  if (body.response_format != null && body.response_format.type !== 'text') {
    refuse(
      'response_format',
      `the embedded model cannot enforce response_format "${body.response_format.type}"; use "text" and validate the reply`,
    );
  }
  if ((body.frequency_penalty ?? 0) !== 0)
    refuse('frequency_penalty', 'penalties are not supported');
  if ((body.presence_penalty ?? 0) !== 0) refuse('presence_penalty', 'penalties are not supported');
  if (Object.keys(body.logit_bias ?? {}).length > 0)
    refuse('logit_bias', 'logit_bias is not supported');
  if ((body.top_logprobs ?? 0) > 0 && body.logprobs !== true) {
    throw new ApiError(400, 'top_logprobs requires logprobs to be true', {
      param: 'top_logprobs',
      code: 'invalid_value',
    });
  }
  if (body.stream_options != null && body.stream !== true) {
    throw new ApiError(400, 'stream_options is only allowed when stream is true', {
      param: 'stream_options',
      code: 'invalid_value',
    });
  }
  return body;
}

function textOf(content: ChatBody['messages'][number]['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/** One position's log-probs in OpenAI's shape. */
interface LogProbEntry {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/** One sampled choice, trimmed to what the client sees. */
interface Choice {
  text: string;
  finishReason: 'stop' | 'length';
  /** Tokens generated (the end token included), for usage. */
  generated: number;
  logprobs: LogProbEntry[] | null;
}

const bytesOf = (text: string): number[] => [...Buffer.from(text, 'utf8')];

/**
 * The top `k` alternatives (alphabet characters) at each reply position, from one batched
 * forward pass over the prompt followed by each prefix of the reply.
 */
function alternatives(
  model: Gpt,
  prompt: number[],
  reply: number[],
  k: number,
): Array<Array<{ token: string; logprob: number }>> {
  const rows = reply.length;
  if (rows === 0 || k === 0) return reply.map(() => []);
  const vocabulary = model.shape.vocabSize;
  const time = prompt.length + rows; // the longest row: prompt + all but the last reply token
  const inputs = new Int32Array(rows * time).fill(model.tokenizer.paddingId); // (rows, time)
  const lengths = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const tokens = [...prompt, ...reply.slice(0, row)];
    inputs.set(tokens, row * time);
    lengths[row] = tokens.length;
  }
  const logits = new Float32Array(rows * vocabulary); // (rows, vocab)
  model.kernels.lastLogits(model.shape, model.params, inputs, rows, time, lengths, logits);
  const logProbs = new Float64Array(vocabulary);
  const firstCharacter = 2; // ids 0 and 1 are <pad> and <end>
  return Array.from({ length: rows }, (_, row) => {
    logSoftmax(logits.subarray(row * vocabulary, (row + 1) * vocabulary), logProbs);
    const ids = Array.from({ length: vocabulary - firstCharacter }, (_, i) => i + firstCharacter);
    ids.sort((a, b) => logProbs[b] - logProbs[a] || a - b);
    return ids.slice(0, k).map((id) => ({
      token: model.tokenizer.decode([id]),
      logprob: logProbs[id],
    }));
  });
}

/** The OpenAI-compatible request handler for `options.model`. */
export function openAiCompatibleHandler(options: OpenAiServerOptions): RequestListener {
  const { model, modelName } = options;
  const unknownCharacters = options.unknownCharacters ?? 'error';
  const truncate = options.truncate ?? 'error';
  const bodyLimit = options.bodyLimitBytes ?? 1 << 20;
  const created = Math.floor(Date.now() / 1000);
  const alphabet = new Set(Array.from(model.tokenizer.alphabet));
  const context = model.config.contextLength;

  /** The prompt's token ids after the leading end token, checked against alphabet and context. */
  const promptTokens = (messages: ChatMessage[], room: number): number[] => {
    let text = renderMessages(messages);
    const characters = Array.from(text);
    const unknown = characters.findIndex((character) => !alphabet.has(character));
    if (unknown >= 0) {
      if (unknownCharacters === 'error') {
        throw new ApiError(
          400,
          `character ${JSON.stringify(characters[unknown])} is not in the model's alphabet ${JSON.stringify(model.tokenizer.alphabet)}; start the server with --unknown-characters drop to drop such characters`,
          { param: 'messages', code: 'unknown_character' },
        );
      }
      text = characters.filter((character) => alphabet.has(character)).join('');
    }
    let tokens = model.tokenizer.encode(text);
    // One position goes to the leading end token; keep `room` for the reply where we may cut.
    const fits = context - 1;
    if (tokens.length > fits) {
      if (truncate === 'error') {
        throw new ApiError(
          400,
          `the prompt has ${tokens.length} tokens, more than the model's context of ${context} allows (${fits}); start the server with --truncate left to cut prompts from the left`,
          { param: 'messages', code: 'context_length_exceeded' },
        );
      }
    }
    if (truncate === 'left') tokens = tokens.slice(Math.max(0, tokens.length - (fits - room)));
    return tokens;
  };

  const complete = (body: ChatBody): { choices: Choice[]; promptTokens: number } => {
    if (body.model !== modelName) {
      throw new ApiError(
        404,
        `The model \`${body.model}\` does not exist; this server serves \`${modelName}\`.`,
        {
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      );
    }
    const messages: ChatMessage[] = body.messages.map((message) => ({
      role: message.role === 'developer' ? 'system' : message.role,
      content: textOf(message.content),
    }));
    const limit = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    // Where the prompt is cut, leave room for the reply (up to half the context).
    const room = Math.min(limit ?? Math.floor(context / 4), Math.floor(context / 2));
    const prompt = promptTokens(messages, room);
    const stops =
      body.stop == null
        ? []
        : (typeof body.stop === 'string' ? [body.stop] : body.stop).filter((stop) => stop !== '');
    const topK = body.logprobs === true ? (body.top_logprobs ?? 0) : 0;
    const results = model.sample([model.tokenizer.decode(prompt)], {
      n: body.n ?? 1,
      temperature: body.temperature ?? 1,
      ...(body.top_p == null ? {} : { topP: body.top_p }),
      seed: body.seed ?? randomInt(2 ** 31),
      // The end token counts towards Gpt.sample's limit but not the client's.
      ...(limit === undefined ? {} : { maxTokens: limit + 1 }),
    });
    const choices = results.map((result): Choice => {
      const characters = Array.from(result.text);
      let kept = characters.length;
      let finishReason: Choice['finishReason'] = result.finishReason === 'end' ? 'stop' : 'length';
      if (limit !== undefined && kept > limit) {
        kept = limit;
        finishReason = 'length';
      }
      let text = characters.slice(0, kept).join('');
      const cut = Math.min(
        ...stops.map((stop) => text.indexOf(stop)).filter((index) => index >= 0),
      );
      if (Number.isFinite(cut)) {
        text = text.slice(0, cut);
        kept = Array.from(text).length;
        finishReason = 'stop';
      }
      let logprobs: LogProbEntry[] | null = null;
      if (body.logprobs === true) {
        const replyTokens = result.tokens.slice(0, kept);
        const tops = alternatives(model, [model.tokenizer.endId, ...prompt], replyTokens, topK);
        logprobs = replyTokens.map((_, index) => {
          const token = characters[index];
          return {
            token,
            logprob: result.modelLogProbs[index],
            bytes: bytesOf(token),
            top_logprobs: tops[index].map((top) => ({ ...top, bytes: bytesOf(top.token) })),
          };
        });
      }
      return { text, finishReason, generated: result.tokens.length, logprobs };
    });
    return { choices, promptTokens: prompt.length + 1 };
  };

  const usageOf = (choices: Choice[], promptCount: number) => {
    const completion = choices.reduce((sum, choice) => sum + choice.generated, 0);
    return {
      prompt_tokens: promptCount,
      completion_tokens: completion,
      total_tokens: promptCount + completion,
    };
  };

  const respond = (response: ServerResponse, body: ChatBody): void => {
    const { choices, promptTokens: promptCount } = complete(body);
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    const now = Math.floor(Date.now() / 1000);
    const usage = usageOf(choices, promptCount);
    if (body.stream !== true) {
      sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created: now,
        model: modelName,
        system_fingerprint: null,
        choices: choices.map((choice, index) => ({
          index,
          message: { role: 'assistant', content: choice.text, refusal: null },
          logprobs: choice.logprobs === null ? null : { content: choice.logprobs, refusal: null },
          finish_reason: choice.finishReason,
        })),
        usage,
      });
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (choicesPart: unknown[], extra: Record<string, unknown> = {}): void => {
      const chunk = {
        id,
        object: 'chat.completion.chunk',
        created: now,
        model: modelName,
        system_fingerprint: null,
        choices: choicesPart,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      };
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    };
    choices.forEach((choice, index) => {
      send([
        { index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      ]);
      Array.from(choice.text).forEach((character, position) => {
        send([
          {
            index,
            delta: { content: character },
            logprobs:
              choice.logprobs === null
                ? null
                : { content: [choice.logprobs[position]], refusal: null },
            finish_reason: null,
          },
        ]);
      });
      send([{ index, delta: {}, logprobs: null, finish_reason: choice.finishReason }]);
    });
    if (includeUsage) send([], { usage });
    response.end('data: [DONE]\n\n');
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (path === '/v1/models' || path === '/models') {
      if (request.method !== 'GET') throw new ApiError(405, `use GET for ${path}`);
      sendJson(response, 200, {
        object: 'list',
        data: [{ id: modelName, object: 'model', created, owned_by: 'overseer' }],
      });
      return;
    }
    if (path === `/v1/models/${encodeURIComponent(modelName)}`) {
      sendJson(response, 200, { id: modelName, object: 'model', created, owned_by: 'overseer' });
      return;
    }
    if (path === '/v1/chat/completions' || path === '/chat/completions') {
      if (request.method !== 'POST') throw new ApiError(405, `use POST for ${path}`);
      respond(response, parseBody(await readJsonBody(request, bodyLimit)));
      return;
    }
    throw new ApiError(
      404,
      `no route ${request.method ?? 'GET'} ${path}; this server answers GET /v1/models and POST /v1/chat/completions`,
      {
        code: 'unknown_url',
      },
    );
  };

  return (request, response) => {
    const started = performance.now();
    route(request, response)
      .catch((error: unknown) => sendError(response, error))
      .finally(() =>
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          status: response.statusCode,
          ms: performance.now() - started,
        }),
      );
  };
}
