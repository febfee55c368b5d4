/**
 * `openai:<model>`: any OpenAI-compatible chat-completions server (OpenAI, vLLM, llama.cpp's
 * server, Ollama, `overseer serve`) through the official `openai` SDK. The base URL and key come
 * from the options, then the environment (`OPENAI_BASE_URL`, the key's variable); a loopback
 * server needs no key. The SDK's own retries are off: http-policy.ts retries, caches and counts.
 */
import { z } from 'zod';
import type { GenerationFinish, JsonObject } from '../spec/index.ts';
import type { ChatMessage, ChatRequest, TokenAlternative } from './chat.ts';
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

/** The default endpoint when neither the options nor OPENAI_BASE_URL name one. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Options of `openai:<model>`. */
export const OpenAiOptions = z.strictObject({
  /** Server root including `/v1`; else OPENAI_BASE_URL, else api.openai.com. */
  baseURL: z.url().optional(),
  /** The key itself (never recorded in runs); prefer `apiKeyVariable`. */
  apiKey: z.string().min(1).optional(),
  /** Environment variable holding the key. */
  apiKeyVariable: z.string().min(1).default('OPENAI_API_KEY'),
  /** A system message put before every conversation. */
  system: z.string().optional(),
  temperature: z.number().min(0).max(2).default(0),
  topP: z.number().gt(0).max(1).optional(),
  /** Most reply tokens when a request does not say. */
  maxTokens: z.number().int().positive().default(256),
  /** `max_tokens` (most servers) or `max_completion_tokens` (OpenAI's reasoning models). */
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
  /** Seed sent when a request carries none (servers treat it as best effort). */
  seed: z.number().int().default(0),
  /** Stop sequences when a request gives none (at most 4). */
  stop: z.array(z.string().min(1)).max(4).optional(),
  /** Ask for the reply tokens' log-probs on every call. */
  logProbs: z.boolean().default(false),
  /** `prompt`: the schema is only described in the prompt; `json-schema`: also sent as response_format. */
  structuredOutput: z.enum(['prompt', 'json-schema']).default('prompt'),
  ...httpCallOptionsShape,
});
/** Options of `openai:<model>`, as given. */
export type OpenAiOptions = z.input<typeof OpenAiOptions>;

const Alternative = z.object({ token: z.string(), logprob: z.number() });
const Completion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.object({
                id: z.string(),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullable()
            .optional(),
        }),
        finish_reason: z.string().nullable().optional(),
        logprobs: z
          .object({
            content: z
              .array(Alternative.extend({ top_logprobs: z.array(Alternative).optional() }))
              .nullable()
              .optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number() })
    .nullable()
    .optional(),
});

/** Maps OpenAI's finish reasons onto ours. */
export function finishFromOpenAi(reason: string | null | undefined): GenerationFinish {
  return reason === 'length' ? 'max-tokens' : 'end';
}

/** Decodes a chat-completion body (already JSON) into a reply; a wrong shape is malformed. */
export function decodeChatCompletion(json: unknown): BackendReply {
  const parsed = Completion.safeParse(json);
  if (!parsed.success) {
    throw new MalformedReplyError(
      `the reply is not a chat completion (${parsed.error.issues[0]?.message ?? 'bad shape'})`,
    );
  }
  const [choice] = parsed.data.choices;
  const reply: BackendReply = {
    text: choice.message.content ?? '',
    finishReason: finishFromOpenAi(choice.finish_reason),
    inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
    outputTokens: parsed.data.usage?.completion_tokens ?? 0,
  };
  const calls = choice.message.tool_calls ?? [];
  if (calls.length > 0) {
    reply.toolCalls = calls.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    }));
  }
  const content = choice.logprobs?.content;
  if (content != null) {
    reply.tokens = content.map((entry) => entry.token);
    reply.tokenLogProbs = content.map((entry) => entry.logprob);
    if (
      content.some((entry) => entry.top_logprobs !== undefined && entry.top_logprobs.length > 0)
    ) {
      reply.topLogProbs = content.map((entry): TokenAlternative[] =>
        (entry.top_logprobs ?? []).map((top) => ({ token: top.token, logProb: top.logprob })),
      );
    }
  }
  return reply;
}

/** A message in the chat-completions shape: tool calls as `tool_calls`, results as `tool` turns. */
export function openAiMessage(message: ChatMessage): JsonObject {
  if (message.role === 'tool') {
    return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
  }
  if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
    return {
      role: message.role,
      content: message.content === '' ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  }
  return { role: message.role, content: message.content };
}

/** Builds the `openai:<model>` policy. */
export async function openAiPolicy(
  model: string,
  given: OpenAiOptions = {},
  hooks: HttpHooks = {},
): Promise<HttpPolicy> {
  const options = parsePolicyOptions(`openai:${model}`, OpenAiOptions, given);
  const baseURL = options.baseURL ?? process.env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
  const label = `openai:${model}`;
  const apiKey = resolveSecret(
    options.apiKey,
    options.apiKeyVariable,
    isLoopbackUrl(baseURL) ? 'unused-local-key' : undefined,
    label,
  );
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: options.timeoutMs });

  const backend: HttpBackend = {
    label,
    endpoint: baseURL,
    body(request: ChatRequest): JsonObject {
      const messages = [
        ...(options.system === undefined ? [] : [{ role: 'system', content: options.system }]),
        ...messagesOf(request).map(openAiMessage),
      ];
      const stop = request.stop ?? options.stop;
      const topLogProbs = request.topLogProbs;
      const body: JsonObject = {
        model,
        messages,
        temperature: options.temperature,
        [options.maxTokensField]: request.maxTokens ?? options.maxTokens,
        seed: request.seed ?? options.seed,
      };
      if (options.topP !== undefined) body.top_p = options.topP;
      if (stop !== undefined && stop.length > 0) body.stop = stop;
      if (options.logProbs || (topLogProbs !== undefined && topLogProbs > 0)) body.logprobs = true;
      if (topLogProbs !== undefined && topLogProbs > 0) body.top_logprobs = topLogProbs;
      if (request.tools !== undefined && request.tools.length > 0) {
        body.tools = request.tools.map((tool) => ({
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters: tool.parameters },
        }));
      }
      if (options.structuredOutput === 'json-schema' && request.responseFormat !== undefined) {
        body.response_format = {
          type: 'json_schema',
          json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema },
        };
      }
      return body;
    },
    async send(body, { timeoutMs }) {
      // `create` is typed per literal body; the body was built above from the same fields.
      const completion: unknown = await client.chat.completions.create(body as never, {
        timeout: timeoutMs,
        maxRetries: 0,
      });
      return decodeChatCompletion(completion);
    },
    classify(error: unknown): CallFailure {
      return classifySdkError(error, OpenAI, options.timeoutMs);
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

/** The `openai:` provider's registration in the policy registry. */
export const openAiProvider: PolicyRegistration<typeof OpenAiOptions> = {
  describe:
    '`openai:<model>` (any OpenAI-compatible server; options baseURL, apiKeyVariable, system, temperature, maxTokens, seed, timeoutMs, maxRetries, concurrency, cache, prices …)',
  needsModel: true,
  schema: OpenAiOptions,
  create: (options, { model }) => openAiPolicy(model, options),
};
