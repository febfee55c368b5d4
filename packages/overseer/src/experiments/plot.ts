/**
 * Line charts as standalone SVG text, with no dependency: axes with round-number ticks, a grid,
 * one polyline and marker shape per series, and a legend. Every label is XML-escaped (series are
 * named after arms, and reports must stay safe whatever a config or a model wrote).
 */

/** One point of a series. */
export interface Point {
  x: number;
  y: number;
}

/** A named line. */
export interface Series {
  name: string;
  points: Point[];
  /**
   * Which colour and marker the line takes (default: its position in the chart), so a report
   * can give one arm one look in every chart whatever other lines a chart leaves out.
   */
  style?: number;
}

/** What to draw. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Pixels (default 640 × 360). */
  width?: number;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for rates; otherwise from the data with round ends. */
  yDomain?: [number, number];
  /** `percent` shows y ticks as 0%–100% (values are fractions). */
  yFormat?: 'number' | 'percent';
  /** `log` for quantities spanning orders of magnitude (non-positive x are dropped). */
  xScale?: 'linear' | 'log';
}

/** Okabe–Ito colours (distinguishable with colour-vision deficiencies), then greys. */
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'down', 'cross', 'plus'] as const;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escapes text for XML and HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * About `count` round-number ticks (steps of 1, 2 or 5 × 10^k) covering [min, max]: the first
 * at or below min, the last at or above max.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const low = Math.min(min, max);
  const high = Math.max(min, max);
  const rough = (high - low) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const first = Math.floor(low / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let value = first; value < high + step - 1e-9 * step; value += step) {
    ticks.push(Number(value.toPrecision(12)));
    if (ticks.length > 50) break;
  }
  return ticks;
}

/** Powers of ten covering [min, max] (both positive), for a log axis. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power += 1) {
    ticks.push(10 ** power);
  }
  return ticks.length >= 2 ? ticks : [ticks[0] ?? 1, (ticks[0] ?? 1) * 10];
}

/** A tick label: compact for large numbers, with as many decimals as the tick step needs. */
export function formatTick(value: number, step: number, format: 'number' | 'percent'): string {
  if (format === 'percent') {
    const decimals = Math.max(0, -Math.floor(Math.log10(Math.abs(step * 100) || 1)));
    return `${(value * 100).toFixed(Math.min(decimals, 3))}%`;
  }
  const magnitude = Math.abs(value);
  // Training FLOPs run to 10^12 and beyond.
  if (magnitude >= 1e12) return `${trim(value / 1e12, step / 1e12)}T`;
  if (magnitude >= 1e9) return `${trim(value / 1e9, step / 1e9)}G`;
  if (magnitude >= 1e6) return `${trim(value / 1e6, step / 1e6)}M`;
  if (magnitude >= 1e4) return `${trim(value / 1e3, step / 1e3)}k`;
  return trim(value, step);
}

function trim(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(Math.abs(step) || 1) + 1e-9)));
  return value.toFixed(decimals);
}

function marker(shape: (typeof SHAPES)[number], x: number, y: number, color: string): string {
  const r = 3.5;
  const at = (points: Array<[number, number]>): string =>
    points.map(([dx, dy]) => `${(x + dx).toFixed(1)},${(y + dy).toFixed(1)}`).join(' ');
  switch (shape) {
    case 'circle':
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${color}"/>`;
    case 'square':
      return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="${color}"/>`;
    case 'triangle':
      return `<polygon points="${at([
        [0, -r - 1],
        [r + 1, r],
        [-r - 1, r],
      ])}" fill="${color}"/>`;
    case 'diamond':
      return `<polygon points="${at([
        [0, -r - 1],
        [r + 1, 0],
        [0, r + 1],
        [-r - 1, 0],
      ])}" fill="${color}"/>`;
    case 'down':
      return `<polygon points="${at([
        [0, r + 1],
        [r + 1, -r],
        [-r - 1, -r],
      ])}" fill="${color}"/>`;
    case 'cross':
      return `<path d="M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}" stroke="${color}" stroke-width="2"/>`;
    case 'plus':
      return `<path d="M${x - r - 1},${y}L${x + r + 1},${y}M${x},${y - r - 1}L${x},${y + r + 1}" stroke="${color}" stroke-width="2"/>`;
  }
}

/** Where the plot sits inside the chart: margins (the right one holds the legend) and plot size. */
interface ChartLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  plotWidth: number;
  plotHeight: number;
}

/** Data coordinates → pixels, with the ticks that bound them. */
interface ChartScales {
  xTicks: number[];
  yTicks: number[];
  /** The y range shown (the domain, or the outer ticks). */
  y0: number;
  y1: number;
  xStep: number;
  yStep: number;
  scaleX: (x: number) => number;
  scaleY: (y: number) => number;
}

/** The series with points it cannot draw dropped (non-finite, or x ≤ 0 on a log axis), x-sorted. */
function drawableSeries(options: LineChartOptions): Series[] {
  const logX = options.xScale === 'log';
  return options.series.map((line) => ({
    ...line,
    points: line.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logX || p.x > 0))
      .sort((a, b) => a.x - b.x),
  }));
}

function chartLayout(options: LineChartOptions, series: readonly Series[]): ChartLayout {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const legendWidth =
    series.length === 0
      ? 0
      : Math.min(240, 34 + 6.6 * Math.max(...series.map((line) => line.name.length)));
  const margin = { top: 34, right: 16 + legendWidth, bottom: 46, left: 62 };
  const plotWidth = Math.max(80, width - margin.left - margin.right);
  const plotHeight = Math.max(60, height - margin.top - margin.bottom);
  return { width, height, margin, plotWidth, plotHeight };
}

function chartScales(options: LineChartOptions, all: Point[], layout: ChartLayout): ChartScales {
  const { margin, plotWidth, plotHeight } = layout;
  const logX = options.xScale === 'log';
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xTicks = logX
    ? logTicks(Math.min(...xs), Math.max(...xs))
    : niceTicks(Math.min(...xs), Math.max(...xs), Math.max(2, Math.round(plotWidth / 90)));
  const yTicks = options.yDomain
    ? niceTicks(options.yDomain[0], options.yDomain[1], 5)
    : niceTicks(Math.min(...ys), Math.max(...ys), Math.max(2, Math.round(plotHeight / 55)));
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = options.yDomain ?? [yTicks[0], yTicks[yTicks.length - 1]];
  const scaleX = (x: number): number =>
    margin.left +
    (logX
      ? ((Math.log10(x) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * plotWidth
      : ((x - x0) / (x1 - x0 || 1)) * plotWidth);
  const scaleY = (y: number): number =>
    margin.top + plotHeight - ((y - y0) / (y1 - y0 || 1)) * plotHeight;
  const xStep = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  return { xTicks, yTicks, y0, y1, xStep, yStep, scaleX, scaleY };
}

/** The grid lines and tick labels of both axes. */
function gridParts(options: LineChartOptions, layout: ChartLayout, scales: ChartScales): string[] {
  const { margin, plotWidth, plotHeight } = layout;
  const format = options.yFormat ?? 'number';
  const logX = options.xScale === 'log';
  const parts: string[] = [];
  for (const tick of scales.yTicks) {
    if (tick < scales.y0 - 1e-9 || tick > scales.y1 + 1e-9) continue;
    const y = scales.scaleY(tick).toFixed(1);
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${y}" dy="0.32em" text-anchor="end" fill="#444">${escapeXml(formatTick(tick, scales.yStep, format))}</text>`,
    );
  }
  for (const tick of scales.xTicks) {
    const x = scales.scaleX(tick).toFixed(1);
    const label = logX
      ? formatTick(tick, tick, 'number')
      : formatTick(tick, scales.xStep, 'number');
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#f0f0f0"/>`,
      `<line x1="${x}" x2="${x}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 5}" stroke="#444"/>`,
      `<text x="${x}" y="${margin.top + plotHeight + 18}" text-anchor="middle" fill="#444">${escapeXml(label)}</text>`,
    );
  }
  return parts;
}

/** The two axis lines and their labels. */
function axisParts(options: LineChartOptions, layout: ChartLayout): string[] {
  const { margin, plotWidth, plotHeight, height } = layout;
  return [
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#444"/>`,
    `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#444"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" fill="#222">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(options.yLabel)}</text>`,
  ];
}

/** The `index`th series: its line and markers, then its legend entry. */
function seriesParts(
  line: Series,
  index: number,
  layout: ChartLayout,
  scales: ChartScales,
): string[] {
  const { scaleX, scaleY } = scales;
  const style = line.style ?? index;
  const color = COLORS[style % COLORS.length];
  const shape = SHAPES[style % SHAPES.length];
  const dashed = style >= COLORS.length ? ' stroke-dasharray="6 3"' : '';
  const coordinates = line.points.map((p) => `${scaleX(p.x).toFixed(1)},${scaleY(p.y).toFixed(1)}`);
  const parts = [`<g class="series"><title>${escapeXml(line.name)}</title>`];
  if (coordinates.length > 1) {
    parts.push(
      `<polyline points="${coordinates.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dashed}/>`,
    );
  }
  for (const p of line.points) parts.push(marker(shape, scaleX(p.x), scaleY(p.y), color));
  parts.push('</g>');
  const legendX = layout.margin.left + layout.plotWidth + 16;
  const legendY = layout.margin.top + 8 + index * 18;
  parts.push(
    `<line x1="${legendX}" x2="${legendX + 20}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"${dashed}/>`,
    marker(shape, legendX + 10, legendY, color),
    `<text x="${legendX + 26}" y="${legendY}" dy="0.32em" fill="#222">${escapeXml(line.name)}</text>`,
  );
  return parts;
}

/** A line chart as a standalone SVG document (also valid inline in HTML). */
export function lineChart(options: LineChartOptions): string {
  const series = drawableSeries(options);
  const all = series.flatMap((line) => line.points);
  const layout = chartLayout(options, series);
  const { width, height, margin, plotWidth, plotHeight } = layout;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}" ${FONT} font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="20" font-size="14" font-weight="600" fill="#222">${escapeXml(options.title)}</text>`,
  ];
  if (all.length === 0) {
    parts.push(
      `<text x="${margin.left + plotWidth / 2}" y="${margin.top + plotHeight / 2}" text-anchor="middle" fill="#666">no data</text>`,
      '</svg>',
    );
    return parts.join('\n');
  }
  const scales = chartScales(options, all, layout);
  parts.push(
    ...gridParts(options, layout, scales),
    ...axisParts(options, layout),
    ...series.flatMap((line, index) => seriesParts(line, index, layout, scales)),
    '</svg>',
  );
  return parts.join('\n');
}
