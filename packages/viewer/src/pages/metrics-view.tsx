/**
 * A run's metrics: one chart per metric logged at more than one step (learning curves; a series
 * per split and tag set, e.g. per arm), and a table of every metric's latest value.
 */
import { Chart, styleByLabel } from '../components/line-chart.tsx';
import type { Series } from '../components/line-chart.tsx';
import { formatNumber } from '../format.ts';
import type { MetricRecord } from '../types.ts';

/** The series key of a metric value: its split and tags. */
export function seriesLabel(metric: MetricRecord, prefix = ''): string {
  const parts = [
    ...(metric.split === null ? [] : [metric.split]),
    ...Object.entries(metric.tags).map(([key, value]) => `${key}=${value}`),
  ];
  const label = parts.join(', ');
  return `${prefix}${prefix !== '' && label !== '' ? ' · ' : ''}${label}` || 'value';
}

/** Metric values grouped by name, then by series (split and tags). */
export function metricSeries(metrics: MetricRecord[], prefix = ''): Map<string, Series[]> {
  const byName = new Map<string, Map<string, Series>>();
  for (const metric of metrics) {
    const series = byName.get(metric.name) ?? new Map<string, Series>();
    byName.set(metric.name, series);
    const label = seriesLabel(metric, prefix);
    const line = series.get(label) ?? { label, points: [] };
    series.set(label, line);
    line.points.push({ x: metric.step, y: metric.value });
  }
  return new Map([...byName].map(([name, series]) => [name, [...series.values()]]));
}

/** Whether a metric has more than one step to draw a curve through. */
export function isCurve(series: Series[]): boolean {
  return series.some((line) => new Set(line.points.map((point) => point.x)).size > 1);
}

/** The charts and the table of one run's metrics. */
export function MetricsView({ metrics }: { metrics: MetricRecord[] }) {
  if (metrics.length === 0) return <p className="muted">No metrics logged.</p>;
  const grouped = styleByLabel(metricSeries(metrics));
  const latest = new Map<string, MetricRecord>();
  for (const metric of metrics) latest.set(`${metric.name}\u0000${seriesLabel(metric)}`, metric);
  return (
    <div>
      <div className="charts">
        {[...grouped]
          .filter(([, series]) => isCurve(series))
          .map(([name, series]) => (
            <Chart key={name} title={name} series={series} xLabel="step" yLabel={name} />
          ))}
      </div>
      <table className="list">
        <thead>
          <tr>
            <th>metric</th>
            <th>series</th>
            <th>step</th>
            <th>latest value</th>
          </tr>
        </thead>
        <tbody>
          {[...latest.values()].map((metric) => (
            <tr key={`${metric.name}-${seriesLabel(metric)}`}>
              <td>{metric.name}</td>
              <td>{seriesLabel(metric)}</td>
              <td className="number">{metric.step}</td>
              <td className="number">{formatNumber(metric.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
