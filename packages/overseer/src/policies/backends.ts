/**
 * Importing this module registers the backends that live outside registry.ts — `openai:`,
 * `anthropic:` and `gguf:` — with the policy registry. registry.ts cannot import them itself
 * (they import it to register), so the entry points that build policies by name (the CLI verbs,
 * the model overseers, the library index) import this once.
 */
import './openai.ts';
import './anthropic.ts';
import './gguf.ts';

/** The providers this module registers, for tests and help text. */
export const REGISTERED_BACKENDS = ['openai', 'anthropic', 'gguf'] as const;
