/**
 * Two runs (or two arms recorded as runs) side by side: their summaries with the difference of
 * each number, the configuration keys where they differ (all keys folded away), and each metric
 * of both drawn on one chart — or a sentence saying why there is none — and the step judgments
 * of both on a question they both answered (judgment-comparison.tsx).
 */
import { Chart, styleByLabel } from '../components/line-chart.tsx';
import type { Series } from '../components/line-chart.tsx';
import { apiPaths, useApi } from '../data.ts';
import { flatten, formatNumber } from '../format.ts';
import { href } from '../router.ts';
import type { JsonValue, RunResponse } from '../types.ts';
import { JudgmentComparison } from './judgment-comparison.tsx';
import { isCurve, metricSeries } from './metrics-view.tsx';
import { Failure, Loading } from './page-state.tsx';

/** The configuration keys of two runs with both values, the differing ones marked. */
export function configDifferences(
  left: Record<string, JsonValue>,
  right: Record<string, JsonValue>,
): Array<{ key: string; left: string; right: string; differs: boolean }> {
  const a = new Map(flatten(left));
  const b = new Map(flatten(right));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.map((key) => {
    const l = a.get(key) ?? '—';
    const r = b.get(key) ?? '—';
    return { key, left: l, right: r, differs: l !== r };
  });
}

/** `right − left` of two numbers, signed (`+0.12`, `−3`); empty unless both are numbers. */
export function summaryDifference(
  left: JsonValue | undefined,
  right: JsonValue | undefined,
): string {
  if (typeof left !== 'number' || typeof right !== 'number') return '';
  const difference = right - left;
  const text = formatNumber(Math.abs(difference));
  return difference > 0 ? `+${text}` : difference < 0 ? `−${text}` : '0';
}

/** The compare page for runs `left` and `right`. */
export function ComparePage({ left, right }: { left: string; right: string }) {
  const a = useApi<RunResponse>(apiPaths.run(left));
  const b = useApi<RunResponse>(apiPaths.run(right));
  const error = a.error ?? b.error;
  if (error !== undefined) return <Failure error={error} />;
  if (a.data === undefined || b.data === undefined) return <Loading />;
  const differences = configDifferences(a.data.run.config, b.data.run.config);
  const summaryKeys = [
    ...new Set([...Object.keys(a.data.run.summary), ...Object.keys(b.data.run.summary)]),
  ];
  const show = (value: JsonValue | undefined) =>
    value === undefined
      ? '—'
      : typeof value === 'number'
        ? formatNumber(value)
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
  const seriesA = metricSeries(a.data.metrics, left);
  const seriesB = metricSeries(b.data.metrics, right);
  const names = [...new Set([...seriesA.keys(), ...seriesB.keys()])];
  // One colour per run × arm label across every chart of the page.
  const curves = [
    ...styleByLabel(
      new Map(
        names.map((name): [string, Series[]] => [
          name,
          [...(seriesA.get(name) ?? []), ...(seriesB.get(name) ?? [])],
        ]),
      ),
    ),
  ].filter(([, series]) => isCurve(series));
  const changed = differences.filter((row) => row.differs);
  return (
    <div>
      <h1>Compare runs</h1>
      <table className="list compare" data-testid="compare-table">
        <thead>
          <tr>
            <th />
            <th>
              <a href={href('runs', left)}>{left}</a>
            </th>
            <th>
              <a href={href('runs', right)}>{right}</a>
            </th>
            <th title="the right-hand run's value minus the left-hand run's">difference</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>status</th>
            <td>{a.data.run.status}</td>
            <td>{b.data.run.status}</td>
            <td />
          </tr>
          {summaryKeys.map((key) => (
            <tr key={`summary-${key}`}>
              <th>{key}</th>
              <td className="number">{show(a.data?.run.summary[key])}</td>
              <td className="number">{show(b.data?.run.summary[key])}</td>
              <td className="number">
                {summaryDifference(a.data?.run.summary[key], b.data?.run.summary[key])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Configuration differences</h2>
      {changed.length === 0 ? (
        <p className="hint" data-testid="config-same">
          The two configurations are the same ({differences.length} keys).
        </p>
      ) : (
        <table className="list" data-testid="config-differences">
          <tbody>
            {changed.map((row) => (
              <tr key={row.key} className="differs">
                <th>{row.key}</th>
                <td>{row.left}</td>
                <td>{row.right}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>all configuration keys ({differences.length})</summary>
        <table className="list">
          <tbody>
            {differences.map((row) => (
              <tr key={row.key} className={row.differs ? 'differs' : ''}>
                <th>{row.key}</th>
                <td>{row.left}</td>
                <td>{row.right}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <h2>Metrics along training</h2>
      {curves.length === 0 ? (
        <p className="hint" data-testid="no-curves">
          Neither run recorded a metric at two or more steps, so there is no curve to compare; the
          final values are in the table above.
        </p>
      ) : (
        <div className="charts">
          {curves.map(([name, series]) => (
            <Chart key={name} title={name} series={series} xLabel="step" yLabel={name} />
          ))}
        </div>
      )}
      <h2>Step judgments on the same question</h2>
      <JudgmentComparison left={left} right={right} />
    </div>
  );
}
