/** Small SVG plots with no chart library: lines (a metric over steps) and points (runs). */

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

function extent(values: number[]): [number, number] {
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (low === high) {
    low -= low === 0 ? 1 : Math.abs(low) * 0.1;
    high += high === 0 ? 1 : Math.abs(high) * 0.1;
  }
  return [low, high];
}

function tick(value: number): string {
  return Math.abs(value) >= 1000 || Number.isInteger(value)
    ? value.toFixed(0)
    : value.toPrecision(3);
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
  const [x0, x1] = extent(all.map((point) => point.x));
  const [y0, y1] = extent(all.map((point) => point.y));
  const sx = (x: number) =>
    MARGIN.left + ((x - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  const sy = (y: number) =>
    HEIGHT - MARGIN.bottom - ((y - y0) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
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
        {ticks.map((fraction) => {
          const y = y0 + fraction * (y1 - y0);
          const x = x0 + fraction * (x1 - x0);
          return (
            <g key={fraction} className="tick">
              <text x={MARGIN.left - 6} y={sy(y) + 4} textAnchor="end">
                {tick(y)}
              </text>
              <text x={sx(x)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle">
                {tick(x)}
              </text>
            </g>
          );
        })}
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
