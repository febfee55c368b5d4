/**
 * Structured output from any policy: the prompt shows the JSON schema (chat backends may also
 * enforce it), the reply is parsed and validated with zod, and a malformed reply is re-asked with
 * the validation error until `maxAttempts` run out. Every attempt is kept, so a caller can record
 * exactly what the model said; running out of attempts is a result (`ok: false`), not an
 * exception, because a small model that cannot produce JSON is an expected outcome to degrade
 * from, while a backend that cannot be reached still throws.
 */
import { z } from 'zod';
import { deriveSeed } from '../util/random.ts';
import type { Cost, JsonObject, Policy } from '../spec/index.ts';
import type { ChatMessage } from './chat.ts';
import { chatRequest } from './chat.ts';

/** One attempt at a structured reply. */
export interface StructuredAttempt {
  /** What the policy wrote. */
  text: string;
  /** Why it was rejected; absent for the accepted attempt. */
  error?: string;
  cost: Cost;
}

/** A validated value, or the reason none came, with every attempt. */
export type StructuredResult<T> =
  | { ok: true; value: T; attempts: StructuredAttempt[] }
  | { ok: false; error: string; attempts: StructuredAttempt[] };

/** Options of `generateStructured`. */
export interface StructuredOptions {
  /** Schema name sent to backends that enforce schemas. */
  name: string;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** Most tokens per attempt. */
  maxTokens?: number;
  /** Seed of the first attempt; later attempts derive theirs from it. */
  seed?: number;
}

/** The JSON inside a reply: the body of a ```json fence, else the outermost {…} or […]. */
export function extractJson(text: string): string | undefined {
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fence !== null) return fence[1].trim();
  const starts = [text.indexOf('{'), text.indexOf('[')].filter((index) => index >= 0);
  if (starts.length === 0) return undefined;
  const start = Math.min(...starts);
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  return end > start ? text.slice(start, end + 1) : text.slice(start);
}

/** Parses and validates one reply; a string error says what is wrong, for the re-ask. */
export function parseStructured<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; error: string } {
  const json = extractJson(text);
  if (json === undefined) return { ok: false, error: 'the reply contains no JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, error: `the JSON does not parse (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, error: `the JSON does not match the schema (${problems})` };
}

/**
 * Asks `policy` for a value of `schema` after `messages` (the last should be the user's
 * instruction), re-asking with the error after each malformed reply.
 */
export async function generateStructured<T>(
  policy: Policy,
  messages: readonly ChatMessage[],
  schema: z.ZodType<T>,
  options: StructuredOptions,
): Promise<StructuredResult<T>> {
  const maxAttempts = options.maxAttempts ?? 3;
  const jsonSchema = z.toJSONSchema(schema) as JsonObject;
  const instruction = `Reply with only a JSON object that matches this JSON schema:\n${JSON.stringify(jsonSchema)}`;
  const conversation: ChatMessage[] = [...messages];
  const last = conversation.at(-1);
  if (last !== undefined && last.role === 'user') {
    conversation[conversation.length - 1] = {
      role: 'user',
      content: `${last.content}\n\n${instruction}`,
    };
  } else {
    conversation.push({ role: 'user', content: instruction });
  }
  const attempts: StructuredAttempt[] = [];
  let error = 'no attempt was made';
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const [generation] = await policy.generate([
      chatRequest(conversation, {
        responseFormat: { name: options.name, schema: jsonSchema },
        seed: deriveSeed(options.seed ?? 0, 'structured', attempt),
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      }),
    ]);
    const parsed = parseStructured(generation.text, schema);
    if (parsed.ok) {
      attempts.push({ text: generation.text, cost: generation.cost });
      return { ok: true, value: parsed.value, attempts };
    }
    error = parsed.error;
    attempts.push({ text: generation.text, error, cost: generation.cost });
    conversation.push(
      { role: 'assistant', content: generation.text },
      {
        role: 'user',
        content: `That reply was not valid: ${error}. Reply again with only the JSON object.`,
      },
    );
  }
  return { ok: false, error: `${error} (after ${maxAttempts} attempts)`, attempts };
}
