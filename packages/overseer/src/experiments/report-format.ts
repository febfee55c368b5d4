/**
 * What the report renderers share: grouping arms by experiment, choosing headline metrics,
 * formatting metric values (rates as percentages, ± the spread over seeds), averaging curves over
 * seeds, and laying out transcript trees.
 */
import { ratingAgrees, trueRewardOf } from '../spec/index.ts';
import type { Judgment } from '../spec/index.ts';
import { mean } from '../util/mean.ts';
import { isRate } from './rate-metrics.ts';
import type {
  ArmResult,
  CurvePoint,
  ExperimentSummary,
  Results,
  Transcript,
  TranscriptStep,
} from './report.ts';

/** An experiment's arms, in the order the results list them. */
export interface ArmGroup {
  experiment: string;
  summary: ExperimentSummary | undefined;
  arms: ArmResult[];
}

/** Arms grouped by experiment: the summaries' order first, then any other experiment. */
export function armGroups(results: Results): ArmGroup[] {
  const order = [
    ...results.experiments.map((summary) => summary.name),
    ...results.arms.map((arm) => arm.experiment),
    ...results.curves.map((curve) => curve.experiment),
    ...results.transcripts.map((transcript) => transcript.experiment),
  ];
  return [...new Set(order)].map((experiment) => ({
    experiment,
    summary: results.experiments.find((summary) => summary.name === experiment),
    arms: results.arms.filter((arm) => arm.experiment === experiment),
  }));
}

/** The experiment's headline metrics, or every metric its arms report when it names none. */
export function headlineMetrics(results: Results, experiment: string): string[] {
  const named = results.experiments.find((summary) => summary.name === experiment)?.metrics ?? [];
  if (named.length > 0) return named;
  return allMetrics(results.arms.filter((arm) => arm.experiment === experiment));
}

/**
 * What an experiment's evaluations were drawn from, as a caption's words: "Held-out" problems, or
 * "Fresh training-question" draws when the world is learned in the weights.
 */
export function evaluatedOn(results: Results, experiment: string): string {
  const split = results.experiments.find((summary) => summary.name === experiment)?.evaluationSplit;
  return split === 'train' ? 'Fresh training-question' : 'Held-out';
}

/** A transcript's heading after its arm: "best episode", "a right answer through a wrong step" … */
export function transcriptHeading(label: Transcript['label']): string {
  return label === 'trace-error' ? 'a right answer through a wrong step' : `${label} episode`;
}

/** Every metric the arms report, in first-seen order. */
export function allMetrics(arms: readonly ArmResult[]): string[] {
  return [...new Set(arms.flatMap((arm) => Object.keys(arm.metrics)))];
}

export { isRate } from './rate-metrics.ts';

/** One value of a metric: `91.5%` for rates, three significant digits otherwise. */
export function formatValue(metric: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (isRate(metric)) return `${(value * 100).toFixed(1)}%`;
  // FLOPs counts (10^9 and up) read better as 1.23e12 than as thirteen digits.
  if (/Flops$/.test(metric) && Math.abs(value) >= 1e6) return value.toExponential(2);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** Sample standard deviation (0 for fewer than two values). */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  const squares = values.reduce((sum, value) => sum + (value - average) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * An arm's value of a metric with its spread over seeds (`91.5% ± 2.1`, in percentage points for
 * rates); `—` when the arm does not report it, `failed` when the arm failed.
 */
export function formatMetric(metric: string, arm: ArmResult): string {
  if (arm.status === 'failed' && !(metric in arm.metrics)) return 'failed';
  const value = arm.metrics[metric];
  if (value === undefined) return '—';
  const perSeed = arm.seeds
    .map((seed) => seed.metrics[metric])
    .filter((seedValue): seedValue is number => seedValue !== undefined);
  const text = formatValue(metric, value);
  if (perSeed.length < 2 || perSeed.every((seedValue) => seedValue === perSeed[0])) return text;
  const spread = standardDeviation(perSeed);
  const spreadText = isRate(metric)
    ? (spread * 100).toFixed(1)
    : formatValue(metric, spread).replace('%', '');
  return `${text} ± ${spreadText}`;
}

/** A plain-text table: columns padded, numbers right-aligned. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = headers.map(
    (_, column) =>
      column > 0 && rows.every((row) => /^[-+\d.,%±\s—]*$|^failed$/.test(row[column] ?? '')),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)]
    .map((text) => `  ${text}`)
    .join('\n');
}

/** A curve per arm for one experiment and metric, averaged over seeds at the steps they share. */
export function meanCurves(
  results: Results,
  experiment: string,
  metric: string,
): Array<{ arm: string; points: CurvePoint[] }> {
  const byArm = new Map<string, CurvePoint[][]>();
  for (const curve of results.curves) {
    if (curve.experiment !== experiment || curve.metric !== metric) continue;
    const list = byArm.get(curve.arm) ?? [];
    list.push(curve.points);
    byArm.set(curve.arm, list);
  }
  return [...byArm].map(([arm, curves]) => {
    if (curves.length === 1) return { arm, points: [...curves[0]].sort((a, b) => a.step - b.step) };
    const shared = curves
      .map((points) => new Set(points.map((point) => point.step)))
      .reduce((common, steps) => new Set([...common].filter((step) => steps.has(step))));
    const points = [...shared]
      .sort((a, b) => a - b)
      .map((step) => {
        const at = curves.map((points) => points.find((point) => point.step === step)!);
        const round = at[0].round;
        const flops = at.map((point) => point.flops);
        return {
          step,
          ...(round === undefined ? {} : { round }),
          calls: mean(at.map((point) => point.calls)),
          ...(flops.some((value) => value === undefined) ? {} : { flops: mean(flops as number[]) }),
          value: mean(at.map((point) => point.value)),
        };
      });
    return { arm, points };
  });
}

/** Metrics that have curves for an experiment: headline metrics first. */
export function curveMetrics(results: Results, experiment: string): string[] {
  const present = new Set(
    results.curves.filter((curve) => curve.experiment === experiment).map((curve) => curve.metric),
  );
  const headline = headlineMetrics(results, experiment).filter((metric) => present.has(metric));
  return [...new Set([...headline, ...present])];
}

/** A transcript's steps in tree order (parents before children, siblings by position) with depths. */
export function transcriptTree(
  transcript: Transcript,
): Array<{ step: TranscriptStep; depth: number }> {
  const children = new Map<string | null, TranscriptStep[]>();
  const ids = new Set(transcript.steps.map((step) => step.id));
  for (const step of transcript.steps) {
    // A step whose parent is missing is shown at the top rather than dropped.
    const parent = step.parentId !== null && ids.has(step.parentId) ? step.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(step);
    children.set(parent, list);
  }
  const ordered: Array<{ step: TranscriptStep; depth: number }> = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number): void => {
    for (const step of children.get(parent) ?? []) {
      if (seen.has(step.id)) continue;
      seen.add(step.id);
      ordered.push({ step, depth });
      visit(step.id, depth + 1);
    }
  };
  visit(null, 0);
  // Steps in a parent cycle never reach the root: list them rather than lose them.
  for (const step of transcript.steps) {
    if (!seen.has(step.id)) ordered.push({ step, depth: 0 });
  }
  return ordered;
}

/** A signed score: `+1.00`, `−0.50`. */
export function signed(value: number, digits = 2): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 ? `−${text}` : `+${text}`;
}

/**
 * Who judged and how: `rating +1, program`, or `rating −1, judge via debate`; a rating recorded
 * against its score's sign (runs from before ratings followed the score) says so.
 */
export function judgedBy(judgment: Judgment): string {
  const against = ratingAgrees(judgment) ? '' : ' against the score’s sign';
  const rating =
    judgment.rating === undefined ? '' : `rating ${signed(judgment.rating, 0)}${against}, `;
  const method = judgment.method === judgment.overseer.name ? '' : ` via ${judgment.method}`;
  return `${rating}${judgment.overseer.name}${method}`;
}

/** `clipped from −1.010` for a score clipped into [−1, 1], else undefined. */
export function clippedFrom(judgment: Judgment): string | undefined {
  return judgment.unclipped === undefined
    ? undefined
    : `clipped from ${signed(judgment.unclipped, 3)}`;
}

/** The true return of a transcript's episode: its outcome's true reward, signed. */
export function trueReturn(transcript: Transcript): string | undefined {
  return transcript.outcome === undefined ? undefined : signed(trueRewardOf(transcript.outcome));
}

/** A short summary of an outcome, for transcripts. */
export function describeOutcome(transcript: Transcript): string | undefined {
  const outcome = transcript.outcome;
  if (outcome === undefined) return undefined;
  if (outcome.kind === 'grade') {
    return `${outcome.correct ? 'correct' : 'wrong'} (expected ${outcome.expected}), reward ${signed(outcome.reward)}`;
  }
  const parts = [
    outcome.classification,
    `proxy return ${signed(outcome.reward)}`,
    outcome.trueReward === undefined ? undefined : `true return ${signed(outcome.trueReward)}`,
    `${outcome.length} steps${outcome.truncated ? ', hit the step limit' : ''}`,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

/** How the transcript's outcome entered its reward, in words. */
export function outcomeUse(transcript: Transcript): string {
  if (transcript.lambda === undefined) return 'Outcome';
  if (transcript.lambda === 0) return 'Outcome (not in the reward: λ = 0)';
  return `Outcome (in the reward with weight λ = ${transcript.lambda})`;
}

/** A file-name-safe slug. */
export function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.length > 0 ? cleaned.slice(0, 80) : 'plot';
}
