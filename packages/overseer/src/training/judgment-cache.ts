/**
 * The overseer's judgments cached per proposed step — question, kind, what came before, the
 * context shown and the step's text — as a real overseer remembers an evaluation it already made:
 * eight samples of one question that propose the same answer cost one judgment, not eight. Only
 * a miss reaches the wrapped judge, so a call counter behind the cache counts what the expert
 * actually did. Concurrent requests for one step share the first request's promise.
 *
 * With a deterministic overseer the judgments are exactly those without the cache. A noisy one
 * (flip probability, Gaussian noise) answers a repeated step with its first verdict: its mistakes
 * become systematic within the cache's lifetime (one `train` call of a trainer).
 */
import { z } from 'zod';
import type { Judgment, ProposedStep } from '../spec/index.ts';
import { proposedStepKey } from '../spec/index.ts';
import type { StepJudge } from './task.ts';

/** A judge that remembers its verdicts, and how often it was asked again. */
export interface CachedJudge extends StepJudge {
  /** Requests answered from the cache. */
  readonly hits: number;
  /** Requests passed on to the wrapped judge. */
  readonly misses: number;
}

/** Wraps `judge` so each distinct step is judged (and corrected) once. */
export function cachedJudge(judge: StepJudge): CachedJudge {
  const judgments = new Map<string, Judgment | Promise<Judgment>>();
  const corrections = new Map<string, string | undefined | Promise<string | undefined>>();
  let hits = 0;
  let misses = 0;
  const remember = <Value>(
    cache: Map<string, Value>,
    step: ProposedStep,
    ask: () => Value,
  ): Value => {
    const key = proposedStepKey(step);
    if (cache.has(key)) {
      hits += 1;
      return cache.get(key) as Value;
    }
    misses += 1;
    const value = ask();
    cache.set(key, value);
    return value;
  };
  const correct = judge.correct?.bind(judge);
  return {
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    judge: (step) => remember(judgments, step, () => judge.judge(step)),
    ...(correct === undefined
      ? {}
      : { correct: (step: ProposedStep) => remember(corrections, step, () => correct(step)) }),
  };
}

/** The `cacheJudgments` option of a judging trainer's schema, with the trainer's default. */
export function cacheJudgmentsOption(byDefault: boolean) {
  return {
    /** Judge (and correct) each distinct step once per `train` call: a hit is not an expert call. */
    cacheJudgments: z.boolean().default(byDefault),
  };
}

/** The judge a trainer uses: cached when its `cacheJudgments` option asks for it. */
export function trainerJudge(
  judge: StepJudge | undefined,
  cacheJudgments: boolean,
): StepJudge | undefined {
  return judge === undefined || !cacheJudgments ? judge : cachedJudge(judge);
}
