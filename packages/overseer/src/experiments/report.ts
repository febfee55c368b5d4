/**
 * Results and reports. `Results` is what a run writes to DIR/results.json: one record per
 * experiment × arm with its metrics (mean over seeds, and each seed's), learning curves, and
 * representative transcripts. `writeReport` turns it into DIR/report.md (with SVG plots in
 * DIR/plots/) and a self-contained DIR/report.html; `formatTable` prints the headline for a
 * terminal. Transcripts hold model text: every renderer escapes it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { ErrorRecord, Judgment, Outcome, Problem, StepKind, Timestamp } from '../spec/index.ts';
import { armGroups, formatMetric, headlineMetrics, textTable } from './report-format.ts';
import { renderHtml } from './report-html.ts';
import { renderMarkdown } from './report-markdown.ts';
import { buildFigures } from './report-plots.ts';

/** The version of the results format; bump it when `Results` changes shape. */
export const RESULTS_VERSION = 1;

/** A value that distinguishes an arm (λ, approval noise, trainer …). */
export const ParameterValue = z.union([z.number(), z.string(), z.boolean()]);
/** A value that distinguishes an arm. */
export type ParameterValue = z.infer<typeof ParameterValue>;

/** Metric name → value. */
export const MetricValues = z.record(z.string(), z.number());
/** Metric name → value. */
export type MetricValues = z.infer<typeof MetricValues>;

/** One arm of one experiment: its final metrics, its parameters, its status. */
export const ArmResult = z.strictObject({
  experiment: z.string().min(1),
  arm: z.string().min(1),
  description: z.string().optional(),
  /** From `armParameters` (config.ts): λ, approvalNoise, flipProbability, credit, trainer … */
  parameters: z.record(z.string(), ParameterValue).default({}),
  /** Final held-out metrics, mean over the seeds that finished. */
  metrics: MetricValues,
  /** Each seed's final metrics (their spread is shown as ± one standard deviation). */
  seeds: z.array(z.strictObject({ seed: z.number().int(), metrics: MetricValues })).default([]),
  status: z.enum(['finished', 'failed']).default('finished'),
  error: ErrorRecord.optional(),
  wallSeconds: z.number().nonnegative().optional(),
});
/** One arm of one experiment. */
export type ArmResult = z.infer<typeof ArmResult>;

/** One evaluation along training. */
export const CurvePoint = z.strictObject({
  /** Training steps taken so far. */
  step: z.number().int().nonnegative(),
  /** The loop's round (0-based), when the point closes one. */
  round: z.number().int().nonnegative().optional(),
  /** Calls to the weak expert (overseer judgments and amplification calls) so far. */
  calls: z.number().nonnegative().default(0),
  /** The model's training FLOPs so far (amplification and distillation); absent if not counted. */
  flops: z.number().nonnegative().optional(),
  value: z.number(),
});
/** One evaluation along training. */
export type CurvePoint = z.infer<typeof CurvePoint>;

/** A metric along training for one arm (one seed, or already averaged when `seed` is absent). */
export const Curve = z.strictObject({
  experiment: z.string().min(1),
  arm: z.string().min(1),
  metric: z.string().min(1),
  seed: z.number().int().optional(),
  points: z.array(CurvePoint),
});
/** A metric along training for one arm. */
export type Curve = z.infer<typeof Curve>;

/** One node of a transcript: the step, the overseer's judgment of it, the reward it was paid. */
export const TranscriptStep = z.strictObject({
  id: z.string().min(1),
  parentId: z.string().min(1).nullable(),
  kind: StepKind,
  input: z.string(),
  output: z.string(),
  /** `policy`, `expert`, `memo`, `environment` … */
  producer: z.string().min(1).default('policy'),
  judgment: Judgment.optional(),
  /** The step's reward after the dial and credit assignment. */
  reward: z.number().optional(),
});
/** One node of a transcript. */
export type TranscriptStep = z.infer<typeof TranscriptStep>;

/**
 * How the best and the worst transcript are picked from an arm's evaluation episodes (what
 * run-evaluate.ts's ranking does), in words for the report.
 */
export const TRANSCRIPT_RANKING =
  'ranked by the true outcome (a right answer, or the true return), ties broken by the mean judgment score — not by the paid return';

/** A representative episode: the best or worst of an arm's evaluation, every step judged. */
export const Transcript = z.strictObject({
  experiment: z.string().min(1),
  arm: z.string().min(1),
  seed: z.number().int().optional(),
  /**
   * `trace-error`: a right answer reached through a wrong step (Uesato et al.'s trace error).
   * `copied-error` / `corrected-error`: on a question where the weak expert errs, the student
   * gave the expert's wrong answer / the right one.
   */
  label: z.enum(['best', 'worst', 'sample', 'trace-error', 'copied-error', 'corrected-error']),
  episodeId: z.string().min(1),
  problem: Problem,
  answer: z.string().nullable(),
  /** The weak expert's own wrong answer to the question (copied- and corrected-error transcripts). */
  expertAnswer: z.string().optional(),
  /** Parents before children, as in an Episode. */
  steps: z.array(TranscriptStep),
  /** The outcome; shown as used by the reward when `lambda` > 0. */
  outcome: Outcome.optional(),
  /** The dial the episode was trained under. */
  lambda: z.number().min(0).max(1).optional(),
  /** The paid return: the sum of the step rewards after the dial λ and credit assignment. */
  return: z.number().optional(),
});
/** A representative episode. */
export type Transcript = z.infer<typeof Transcript>;

/** An experiment as the report introduces it. */
export const ExperimentSummary = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** Columns of the headline table. */
  metrics: z.array(z.string().min(1)).default([]),
  seeds: z.array(z.number().int()).default([]),
  wallSeconds: z.number().nonnegative().optional(),
  /**
   * What the evaluations drew: `test` (held-out questions) or `train` (fresh draws of the
   * training questions, for a world learned in the weights). Absent: held out.
   */
  evaluationSplit: z.enum(['train', 'test']).optional(),
});
/** An experiment as the report introduces it. */
export type ExperimentSummary = z.infer<typeof ExperimentSummary>;

/** Everything a run writes to results.json, and everything a report is made from. */
export const Results = z.strictObject({
  version: z.literal(RESULTS_VERSION).default(RESULTS_VERSION),
  title: z.string().optional(),
  /** The experiment file. */
  source: z.string().optional(),
  /** The command that produced the results, shown so a reader can reproduce them. */
  command: z.string().optional(),
  createdAt: Timestamp.optional(),
  experiments: z.array(ExperimentSummary).default([]),
  arms: z.array(ArmResult),
  curves: z.array(Curve).default([]),
  transcripts: z.array(Transcript).default([]),
});
/** Everything a run writes to results.json. */
export type Results = z.infer<typeof Results>;
/** Results as written, before defaults. */
export type ResultsInput = z.input<typeof Results>;

/** Reads and validates DIR/results.json (or any results file). */
export async function readResults(path: string): Promise<Results> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new OverseerError(
      'results.unreadable',
      `Cannot read results ${path}: ${(error as Error).message}`,
      {
        hint: 'Pass the results.json a run wrote (overseer run FILE --out DIR writes DIR/results.json).',
      },
    );
  }
  return parseResults(value, path);
}

/** Validates a results object, naming the key path of every problem. */
export function parseResults(value: unknown, source = 'results'): Results {
  const result = Results.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 20).map((issue) => {
    const path = issue.path
      .map((segment, index) =>
        typeof segment === 'number'
          ? `[${segment}]`
          : `${index === 0 ? '' : '.'}${String(segment)}`,
      )
      .join('');
    return `  ${path || '(top level)'}: ${issue.message}`;
  });
  throw new OverseerError('results.invalid', `Invalid results ${source}:\n${lines.join('\n')}`);
}

/** What `writeReport` wrote. */
export interface WrittenReport {
  markdown: string;
  html: string;
  plots: string[];
}

/**
 * Writes DIR/report.md, DIR/report.html and DIR/plots/*.svg from results (parsed again here, so
 * a hand-written object gets its defaults and a bad one fails with the key path).
 */
export async function writeReport(
  results: ResultsInput,
  directory: string,
): Promise<WrittenReport> {
  const parsed = parseResults(results);
  const figures = buildFigures(parsed);
  const plotDirectory = join(directory, 'plots');
  await mkdir(plotDirectory, { recursive: true });
  const plots: string[] = [];
  for (const figure of figures) {
    const path = join(plotDirectory, `${figure.id}.svg`);
    await writeFile(path, `${figure.svg}\n`);
    plots.push(path);
  }
  const markdown = join(directory, 'report.md');
  const html = join(directory, 'report.html');
  await writeFile(markdown, renderMarkdown(parsed, figures, 'plots'));
  await writeFile(html, renderHtml(parsed, figures));
  return { markdown, html, plots };
}

/** The headline as a plain-text table per experiment, for a terminal. */
export function formatTable(input: ResultsInput): string {
  const results = parseResults(input);
  const blocks: string[] = [];
  for (const group of armGroups(results)) {
    const metrics = headlineMetrics(results, group.experiment);
    const headers = ['arm', ...metrics, 'seeds'];
    const rows = group.arms.map((arm) => [
      arm.status === 'failed' ? `${arm.arm} (failed)` : arm.arm,
      ...metrics.map((metric) => formatMetric(metric, arm)),
      String(arm.seeds.length || (arm.status === 'failed' ? 0 : 1)),
    ]);
    blocks.push(`${group.experiment}\n${textTable(headers, rows)}`);
  }
  return `${blocks.join('\n\n')}\n`;
}
