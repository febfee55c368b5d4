/**
 * A policy writes text after prompts. The embedded GPT, an LLM over HTTP, a scripted test model and
 * the reference policies (`oracle`, `uniform`) are all `Policy`s, so every scaffold and overseer
 * works with any of them ("swap the agent, never the recipe").
 */
import type { Cost, RegistryReference } from '../spec/index.ts';
import type { AnswerFormat } from '../tasks/family.ts';

/**
 * Which task question a prompt asks, in which format. Scaffolds attach it to every request so the
 * reference policies (`oracle`, `uniform`) can answer without parsing prompts; a model ignores it.
 */
export interface TaskHint {
  /** Registry name of the task family. */
  family: string;
  /** The bare question (for an environment: the observation). */
  question: string;
  format: AnswerFormat;
}

/** One prompt to complete. */
export interface GenerationRequest {
  prompt: string;
  /** Most tokens (characters, for the embedded model) of the completion; the backend's default when absent. */
  maxTokens?: number;
  /**
   * Seed of this request's randomness, so a sampled answer does not depend on which other
   * requests shared its batch. Absent: the policy's own seed.
   */
  seed?: number;
  /** The task question behind the prompt, for reference policies. */
  task?: TaskHint;
}

/** Why a completion stopped. */
export type GenerationFinish = 'end' | 'max-tokens' | 'context' | 'scripted';

/** One completion. */
export interface Generation {
  text: string;
  /** log p of each completion token under the policy, where the backend reports it. */
  tokenLogProbs?: number[];
  /** Σ tokenLogProbs, or the log-probability of the whole completion where only that is known. */
  logProb?: number;
  finishReason: GenerationFinish;
  /** What this one completion cost (one call; tokens where the backend counts them). */
  cost: Cost;
}

/** A text generator with an identity that runs record and can replay. */
export interface Policy {
  /** `{ name, options }`: `name` is the registry's `provider:model`, `options` the factory's. */
  readonly reference: RegistryReference;
  /** Completes every prompt, in order: one Generation per request. */
  generate(requests: readonly GenerationRequest[]): Promise<Generation[]>;
}

/** The cost of one call that reports no tokens. */
export function oneCall(inputTokens = 0, outputTokens = 0): Cost {
  return { calls: 1, inputTokens, outputTokens };
}
