/**
 * A judge-vs-writer experiment file (`kind: judge-vs-writer`, e.g. examples/judge-vs-writer.yaml):
 * the trojan-code task, the demonstrations, the widths at which a writer and its reviewers are
 * trained at equal size, how each model is trained, and the held-out evaluation, each key checked
 * strictly. `--set key.path=value` overrides any key and `--seed` the seeds, as in other files.
 */
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import { formatIssues } from '../../util/zod-issues.ts';
import { applyCommandLineOverrides } from '../config/command-line-overrides.ts';
import { isPlainObject } from '../config/merge-patch.ts';
import { ExperimentName } from '../config/schema.ts';
import { ControlExperiment, ControlModelConfig } from '../control/config.ts';

/** How a review is done: snap (one label for the whole program), hch (one sub-question per line). */
export const ReviewKind = z.enum(['snap', 'hch']);
/** How a review is done. */
export type ReviewKind = z.infer<typeof ReviewKind>;

/** How one model is trained (imitation from scratch, as the control game's); its width is the arm's. */
export const ReviewModelTraining = ControlModelConfig.omit({ model: true });
/** How one model is trained. */
export type ReviewModelTraining = z.infer<typeof ReviewModelTraining>;

/** A judge-vs-writer experiment, every default filled in. */
export const JudgeVsWriterExperiment = z.strictObject({
  kind: z.literal('judge-vs-writer'),
  name: ExperimentName.default('judge-vs-writer'),
  description: z.string().default(''),
  seeds: z.array(z.number().int().nonnegative()).min(1).default([1]),
  /** The trojan-code family's options and the specs' length, as the control game's. */
  task: ControlExperiment.shape.task,
  /**
   * What the models imitate, as the control game's: the writer honest programs only, the
   * reviewers honest and attacking ones (`attackShare`, at `subtleties`).
   */
  demonstrations: z
    .strictObject({
      /** Training specs (each with one demonstration). */
      count: z.number().int().min(1).default(20_000),
      /** Share of the reviewers' demonstrations that attack. */
      attackShare: z.number().min(0).max(1).default(0.5),
      /** Subtlety levels (1–4) the reviewers' attack demonstrations are drawn from uniformly. */
      subtleties: z.array(z.number().int().min(1).max(4)).min(1).default([1, 2, 3, 4]),
      /** Share of honest programs with a benign guard. */
      benignShare: z.number().min(0).max(1).default(0.25),
    })
    .prefault({}),
  /** Embedded widths; at each, one writer and one reviewer per review kind, all that wide. */
  widths: z.array(z.number().int().min(4)).min(1).default([32, 64, 128]),
  /** The models' shape besides the width. */
  model: z
    .strictObject({
      layers: z.number().int().min(1).default(2),
      heads: z.number().int().min(1).default(4),
      contextLength: z.number().int().min(2).default(96),
    })
    .prefault({}),
  /** The writer: imitates honest programs only. */
  writer: ReviewModelTraining,
  /** The snap reviewer: a `1`/`0` after a spec and a whole normalised program. */
  snap: ReviewModelTraining,
  /** The HCH reviewer: a `1`/`0` after a spec, the lines before and one line. */
  hch: ReviewModelTraining,
  /** Review kinds, each an arm at every width. */
  reviews: z.array(ReviewKind).min(1).default(['snap', 'hch']),
  evaluation: z
    .strictObject({
      /** Held-out specs per seed: each gets an honest program and one attack per subtlety. */
      samples: z.number().int().min(1).default(500),
    })
    .prefault({}),
});
/** A judge-vs-writer experiment, every default filled in. */
export type JudgeVsWriterExperiment = z.infer<typeof JudgeVsWriterExperiment>;

/** Whether a parsed YAML document is a judge-vs-writer experiment. */
export function isJudgeVsWriterDocument(value: unknown): boolean {
  return isPlainObject(value) && value.kind === 'judge-vs-writer';
}

/** An arm's name: the review kind and the width (`snap-review-w32`). */
export function reviewArmName(review: ReviewKind, width: number): string {
  return `${review}-review-w${width}`;
}

/** Parses a judge-vs-writer experiment from its YAML value, `--set` and `--seed` applied. */
export function parseJudgeVsWriterExperiment(
  value: unknown,
  source: string,
  overrides: { seed?: number; set?: readonly string[] } = {},
): JudgeVsWriterExperiment {
  const raw = applyCommandLineOverrides(value, overrides, 'writer.steps=100');
  const result = JudgeVsWriterExperiment.safeParse(raw);
  if (!result.success) {
    throw new OverseerError(
      'config.invalid',
      `Invalid judge-vs-writer experiment ${source}: ${formatIssues(result.error.issues, JudgeVsWriterExperiment)}`,
      { hint: 'examples/judge-vs-writer.yaml shows the keys of a judge-vs-writer experiment' },
    );
  }
  const { widths, model } = result.data;
  const uneven = widths.find((width) => width % model.heads !== 0);
  if (uneven !== undefined) {
    throw new OverseerError(
      'config.invalid',
      `${source}: width ${uneven} is not a multiple of model.heads ${model.heads}`,
      { hint: 'pick widths that the number of heads divides' },
    );
  }
  const repeated = widths.find((width, index) => widths.indexOf(width) !== index);
  if (repeated !== undefined) {
    throw new OverseerError('config.invalid', `${source}: width ${repeated} is listed twice`, {
      hint: 'list each width once: each is an arm of the results',
    });
  }
  return result.data;
}
