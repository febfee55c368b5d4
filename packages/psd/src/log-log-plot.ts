/**
 * Log–log charts of benchmark times as standalone SVG text, with no dependency (psd does not depend
 * on overseer's report plots): decade ticks on both axes, one marker set and dashed least-squares
 * line per series, and a legend that carries each series' fitted exponent.
 */

/** One named series: (x, y) points, both positive, and the slope of log y against log x fitted to them. */
export interface LogLogSeries {
  name: string;
  points: [number, number][];
  exponent: number;
}

/** One chart; the options are its content. */
export interface LogLogChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LogLogSeries[];
  /** Text under the title. */
  note?: string;
  /** A grey dotted line of this slope through the centroid of all points, named in the legend (e.g. the prize's exponent 1). */
  reference?: { slope: number; name: string };
  /** Pixels (default 760 × 420). */
  width?: number;
  height?: number;
}

// Okabe–Ito colours (distinguishable with colour-vision deficiencies); later series repeat them dashed differently.
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['6 4', '2 3', '10 3 2 3'];
const FONT = 'font-family="system-ui, Helvetica, Arial, sans-serif"';
const MARGIN = { top: 56, right: 250, bottom: 56, left: 72 };
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside XML content and attribute values (family names come from the command line). */
function xml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

/** The decades [10^low, 10^high] that cover the values, at least one decade wide. */
function decades(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const low = Math.floor(Math.log10(Math.min(...values)));
  const high = Math.ceil(Math.log10(Math.max(...values)));
  return [low, Math.max(high, low + 1)];
}

/** A positive point of a series: y floored at 1e-6 as the slope fit floors it. */
function plotted(points: [number, number][]): [number, number][] {
  return points.filter(([x, y]) => x > 0 && y >= 0).map(([x, y]) => [x, Math.max(y, 1e-6)]);
}

/** The ends, over the points' x range, of the line of this log–log slope through the centroid of the logged points. */
function fittedLine(points: [number, number][], slope: number): [number, number][] {
  const logs = points.map(([x, y]) => [Math.log10(x), Math.log10(y)]);
  const mx = logs.reduce((sum, [x]) => sum + x, 0) / logs.length;
  const my = logs.reduce((sum, [, y]) => sum + y, 0) / logs.length;
  const ends = [Math.min(...logs.map(([x]) => x)), Math.max(...logs.map(([x]) => x))];
  return ends.map((x): [number, number] => [10 ** x, 10 ** (my + slope * (x - mx))]);
}

function power(exponent: number): string {
  return `10<tspan dy="-6" font-size="9">${exponent}</tspan>`;
}

/** One log–log chart as an SVG document. */
export function logLogChart(options: LogLogChartOptions): string {
  const { title, xLabel, yLabel, note, width = 760, height = 420 } = options;
  const series = options.series.map((entry) => ({ ...entry, points: plotted(entry.points) }));
  const all = series.flatMap((entry) => entry.points);
  const line = options.reference && all.length >= 2 ? fittedLine(all, options.reference.slope) : [];
  const [xLow, xHigh] = decades(all.map(([x]) => x));
  // The reference line's ends widen the y range so that it stays inside the plot.
  const [yLow, yHigh] = decades([...all, ...line].map(([, y]) => y));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number =>
    MARGIN.left + ((Math.log10(x) - xLow) / (xHigh - xLow)) * plotWidth;
  const py = (y: number): number =>
    MARGIN.top + plotHeight - ((Math.log10(y) - yLow) / (yHigh - yLow)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text class="title" x="${MARGIN.left}" y="22" font-size="15" font-weight="600">${xml(title)}</text>`,
  ];
  if (note)
    parts.push(`<text class="note" x="${MARGIN.left}" y="40" fill="#555">${xml(note)}</text>`);
  for (let exponent = xLow; exponent <= xHigh; exponent++) {
    const x = px(10 ** exponent).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#e5e5e5"/>`,
      `<text x="${x}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${power(exponent)}</text>`,
    );
  }
  for (let exponent = yLow; exponent <= yHigh; exponent++) {
    const y = py(10 ** exponent).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${power(exponent)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
    `<text class="x-label" x="${MARGIN.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle">${xml(xLabel)}</text>`,
    `<text class="y-label" transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${xml(yLabel)}</text>`,
  );
  series.forEach((entry, index) => {
    const color = COLORS[index % COLORS.length];
    const dash = DASHES[Math.floor(index / COLORS.length) % DASHES.length];
    // Past the palette, hollow markers tell a series from the one that shares its colour.
    const fill = index < COLORS.length ? color : '#fff';
    const legendY = MARGIN.top + 8 + index * 18;
    const legendX = MARGIN.left + plotWidth + 16;
    // `+ 0` turns a slope that rounds to −0.00 into 0.00.
    const exponent = Number.isFinite(entry.exponent) ? (entry.exponent + 0).toFixed(2) : '—';
    parts.push(
      `<g class="series" data-series="${xml(entry.name)}" stroke="${color}" fill="${fill}">`,
    );
    parts.push(
      ...entry.points.map(
        ([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5"/>`,
      ),
    );
    if (Number.isFinite(entry.exponent) && entry.points.length >= 2) {
      const [a, b] = fittedLine(entry.points, entry.exponent);
      parts.push(
        `<line class="fit" x1="${px(a[0]).toFixed(1)}" y1="${py(a[1]).toFixed(1)}" x2="${px(b[0]).toFixed(1)}" y2="${py(b[1]).toFixed(1)}" stroke-dasharray="${dash}" stroke-width="1.5"/>`,
      );
    }
    parts.push(
      `<circle cx="${legendX + 6}" cy="${legendY}" r="3.5"/>`,
      `<text class="legend" x="${legendX + 16}" y="${legendY}" dominant-baseline="middle" stroke="none" fill="#222">${xml(entry.name)}: exponent ${exponent}</text>`,
      '</g>',
    );
  });
  if (options.reference && line.length === 2) {
    const [a, b] = line;
    const legendY = MARGIN.top + 8 + series.length * 18;
    const legendX = MARGIN.left + plotWidth + 16;
    parts.push(
      `<g class="reference" stroke="#777" fill="#555">`,
      `<line x1="${px(a[0]).toFixed(1)}" y1="${py(a[1]).toFixed(1)}" x2="${px(b[0]).toFixed(1)}" y2="${py(b[1]).toFixed(1)}" stroke-dasharray="1 3" stroke-width="1.5"/>`,
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 12}" y2="${legendY}" stroke-dasharray="1 3" stroke-width="1.5"/>`,
      `<text class="legend" x="${legendX + 16}" y="${legendY}" dominant-baseline="middle" stroke="none">${xml(options.reference.name)}</text>`,
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Several charts stacked in one SVG document (e.g. time against n·m above time against 1/ε). */
export function logLogFigure(charts: LogLogChartOptions[]): string {
  const rendered = charts.map((chart) => ({
    svg: logLogChart(chart),
    width: chart.width ?? 760,
    height: chart.height ?? 420,
  }));
  const width = Math.max(0, ...rendered.map((chart) => chart.width));
  const height = rendered.reduce((sum, chart) => sum + chart.height, 0);
  let top = 0;
  const nested = rendered.map((chart) => {
    // A nested <svg> placed at its offset keeps each chart's own coordinates.
    const placed = chart.svg.replace('<svg ', `<svg y="${top}" `);
    top += chart.height;
    return placed;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    ...nested,
    '</svg>',
    '',
  ].join('\n');
}
