/**
 * Chat-shaped requests on top of the plain `Policy` interface. A `ChatRequest` is still a
 * `GenerationRequest` — its `prompt` is the plain-text rendering of its messages — so text
 * backends (the embedded GPT, scripted test models) answer it unchanged, while chat backends
 * (`openai:`, `anthropic:`) send the messages themselves. The same overseer code therefore runs
 * against every backend ("swap the agent, never the recipe").
 */
import type { Generation, GenerationRequest, JsonObject } from '../spec/index.ts';

/** Who speaks a chat message (`tool`: a tool's result, answering an assistant's call). */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A tool call as a model wrote it: `arguments` is its JSON text, unparsed (it may be malformed). */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One chat message. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** An assistant message's tool calls. */
  toolCalls?: ChatToolCall[];
  /** A `tool` message: the call it answers. */
  toolCallId?: string;
  /** A `tool` message: the call failed and `content` says why. */
  isError?: boolean;
}

/** A tool a chat backend offers the model through native function calling. */
export interface ChatTool {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: JsonObject;
}

/** A JSON schema the reply must follow, for backends that can enforce one. */
export interface ResponseFormat {
  /** A short name for the schema (OpenAI requires one). */
  name: string;
  /** The JSON schema (e.g. from `z.toJSONSchema`). */
  schema: JsonObject;
}

/** A generation request with chat messages and the knobs chat backends understand. */
export interface ChatRequest extends GenerationRequest {
  /** The conversation; `prompt` must be `renderMessages(messages)` (use `chatRequest`). */
  messages?: ChatMessage[];
  /** Stop sequences: the reply ends before the first of them. */
  stop?: string[];
  /** Ask for this many alternatives (0–20) with log-probs at every reply token, where supported. */
  topLogProbs?: number;
  /** Ask the backend to enforce a JSON schema, where supported (else only the prompt asks). */
  responseFormat?: ResponseFormat;
  /** Tools the model may call (native function calling; text backends ignore them). */
  tools?: ChatTool[];
}

/** One alternative token at a position of the reply. */
export interface TokenAlternative {
  token: string;
  logProb: number;
}

/** A generation with what chat backends report beyond the plain `Generation`. */
export interface ChatGeneration extends Generation {
  /** The reply's tokens as text, where the backend reports them (aligned with tokenLogProbs). */
  tokens?: string[];
  /** The most likely alternatives at each reply token, when `topLogProbs` was asked for. */
  topLogProbs?: TokenAlternative[][];
  /** True when the reply came from the on-disk response cache, not the backend. */
  cached?: boolean;
  /** Attempts the call took (1 without retries). */
  attempts?: number;
  /** The tool calls of the reply, where the request offered tools. */
  toolCalls?: ChatToolCall[];
}

/** The plain-text rendering of a conversation that text backends complete. */
export function renderMessages(messages: readonly ChatMessage[]): string {
  return messages
    .map((message) =>
      [
        message.content,
        ...(message.toolCalls ?? []).map((call) => `${call.name}(${call.arguments})`),
      ]
        .filter((part) => part !== '')
        .join('\n'),
    )
    .join('\n\n');
}

/** A chat request whose `prompt` renders its messages. */
export function chatRequest(
  messages: readonly ChatMessage[],
  extras: Omit<ChatRequest, 'prompt' | 'messages'> = {},
): ChatRequest {
  return { ...extras, messages: [...messages], prompt: renderMessages(messages) };
}

/** The conversation a chat backend sends: the request's messages, or its prompt as one user turn. */
export function messagesOf(request: GenerationRequest): ChatMessage[] {
  const messages = (request as ChatRequest).messages;
  return messages !== undefined && messages.length > 0
    ? messages
    : [{ role: 'user', content: request.prompt }];
}

/** The chat fields of a request (absent on plain generation requests). */
export function chatFieldsOf(
  request: GenerationRequest,
): Omit<ChatRequest, keyof GenerationRequest> {
  const chat = request as ChatRequest;
  return {
    ...(chat.messages === undefined ? {} : { messages: chat.messages }),
    ...(chat.stop === undefined ? {} : { stop: chat.stop }),
    ...(chat.topLogProbs === undefined ? {} : { topLogProbs: chat.topLogProbs }),
    ...(chat.responseFormat === undefined ? {} : { responseFormat: chat.responseFormat }),
    ...(chat.tools === undefined ? {} : { tools: chat.tools }),
  };
}
