/**
 * A run's headline numbers and their one-line form (`ida/supervised accuracy 0.93; …`), shared by
 * `overseer runs` and the viewer's runs page. No imports, so the browser bundle can share it.
 */

/** One headline number: an experiment arm's final value of a metric (or an evaluation's). */
export interface HeadlineMetric {
  experiment?: string;
  arm?: string;
  metric: string;
  /** The last evaluation's value, averaged over the seeds that reached one. */
  value: number;
}

/** A number as a listing shows it: integers whole, others to three significant digits. */
export function formatHeadlineValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}

/** Headline numbers as one line, grouped by experiment and arm: `ida/supervised accuracy 0.93 expertCalls 0; …`. */
export function formatHeadline(
  headline: readonly HeadlineMetric[],
  formatValue: (value: number) => string = formatHeadlineValue,
): string {
  const groups = new Map<string, string[]>();
  for (const { experiment, arm, metric, value } of headline) {
    const key = [experiment, arm].filter((part) => part !== undefined).join('/');
    groups.set(key, [...(groups.get(key) ?? []), `${metric} ${formatValue(value)}`]);
  }
  return [...groups]
    .map(([key, values]) => `${key === '' ? '' : `${key} `}${values.join(' ')}`)
    .join('; ');
}
