/**
 * The `human` overseer: a person rates each proposed step. `judge` puts the step — on paper, with
 * its context and, when configured, the policy's justification or another overseer's debate or
 * consultation, never an outcome — into the store's human queue, then waits until someone rates
 * it in the viewer (`overseer view`, queue page) or the timeout passes. Items are keyed by the
 * step, so a run restarted after a timeout or a crash picks up the ratings given meanwhile.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { Judgment, ProposedStep, RegistryReference } from '../spec/index.ts';
import { RegistryReference as RegistryReferenceSchema, proposedStepKey } from '../spec/index.ts';
import { defaultStoreDirectory } from '../store/run-store.ts';
import { HumanQueue } from '../store/human-queue.ts';
import type { QueueAssistance, QueueItem, QueueRating } from '../store/human-queue-records.ts';
import type { Overseer } from './overseer.ts';

/** Options of the human overseer (its registry schema). */
export const HumanOverseerOptions = z.strictObject({
  /** Store directory whose queue the viewer shows; default `.overseer` (as `--store`). */
  store: z.string().min(1).optional(),
  /** Shown with each item, to tell runs or arms apart; default `human`. */
  label: z.string().min(1).optional(),
  /** How long one step waits for its rating, in seconds (default 3600). */
  timeoutSeconds: z.number().positive().optional(),
  /**
   * After the timeout: `fail` (default) throws, so the episode is recorded as failed and a rerun
   * resumes; `neutral` judges the step 0 ("no rating") and goes on.
   */
  onTimeout: z.enum(['fail', 'neutral']).optional(),
  /** How often the queue is checked for the rating, in ms (default 500). */
  pollMilliseconds: z.number().int().positive().optional(),
  /** Show the policy's justification of the step, when it gave one (default true). */
  showJustification: z.boolean().optional(),
  /**
   * Another overseer (e.g. a debate or a consultation) whose rationale and transcript the person
   * reads beside the step — never its score, so the person's rating stays their own.
   */
  assistant: RegistryReferenceSchema.optional(),
});
/** Options of the human overseer. */
export type HumanOverseerOptions = z.input<typeof HumanOverseerOptions>;

/** Builds another overseer from its registry reference (the registry passes its own factory). */
export type OverseerFactory = (reference: RegistryReference) => Overseer;

/** The queue item id of the `occurrence`-th judgment of `step` under `label`. */
export function queueItemId(label: string, step: ProposedStep, occurrence: number): string {
  return createHash('sha256')
    .update(`${label}\u0000${proposedStepKey(step)}\u0000${occurrence}`)
    .digest('hex')
    .slice(0, 24);
}

/** What the person is shown of `step`: everything on paper, the justification only if allowed. */
function shownProposal(step: ProposedStep, showJustification: boolean): ProposedStep {
  if (showJustification || step.justification === undefined) return step;
  const { justification: _hidden, ...rest } = step;
  return rest;
}

/** A person, through the viewer's queue, as an overseer. */
export function humanOverseer(
  options: HumanOverseerOptions = {},
  createAssistant?: OverseerFactory,
): Overseer {
  const store = options.store ?? defaultStoreDirectory();
  const label = options.label ?? 'human';
  const timeoutSeconds = options.timeoutSeconds ?? 3600;
  const onTimeout = options.onTimeout ?? 'fail';
  const pollMilliseconds = options.pollMilliseconds ?? 500;
  const showJustification = options.showJustification ?? true;
  if (options.assistant !== undefined && createAssistant === undefined) {
    throw new OverseerError(
      'overseer.bad-options',
      'human: an assistant overseer needs the registry to build it',
      { hint: 'create the human overseer through createOverseer("human", …)' },
    );
  }
  const assistant =
    options.assistant === undefined
      ? undefined
      : (createAssistant as OverseerFactory)({
          name: options.assistant.name,
          options: options.assistant.options ?? {},
        });
  const reference: RegistryReference = {
    name: 'human',
    options: {
      store,
      label,
      timeoutSeconds,
      onTimeout,
      pollMilliseconds,
      showJustification,
      ...(assistant === undefined ? {} : { assistant: assistant.reference }),
    },
  };
  const seen = new Map<string, number>();
  let queue: HumanQueue | undefined;

  const judgmentOf = (item: QueueItem, started: number): Judgment => {
    const { rating, note, rater, ratedAt } = item.rating as QueueRating;
    return {
      score: rating,
      rating,
      rationale: `rated ${rating > 0 ? '+1' : String(rating)} by ${rater} at ${ratedAt}${note === '' ? '' : `: ${note}`}`,
      overseer: reference,
      method: 'human',
      durationMs: performance.now() - started,
      cost: { calls: 1, inputTokens: 0, outputTokens: 0 },
    };
  };

  return {
    reference,
    async judge(step: ProposedStep): Promise<Judgment> {
      const started = performance.now();
      const key = proposedStepKey(step);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      const id = queueItemId(label, step, occurrence);
      queue ??= HumanQueue.open(store);
      let item = queue.get(id);
      if (item === undefined) {
        let assistance: QueueAssistance | undefined;
        if (assistant !== undefined) {
          const advice = await assistant.judge(step);
          assistance = {
            overseer: advice.overseer,
            rationale: advice.rationale,
            ...(advice.transcript === undefined ? {} : { transcript: advice.transcript }),
          };
        }
        item = queue.enqueue({
          id,
          label,
          proposal: shownProposal(step, showJustification),
          ...(assistance === undefined ? {} : { assistance }),
        });
      }
      const deadline = started + timeoutSeconds * 1000;
      while (item.status !== 'rated') {
        const left = deadline - performance.now();
        if (left <= 0) break;
        await sleep(Math.min(pollMilliseconds, left));
        item = queue.get(id) as QueueItem;
      }
      if (item.status === 'rated') return judgmentOf(item, started);
      if (onTimeout === 'neutral') {
        return {
          score: 0,
          rating: 0,
          rationale: `no rating within ${timeoutSeconds} s (queued step ${id} stays in the queue)`,
          overseer: reference,
          method: 'human',
          durationMs: performance.now() - started,
        };
      }
      throw new OverseerError(
        'overseer.human-timeout',
        `no one rated queued step ${id} within ${timeoutSeconds} s`,
        {
          hint: `rate it on the queue page of \`overseer view --store ${store}\`, then run again (ratings given meanwhile are picked up), or raise timeoutSeconds`,
        },
      );
    },
  };
}
