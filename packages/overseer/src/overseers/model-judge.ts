/**
 * `model-judge`: a model reads the proposed step under a rubric and rates it 1…5. Where the
 * backend gives log-probs the score is the expected rating over the tokens "1"…"5", else the mean
 * of sampled ratings; mapped to [-1, 1]. A judge whose replies hold no rating yields a neutral
 * score and says so in the rationale, so a small model degrades visibly instead of crashing.
 * `naive` — the debate papers' judge-alone baseline — is this overseer under another name.
 */
import { deriveSeed } from '../model/random.ts';
import type { ChatMessage } from '../policies/chat.ts';
import type { Judgment, JudgmentMethod, ProposedStep, Turn } from '../spec/index.ts';
import type { Overseer } from './overseer.ts';
import { clampScore } from './overseer.ts';
import { stepKey } from './program.ts';
import {
  DEFAULT_RUBRIC,
  RATING_INSTRUCTION,
  describeStep,
  policySource,
  rate,
  totalCost,
} from './judging.ts';
import type { PolicyLike, RatingResult } from './judging.ts';

/** Options of the model judge. */
export interface ModelJudgeOptions {
  /** The judge model. */
  judge: PolicyLike;
  /** What the judge is asked to rate (default: DEFAULT_RUBRIC). */
  rubric?: string;
  /** Use log-probs where the backend gives them (default true). */
  logProbs?: boolean;
  /** Sampled ratings to average without log-probs (default 5). */
  samples?: number;
  /** Most tokens of each rating reply (default 32). */
  maxTokens?: number;
  /** Seed of the judge's sampling (default 0). */
  seed?: number;
}

/** The settings every model overseer records and rates with. */
export interface RatingSettings {
  rubric: string;
  logProbs: boolean;
  samples: number;
  maxTokens: number;
  seed: number;
}

/** Resolves the rating settings' defaults. */
export function ratingSettings(options: Partial<RatingSettings>): RatingSettings {
  return {
    rubric: options.rubric ?? DEFAULT_RUBRIC,
    logProbs: options.logProbs ?? true,
    samples: options.samples ?? 5,
    maxTokens: options.maxTokens ?? 32,
    seed: options.seed ?? 0,
  };
}

/** A per-step seed: the same step always gets the same draws, whatever order steps come in. */
export function stepSeed(seed: number, label: string, step: ProposedStep): number {
  return deriveSeed(seed, label, stepKey(step));
}

/** Packs a rating and the conversation into a Judgment. */
export function toJudgment(
  overseer: Overseer['reference'],
  method: JudgmentMethod,
  result: RatingResult,
  turns: Turn[],
  extraCosts: Parameters<typeof totalCost>[0],
  started: number,
  preface = '',
): Judgment {
  return {
    score: clampScore(result.score),
    rating: result.rating,
    rationale: `${preface}${result.summary}`,
    overseer,
    method,
    transcript: turns,
    durationMs: Math.max(0, performance.now() - started),
    cost: totalCost([...extraCosts, ...result.costs]),
  };
}

/** The rating request for a step: rubric, step, instruction. */
export function ratingMessages(rubric: string, body: string): ChatMessage[] {
  return [
    { role: 'system', content: rubric },
    { role: 'user', content: `${body}\n\n${RATING_INSTRUCTION}` },
  ];
}

/** The model judge (recorded under `name`, `model-judge` by default). */
export function modelJudge(options: ModelJudgeOptions, name = 'model-judge'): Overseer {
  const judge = policySource(options.judge);
  const settings = ratingSettings(options);
  const reference = { name, options: { judge: judge.reference, ...settings } };
  return {
    reference,
    async judge(step: ProposedStep): Promise<Judgment> {
      const started = performance.now();
      const policy = await judge.get();
      const messages = ratingMessages(settings.rubric, describeStep(step));
      const turns: Turn[] = messages.map((message) => ({
        speaker: message.role,
        text: message.content,
      }));
      const result = await rate(policy, messages, {
        ...settings,
        seed: stepSeed(settings.seed, name, step),
      });
      return toJudgment(reference, 'model', result, [...turns, ...result.turns], [], started);
    },
  };
}
