/**
 * `anthropic:<model>`: Anthropic's Messages API through the official `@anthropic-ai/sdk`. System
 * messages go into the `system` field; the API reports no log-probs, so overseers that want them
 * fall back to sampling. The SDK's own retries are off: http-policy.ts retries, caches and counts.
 */
import { z } from 'zod';
import type { JsonObject } from '../spec/index.ts';
import type { ChatMessage, ChatRequest } from './chat.ts';
import { messagesOf } from './chat.ts';
import {
  classifySdkError,
  httpCallOptionsShape,
  httpPolicy,
  isLoopbackUrl,
  MalformedReplyError,
  recordedOptions,
  resolveSecret,
} from './http-policy.ts';
import type { BackendReply, HttpBackend, HttpHooks, HttpPolicy } from './http-policy.ts';
import { parsePolicyOptions } from './policy-options.ts';
import type { PolicyRegistration } from './registry.ts';
import type { CallFailure } from './retry.ts';

/** The default endpoint when neither the options nor ANTHROPIC_BASE_URL name one. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Options of `anthropic:<model>`. */
export const AnthropicOptions = z.strictObject({
  /** Server root (without `/v1`); else ANTHROPIC_BASE_URL, else api.anthropic.com. */
  baseURL: z.url().optional(),
  /** The key itself (never recorded in runs); prefer `apiKeyVariable`. */
  apiKey: z.string().min(1).optional(),
  /** Environment variable holding the key. */
  apiKeyVariable: z.string().min(1).default('ANTHROPIC_API_KEY'),
  /** A system prompt put before every conversation. */
  system: z.string().optional(),
  temperature: z.number().min(0).max(1).default(0),
  topP: z.number().gt(0).max(1).optional(),
  /** Most reply tokens when a request does not say (the API requires a limit). */
  maxTokens: z.number().int().positive().default(256),
  /** Stop sequences when a request gives none. */
  stop: z.array(z.string().min(1)).optional(),
  ...httpCallOptionsShape,
});
/** Options of `anthropic:<model>`, as given. */
export type AnthropicOptions = z.input<typeof AnthropicOptions>;

const Message = z.object({
  content: z.array(
    z.object({
      type: z.string(),
      text: z.string().optional(),
      id: z.string().optional(),
      name: z.string().optional(),
      input: z.unknown().optional(),
    }),
  ),
  stop_reason: z.string().nullable().optional(),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).optional(),
});

/** Decodes a Messages API reply; a wrong shape is malformed (and retried). */
export function decodeMessage(json: unknown): BackendReply {
  const parsed = Message.safeParse(json);
  if (!parsed.success) {
    throw new MalformedReplyError(
      `the reply is not a message (${parsed.error.issues[0]?.message ?? 'bad shape'})`,
    );
  }
  const message = parsed.data;
  const toolCalls = message.content
    .filter((block) => block.type === 'tool_use')
    .map((block) => ({
      id: block.id ?? '',
      name: block.name ?? '',
      arguments: JSON.stringify(block.input ?? {}),
    }));
  return {
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    text: message.content
      .filter((block) => block.type === 'text')
      .map((block) => block.text ?? '')
      .join(''),
    finishReason: message.stop_reason === 'max_tokens' ? 'max-tokens' : 'end',
    inputTokens: message.usage?.input_tokens ?? 0,
    outputTokens: message.usage?.output_tokens ?? 0,
  };
}

/** One content block of a turn: text, a tool call, or a tool's result. */
type Block = JsonObject & { type: string };

/** A message's blocks: its text, then its tool calls (`tool_use`), or a `tool_result`. */
function blocksOf(message: ChatMessage): Block[] {
  if (message.role === 'tool') {
    return [
      {
        type: 'tool_result',
        tool_use_id: message.toolCallId ?? '',
        content: message.content,
        ...(message.isError === true ? { is_error: true } : {}),
      },
    ];
  }
  const text: Block[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
  return [
    ...text,
    ...(message.toolCalls ?? []).map((call): Block => ({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: toolInput(call.arguments),
    })),
  ];
}

/** A call's arguments as the object `tool_use.input` must be (malformed text is kept under `raw`). */
function toolInput(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as JsonObject;
  } catch {
    // Kept below.
  }
  return { raw: text };
}

/**
 * Splits system messages out and merges neighbouring turns of one role (the API alternates); tool
 * results travel in a user turn. A turn of text only stays one string, as it always was sent.
 */
function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string[];
  turns: Array<{ role: 'user' | 'assistant'; content: string | Block[] }>;
} {
  const system: string[] = [];
  const merged: Array<{ role: 'user' | 'assistant'; blocks: Block[] }> = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const last = merged.at(-1);
    if (last !== undefined && last.role === role) last.blocks.push(...blocksOf(message));
    else merged.push({ role, blocks: blocksOf(message) });
  }
  // The conversation must open with the user.
  if (merged[0]?.role !== 'user')
    merged.unshift({ role: 'user', blocks: [{ type: 'text', text: '(begin)' }] });
  const turns = merged.map(({ role, blocks }) => ({
    role,
    content: blocks.every((block) => block.type === 'text')
      ? blocks.map((block) => String(block.text)).join('\n\n')
      : blocks,
  }));
  return { system, turns };
}

/** Builds the `anthropic:<model>` policy. */
export async function anthropicPolicy(
  model: string,
  given: AnthropicOptions = {},
  hooks: HttpHooks = {},
): Promise<HttpPolicy> {
  const label = `anthropic:${model}`;
  const options = parsePolicyOptions(label, AnthropicOptions, given);
  const baseURL = options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? ANTHROPIC_DEFAULT_BASE_URL;
  const apiKey = resolveSecret(
    options.apiKey,
    options.apiKeyVariable,
    isLoopbackUrl(baseURL) ? 'unused-local-key' : undefined,
    label,
  );
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const client = new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout: options.timeoutMs });

  const backend: HttpBackend = {
    label,
    endpoint: baseURL,
    body(request: ChatRequest): JsonObject {
      const { system, turns } = toAnthropicMessages(messagesOf(request));
      const systemText = [...(options.system === undefined ? [] : [options.system]), ...system];
      const stop = request.stop ?? options.stop;
      const body: JsonObject = {
        model,
        max_tokens: request.maxTokens ?? options.maxTokens,
        messages: turns,
        temperature: options.temperature,
      };
      if (systemText.length > 0) body.system = systemText.join('\n\n');
      if (options.topP !== undefined) body.top_p = options.topP;
      if (stop !== undefined && stop.length > 0) body.stop_sequences = stop;
      if (request.tools !== undefined && request.tools.length > 0) {
        body.tools = request.tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          input_schema: tool.parameters,
        }));
      }
      return body;
    },
    async send(body, { timeoutMs }) {
      // `create` is typed per literal body; the body was built above from the same fields.
      const message: unknown = await client.messages.create(body as never, {
        timeout: timeoutMs,
        maxRetries: 0,
      });
      return decodeMessage(message);
    },
    classify(error: unknown): CallFailure {
      return classifySdkError(error, Anthropic, options.timeoutMs);
    },
  };

  const { apiKey: _secret, ...recorded } = options;
  return httpPolicy(
    backend,
    { name: label, options: recordedOptions({ ...recorded, baseURL }) },
    options,
    hooks,
  );
}

/** The `anthropic:` provider's registration in the policy registry. */
export const anthropicProvider: PolicyRegistration<typeof AnthropicOptions> = {
  describe:
    '`anthropic:<model>` (Anthropic’s Messages API; options baseURL, apiKeyVariable, system, temperature, maxTokens, timeoutMs, maxRetries, concurrency, cache, prices …)',
  needsModel: true,
  schema: AnthropicOptions,
  create: (options, { model }) => anthropicPolicy(model, options),
};
