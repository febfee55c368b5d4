/**
 * What a policy is asked and what it answers. The embedded GPT, an LLM over HTTP, a scripted test
 * model and the reference policies (`oracle`, `uniform`) are all `Policy`s, so every scaffold and
 * overseer works with any of them ("swap the agent, never the recipe") and depends on this
 * vocabulary, not on policies/, which pulls in the backends' SDKs.
 */
import { z } from 'zod';
import type { RegistryReference } from './configuration.ts';
import { Cost } from './cost.ts';

/** How a policy is asked to answer: the answer at once, or reasoning lines then the answer. */
export const AnswerFormat = z.enum(['snap', 'chain-of-thought']);
/** How a policy is asked to answer. */
export type AnswerFormat = z.infer<typeof AnswerFormat>;

/**
 * Which task question a prompt asks, in which format. Scaffolds attach it to every request so the
 * reference policies (`oracle`, `uniform`) can answer without parsing prompts; a model ignores it.
 */
export const TaskHint = z.strictObject({
  /** Registry name of the task family. */
  family: z.string().min(1),
  /** The bare question (for an environment: the observation). */
  question: z.string(),
  format: AnswerFormat,
});
/** Which task question a prompt asks, in which format. */
export type TaskHint = z.infer<typeof TaskHint>;

/** One prompt to complete. */
export const GenerationRequest = z.strictObject({
  prompt: z.string(),
  /** Most tokens (characters, for the embedded model) of the completion; the backend's default when absent. */
  maxTokens: z.number().int().positive().optional(),
  /**
   * Seed of this request's randomness, so a sampled answer does not depend on which other
   * requests shared its batch. Absent: the policy's own seed.
   */
  seed: z.number().int().optional(),
  /** The task question behind the prompt, for reference policies. */
  task: TaskHint.optional(),
});
/** One prompt to complete. */
export type GenerationRequest = z.infer<typeof GenerationRequest>;

/** Why a completion stopped. */
export const GenerationFinish = z.enum(['end', 'max-tokens', 'context', 'scripted']);
/** Why a completion stopped. */
export type GenerationFinish = z.infer<typeof GenerationFinish>;

/** One completion. */
export const Generation = z.strictObject({
  text: z.string(),
  /** log p of each completion token under the policy, where the backend reports it. */
  tokenLogProbs: z.array(z.number()).optional(),
  /** Σ tokenLogProbs, or the log-probability of the whole completion where only that is known. */
  logProb: z.number().optional(),
  finishReason: GenerationFinish,
  /** What this one completion cost (one call; tokens where the backend counts them). */
  cost: Cost,
});
/** One completion. */
export type Generation = z.infer<typeof Generation>;

/** A text generator with an identity that runs record and can replay. */
export interface Policy {
  /** `{ name, options }`: `name` is the registry's `provider:model`, `options` the factory's. */
  readonly reference: RegistryReference;
  /** Completes every prompt, in order: one Generation per request. */
  generate(requests: readonly GenerationRequest[]): Promise<Generation[]>;
}
