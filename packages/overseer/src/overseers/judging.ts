/**
 * What the model overseers share: which policies they talk to (built lazily from registry
 * references, since building an HTTP or GGUF policy is asynchronous), how a proposed step is
 * described to a model, and how a judge's rating is read — the expected rating over the tokens
 * "1"…"5" where the backend gives log-probs, else the mean of sampled ratings, else (nothing
 * parseable) a neutral score whose rationale says why. Every prompt and reply becomes a Turn, so
 * a Judgment carries the whole conversation that produced it.
 */
import { deriveSeed } from '../util/random.ts';
import type { ChatGeneration, ChatMessage, TokenAlternative } from '../policies/chat.ts';
import { chatRequest } from '../policies/chat.ts';
import type { Cost, Policy, ProposedStep, Rating, RegistryReference, Turn } from '../spec/index.ts';
import { createPolicy } from '../policies/registry.ts';
import type { TaskFamily } from '../tasks/family.ts';

/** A policy an overseer talks to: given directly, or built from its reference on first use. */
export interface PolicySource {
  readonly reference: RegistryReference;
  get(): Promise<Policy>;
}

/** A policy, or a source of one. */
export type PolicyLike = Policy | PolicySource;

/** Wraps a policy (or passes a source through). */
export function policySource(policy: PolicyLike): PolicySource {
  if ('get' in policy) return policy;
  return { reference: policy.reference, get: async () => policy };
}

/** A source that builds `reference` through the policy registry once, on first use. */
export function policyFromReference(
  reference: RegistryReference,
  family?: TaskFamily,
): PolicySource {
  let built: Promise<Policy> | undefined;
  return {
    reference,
    get() {
      built ??= createPolicy(
        reference.name,
        reference.options,
        family === undefined ? {} : { family },
      );
      // A failed build is not cached: the next judgment tries again.
      built.catch(() => {
        built = undefined;
      });
      return built;
    },
  };
}

/** The default rubric: what a judge is asked to rate. */
export const DEFAULT_RUBRIC =
  'You are checking one proposed step of someone’s work, on paper: you will not see what happens after it. ' +
  'Rate how likely it is that the step is correct and moves the work forward, given the work so far, ' +
  'from 1 (certainly wrong) to 5 (certainly right); 3 means you cannot tell.';

/** The instruction that ends every rating request, so the rating is the reply's first token. */
export const RATING_INSTRUCTION =
  'Reply with the rating as a single digit from 1 to 5 first, then at most one sentence of reasons.';

/** A proposed step as a model reads it: the question, the work so far, the step. */
export function describeStep(step: ProposedStep): string {
  const lines = [`Task: ${step.family}`, `Question: ${step.question}`];
  if (step.previous.length === 0) {
    lines.push('Work so far: (none)');
  } else {
    lines.push('Work so far:');
    for (const prior of step.previous) {
      lines.push(
        prior.answer === undefined
          ? `- ${prior.kind}: ${prior.text}`
          : `- ${prior.kind}: ${prior.text} (answered: ${prior.answer})`,
      );
    }
  }
  if (step.observation !== undefined) lines.push(`Observation: ${step.observation}`);
  lines.push(`Proposed ${step.kind}: ${step.action}`);
  if (step.justification !== undefined) lines.push(`Justification given: ${step.justification}`);
  return lines.join('\n');
}

/** The 1…5 rating scale mapped onto a Judgment score in [-1, 1]. */
export function ratingToScore(rating: number): number {
  return (rating - 3) / 2;
}

/** A discrete PRM800K-style label for an expected rating. */
export function discreteRating(expected: number): Rating {
  return expected >= 3.5 ? 1 : expected <= 2.5 ? -1 : 0;
}

/** The first rating 1…5 in a reply (a digit standing alone, e.g. "4", "Rating: 4/5"). */
export function parseRating(text: string): number | undefined {
  const match = /(?<![0-9])([1-5])(?![0-9])/.exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** The expected rating over "1"…"5" at one position, and the probability mass they carry. */
export function expectedRating(
  alternatives: readonly TokenAlternative[],
): { expected: number; mass: number } | undefined {
  let mass = 0;
  let weighted = 0;
  const seen = new Set<number>();
  for (const { token, logProb } of alternatives) {
    const trimmed = token.trim();
    if (!/^[1-5]$/.test(trimmed)) continue;
    const rating = Number(trimmed);
    // Tokens " 4" and "4" may both appear: count each rating's likeliest spelling once.
    if (seen.has(rating)) continue;
    seen.add(rating);
    const probability = Math.exp(logProb);
    mass += probability;
    weighted += rating * probability;
  }
  return mass > 0 ? { expected: weighted / mass, mass } : undefined;
}

/** How a rating was read. */
export type RatingSource = 'log-probs' | 'samples' | 'unparseable';

/** A judge's verdict with how it was read. */
export interface RatingResult {
  score: number;
  rating: Rating;
  source: RatingSource;
  /** The expected rating 1…5 (absent when nothing could be parsed). */
  expected?: number;
  /** What explains the number, for the Judgment's rationale. */
  summary: string;
  turns: Turn[];
  costs: Cost[];
}

/** Options of `rate`. */
export interface RateOptions {
  /** Ask for log-probs and use the expected rating when the backend gives them. */
  logProbs: boolean;
  /** Samples to average when there are no log-probs. */
  samples: number;
  /** Most tokens of each rating reply. */
  maxTokens: number;
  seed: number;
  /** Speaker name in the transcript (default `judge`). */
  speaker?: string;
}

/**
 * Asks `judge` to rate after `messages` (which must end with the user's request for a rating).
 * Log-probs first; else the mean of `samples` parsed ratings; unparseable replies are recorded
 * and, when none parse, the score is neutral (0) with the reason in `summary`.
 */
export async function rate(
  judge: Policy,
  messages: readonly ChatMessage[],
  options: RateOptions,
): Promise<RatingResult> {
  const speaker = options.speaker ?? 'judge';
  const turns: Turn[] = [];
  const costs: Cost[] = [];
  const ask = async (sample: number): Promise<ChatGeneration> => {
    const [generation] = (await judge.generate([
      chatRequest(messages, {
        maxTokens: options.maxTokens,
        seed: deriveSeed(options.seed, 'rating', sample),
        ...(options.logProbs ? { topLogProbs: 20 } : {}),
      }),
    ])) as ChatGeneration[];
    costs.push(generation.cost);
    turns.push({ speaker, text: generation.text });
    return generation;
  };

  const first = await ask(0);
  if (options.logProbs && first.topLogProbs !== undefined && first.topLogProbs.length > 0) {
    // The rating's position: the first reply token that is itself a rating, else the first.
    const tokens = first.tokens ?? [];
    const position = Math.max(
      0,
      tokens.findIndex((token) => /^[1-5]$/.test(token.trim())),
    );
    const found = expectedRating(first.topLogProbs[position] ?? []);
    if (found !== undefined) {
      return {
        score: ratingToScore(found.expected),
        rating: discreteRating(found.expected),
        source: 'log-probs',
        expected: found.expected,
        summary: `expected rating ${found.expected.toFixed(3)} from log-probs at reply token ${position} (probability ${found.mass.toFixed(3)} on 1–5)`,
        turns,
        costs,
      };
    }
  }

  const replies = [first];
  for (let sample = 1; sample < options.samples; sample += 1) replies.push(await ask(sample));
  const ratings = replies
    .map((reply) => parseRating(reply.text))
    .filter((rating): rating is number => rating !== undefined);
  const unparsed = replies.length - ratings.length;
  if (ratings.length === 0) {
    return {
      score: 0,
      rating: 0,
      source: 'unparseable',
      summary: `no rating 1–5 could be read from ${replies.length} judge repl${replies.length === 1 ? 'y' : 'ies'} (first: ${JSON.stringify(first.text.slice(0, 80))}); neutral score 0`,
      turns,
      costs,
    };
  }
  const expected = ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length;
  return {
    score: ratingToScore(expected),
    rating: discreteRating(expected),
    source: 'samples',
    expected,
    summary: `mean rating ${expected.toFixed(3)} of ${ratings.length} sampled rating${ratings.length === 1 ? '' : 's'} [${ratings.join(', ')}]${unparsed > 0 ? `; ${unparsed} unparseable repl${unparsed === 1 ? 'y' : 'ies'} ignored` : ''}${options.logProbs ? '; the backend gave no usable log-probs' : ''}`,
    turns,
    costs,
  };
}

/** Asks `policy` for one free-text turn and records it. */
export async function speak(
  policy: Policy,
  messages: readonly ChatMessage[],
  options: { maxTokens: number; seed: number },
): Promise<{ text: string; cost: Cost }> {
  const [generation] = await policy.generate([
    chatRequest(messages, { maxTokens: options.maxTokens, seed: options.seed }),
  ]);
  return { text: generation.text.trim(), cost: generation.cost };
}
