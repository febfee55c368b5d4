/** Small SVG plots with no chart library: lines (a metric over steps) and points (runs). */
import { niceTicks } from '../../../overseer/src/experiments/plot.ts';
import { isRate } from '../../../overseer/src/experiments/rate-metrics.ts';

/** One line or point cloud. */
export interface Series {
  label: string;
  points: Array<{ x: number; y: number; title?: string }>;
  /** The series' colour (default: its position in the chart); see `styleByLabel`. */
  style?: number;
}

/**
 * Gives every series label one colour across a page's charts, in first-seen order, so an arm (or
 * a run × arm) keeps its colour whatever other series a chart leaves out.
 */
export function styleByLabel<Key>(charts: ReadonlyMap<Key, Series[]>): Map<Key, Series[]> {
  const styles = new Map<string, number>();
  for (const series of charts.values()) {
    for (const line of series) if (!styles.has(line.label)) styles.set(line.label, styles.size);
  }
  return new Map(
    [...charts].map(([key, series]) => [
      key,
      series.map((line) => ({ ...line, style: styles.get(line.label) })),
    ]),
  );
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];

/** The colour of the `index`th series of a chart: its style's, else its position's. */
function colourOf(series: Series, index: number): string {
  return palette[(series.style ?? index) % palette.length];
}

const WIDTH = 520;
const HEIGHT = 240;
const MARGIN = { left: 56, right: 16, top: 16, bottom: 36 };

/**
 * An axis over `values`: round-number ticks (whole numbers only when every value is one, as
 * steps and calls are) and the range they span; `domain` fixes the range (0–1 for a rate).
 */
export function chartAxis(
  values: number[],
  domain?: [number, number],
): { ticks: number[]; low: number; high: number } {
  const low = domain?.[0] ?? Math.min(...values);
  const high = domain?.[1] ?? Math.max(...values);
  const round = niceTicks(low, high, 4);
  const whole = round.filter((value) => Number.isInteger(value));
  const ticks = values.every(Number.isInteger) && whole.length >= 2 ? whole : round;
  return domain === undefined
    ? { ticks, low: ticks[0], high: ticks[ticks.length - 1] }
    : { ticks: ticks.filter((value) => value >= low && value <= high), low, high };
}

function tick(value: number): string {
  // Three significant digits without trailing zeros: 0.25, not 0.250.
  return Math.abs(value) >= 1000 || Number.isInteger(value)
    ? value.toFixed(0)
    : String(Number(value.toPrecision(3)));
}

/** A plot of `series` as lines (`mode="line"`) or points (`mode="points"`). */
export function Chart({
  title,
  series,
  xLabel,
  yLabel,
  mode = 'line',
}: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  mode?: 'line' | 'points';
}) {
  const all = series.flatMap((item) => item.points);
  if (all.length === 0) return null;
  const xAxis = chartAxis(all.map((point) => point.x));
  // A rate (accuracy, hackRate …) is drawn on 0–1, so charts of it compare at a glance.
  const yAxis = chartAxis(
    all.map((point) => point.y),
    isRate(yLabel) && all.every((point) => point.y >= 0 && point.y <= 1) ? [0, 1] : undefined,
  );
  const [x0, x1] = [xAxis.low, xAxis.high];
  const [y0, y1] = [yAxis.low, yAxis.high];
  const sx = (x: number) =>
    MARGIN.left + ((x - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  const sy = (y: number) =>
    HEIGHT - MARGIN.bottom - ((y - y0) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  return (
    <figure className="chart" data-testid="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <line
          x1={MARGIN.left}
          y1={HEIGHT - MARGIN.bottom}
          x2={WIDTH - MARGIN.right}
          y2={HEIGHT - MARGIN.bottom}
          className="axis"
        />
        <line
          x1={MARGIN.left}
          y1={MARGIN.top}
          x2={MARGIN.left}
          y2={HEIGHT - MARGIN.bottom}
          className="axis"
        />
        {yAxis.ticks.map((y) => (
          <text key={`y${y}`} className="tick" x={MARGIN.left - 6} y={sy(y) + 4} textAnchor="end">
            {tick(y)}
          </text>
        ))}
        {xAxis.ticks.map((x) => (
          <text
            key={`x${x}`}
            className="tick"
            x={sx(x)}
            y={HEIGHT - MARGIN.bottom + 16}
            textAnchor="middle"
          >
            {tick(x)}
          </text>
        ))}
        <text
          x={(MARGIN.left + WIDTH - MARGIN.right) / 2}
          y={HEIGHT - 4}
          textAnchor="middle"
          className="axis-label"
        >
          {xLabel}
        </text>
        <text
          x={12}
          y={MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2}
          textAnchor="middle"
          className="axis-label"
          transform={`rotate(-90 12 ${MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2})`}
        >
          {yLabel}
        </text>
        {series.map((item, index) => {
          const colour = colourOf(item, index);
          const sorted = [...item.points].sort((a, b) => a.x - b.x);
          return (
            <g key={item.label}>
              {mode === 'line' && sorted.length > 1 ? (
                <polyline
                  fill="none"
                  stroke={colour}
                  strokeWidth={2}
                  points={sorted.map((point) => `${sx(point.x)},${sy(point.y)}`).join(' ')}
                />
              ) : null}
              {sorted.map((point, pointIndex) => (
                <circle
                  key={pointIndex}
                  cx={sx(point.x)}
                  cy={sy(point.y)}
                  r={mode === 'line' ? 2.5 : 4}
                  fill={colour}
                >
                  <title>
                    {point.title ?? `${item.label}: (${tick(point.x)}, ${tick(point.y)})`}
                  </title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <ul className="legend">
          {series.map((item, index) => (
            <li key={item.label}>
              <span className="swatch" style={{ background: colourOf(item, index) }} />
              {item.label}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
