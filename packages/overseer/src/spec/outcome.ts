import { z } from 'zod';
import { JsonObject } from './json.ts';

/**
 * The grade of a final answer. `reward` is what outcome-based training sees; `trueReward` is the
 * reward of the intended task and is omitted when the two agree.
 */
export const GradeOutcome = z.strictObject({
  kind: z.literal('grade'),
  /** The answer the episode gave; null when it gave none. */
  answer: z.string().nullable(),
  expected: z.string(),
  correct: z.boolean(),
  reward: z.number(),
  trueReward: z.number().optional(),
  info: JsonObject.default({}),
});
/** The grade of a final answer. */
export type GradeOutcome = z.infer<typeof GradeOutcome>;

/**
 * An environment's return over one episode. `reward` is the proxy return training sees;
 * `trueReward` the return under the intended task, where they differ (reward hacking lives in
 * the gap). `classification` names the behaviour, e.g. `intended`, `hack`, `neither`.
 */
export const ReturnOutcome = z.strictObject({
  kind: z.literal('return'),
  reward: z.number(),
  trueReward: z.number().optional(),
  /** Number of environment steps taken. */
  length: z.number().int().nonnegative(),
  /** The environment ended the episode itself. */
  terminated: z.boolean(),
  /** The step limit ended the episode. */
  truncated: z.boolean(),
  classification: z.string().optional(),
  info: JsonObject.default({}),
});
/** An environment's return over one episode. */
export type ReturnOutcome = z.infer<typeof ReturnOutcome>;

/** The consequences of an episode: a grade or an environment return, keyed on `kind`. */
export const Outcome = z.discriminatedUnion('kind', [GradeOutcome, ReturnOutcome]);
/** The consequences of an episode. */
export type Outcome = z.infer<typeof Outcome>;

/** The reward under the intended task: `trueReward` where recorded, else the proxy `reward`. */
export function trueRewardOf(outcome: Outcome): number {
  return outcome.trueReward ?? outcome.reward;
}
