/**
 * The backends whose registrations live in their own files — `openai:`, `anthropic:` and
 * `gguf:` — which policies/registry.ts registers by name with the built-in providers.
 */

/** The providers registered from their own files, for tests and help text. */
export const REGISTERED_BACKENDS = ['openai', 'anthropic', 'gguf'] as const;
