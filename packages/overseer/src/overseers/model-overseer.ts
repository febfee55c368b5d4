/**
 * What every model overseer shares, so each one says only how its judgment goes: the reference it
 * records (the judge, its own options, the rating settings), and for each step a `Hearing` — the
 * clock, the step's seed, the costs of every call, and the verdict: the judge's rating after a
 * request, packed into a Judgment whose transcript is the whole conversation.
 */
import { deriveSeed } from '../util/random.ts';
import type { ChatMessage } from '../policies/chat.ts';
import type {
  Cost,
  Judgment,
  JudgmentMethod,
  JsonObject,
  ProposedStep,
  Turn,
} from '../spec/index.ts';
import { addCosts, proposedStepKey } from '../spec/index.ts';
import type { Overseer } from './overseer.ts';
import { clampScore } from './overseer.ts';
import { DEFAULT_RUBRIC, RATING_INSTRUCTION, policySource, rate, speak } from './judging.ts';
import type { PolicyLike, PolicySource } from './judging.ts';

/** The settings every model overseer records and rates with. */
export interface RatingSettings {
  rubric: string;
  logProbs: boolean;
  samples: number;
  maxTokens: number;
  seed: number;
}

/** Options every model overseer takes: the judge and how it rates. */
export interface ModelOverseerOptions {
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

/** The rating request for a step: rubric, step, instruction. */
export function ratingMessages(rubric: string, body: string): ChatMessage[] {
  return [
    { role: 'system', content: rubric },
    { role: 'user', content: `${body}\n\n${RATING_INSTRUCTION}` },
  ];
}

/** Messages as transcript turns, each spoken by its role. */
export function turnsOf(messages: readonly ChatMessage[]): Turn[] {
  return messages.map((message) => ({ speaker: message.role, text: message.content }));
}

/** How the judge is asked for its rating at the end of a hearing. */
export interface VerdictRequest {
  method: JudgmentMethod;
  /** The conversation before the rating request, first in the transcript. */
  said: readonly Turn[];
  /** What the judge reads: the step and whatever it heard about it. */
  body: string;
  /** Said after the rubric, e.g. that the arguments heard were assigned. */
  caution?: string;
  /** Said before the rating's own explanation in the rationale. */
  preface?: string;
}

/** One step's judgment in progress. */
export interface Hearing {
  readonly step: ProposedStep;
  /** The step's seed: the same step always gets the same draws, whatever order steps come in. */
  readonly seed: number;
  /** Asks `policy` for one free-text turn; its cost joins the judgment's. */
  speak(
    policy: PolicySource,
    messages: readonly ChatMessage[],
    options: { maxTokens: number; seed: number },
  ): Promise<string>;
  /** The judge's rating after the request, as the Judgment. */
  verdict(request: VerdictRequest): Promise<Judgment>;
}

/**
 * A model overseer recorded as `{ name, options: { judge, ...recorded, ...rating settings } }`,
 * judging each step by `hear`.
 */
export function modelOverseer(
  name: string,
  options: ModelOverseerOptions,
  recorded: JsonObject,
  hear: (hearing: Hearing) => Promise<Judgment>,
): Overseer {
  const judge = policySource(options.judge);
  const settings = ratingSettings(options);
  const reference = { name, options: { judge: judge.reference, ...recorded, ...settings } };
  return {
    reference,
    judge(step) {
      const started = performance.now();
      const seed = deriveSeed(settings.seed, name, proposedStepKey(step));
      const costs: Cost[] = [];
      return hear({
        step,
        seed,
        async speak(policy, messages, turn) {
          const said = await speak(await policy.get(), messages, turn);
          costs.push(said.cost);
          return said.text;
        },
        async verdict({ method, said, body, caution, preface = '' }) {
          const rubric = caution === undefined ? settings.rubric : `${settings.rubric} ${caution}`;
          const messages = ratingMessages(rubric, body);
          const result = await rate(await judge.get(), messages, { ...settings, seed });
          return {
            score: clampScore(result.score),
            rating: result.rating,
            rationale: `${preface}${result.summary}`,
            overseer: reference,
            method,
            transcript: [...said, ...turnsOf(messages), ...result.turns],
            durationMs: Math.max(0, performance.now() - started),
            cost: addCosts(...costs, ...result.costs),
          };
        },
      });
    },
  };
}
