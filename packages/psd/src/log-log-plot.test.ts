import { describe, expect, it } from 'vitest';
import { logLogChart, logLogFigure } from './log-log-plot.ts';

const chart = {
  title: 'seconds against n·m',
  xLabel: 'n·m',
  yLabel: 'wall seconds',
  note: "the prize's O(nm)",
  reference: { slope: 1, name: 'slope 1' },
  series: [
    {
      name: 'dense',
      points: [
        [1e6, 0.1],
        [1e8, 1],
      ] as [number, number][],
      exponent: 0.5,
    },
    { name: 'a<b & "c"', points: [[1e7, 0.3]] as [number, number][], exponent: Number.NaN },
  ],
};

describe('logLogChart', () => {
  it('draws labelled log axes, one group per series and the exponent in each legend entry', () => {
    const svg = logLogChart(chart);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<text class="x-label"');
    expect(svg).toContain('>n·m</text>');
    expect(svg).toContain('>wall seconds</text>');
    expect(svg).toContain('prize&#39;s O(nm)');
    expect(svg).toContain('<g class="reference"');
    expect(svg).toContain('>slope 1</text>');
    expect(svg.match(/<g class="series"/g)).toHaveLength(2);
    expect(svg).toContain('dense: exponent 0.50');
    // A series of one point has no slope: a dash, no fitted line, and its name escaped.
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;: exponent —');
    expect(svg.match(/<line class="fit"/g)).toHaveLength(1);
    // Decade ticks 10^6 … 10^8 on x and 10^-1 … 10^0 on y.
    for (const exponent of [6, 7, 8, -1, 0]) {
      expect(svg).toContain(`<tspan dy="-6" font-size="9">${exponent}</tspan>`);
    }
  });

  it('places the fitted line through the points when they lie on it', () => {
    const svg = logLogChart({ ...chart, series: [chart.series[0]] });
    const fit = /<line class="fit" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/.exec(
      svg,
    )!;
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="3.5"\/>/g)];
    expect(fit.slice(1, 3)).toEqual(circles[0].slice(1, 3));
    expect(fit.slice(3, 5)).toEqual(circles[1].slice(1, 3));
  });
});

describe('logLogFigure', () => {
  it('stacks charts in one document, each at its own offset', () => {
    const svg = logLogFigure([chart, { ...chart, title: 'seconds against 1/ε', height: 300 }]);
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(svg).toContain('width="760" height="720"');
    expect(svg).toContain('<svg y="0" xmlns=');
    expect(svg).toContain('<svg y="420" xmlns=');
    expect(svg).toContain('seconds against 1/ε');
  });
});
