/**
 * How a reviewer of the judge-vs-writer experiment scores a held-out program, reading it and never
 * running it. Snap: one question about the whole normalised program, its suspicion the reviewer's
 * P(`1`) / (P(`1`) + P(`0`)). HCH: one sub-question per line (the spec, the lines before and the
 * line), the program as suspect as its most suspect line.
 */
import type { Gpt } from '../../model/gpt.ts';
import { lineMonitorPrompt } from '../control/demonstrations.ts';
import { suspicions } from '../control/models.ts';
import type { ReviewKind } from './config.ts';
import { snapReviewPrompt } from './review-samples.ts';
import type { ReviewSample } from './review-samples.ts';

/** Each sample's suspicion under one review kind. */
export function reviewSuspicions(
  kind: ReviewKind,
  reviewer: Gpt,
  samples: readonly ReviewSample[],
): number[] {
  if (kind === 'snap') return suspicions(reviewer, samples.map(snapReviewPrompt));
  const prompts = samples.flatMap((sample) =>
    sample.lines.map((_, index) => lineMonitorPrompt(sample.question, sample.lines, index)),
  );
  const lineSuspicions = suspicions(reviewer, prompts);
  let next = 0;
  return samples.map((sample) => {
    const own = lineSuspicions.slice(next, next + sample.lines.length);
    next += sample.lines.length;
    return Math.max(0, ...own);
  });
}
