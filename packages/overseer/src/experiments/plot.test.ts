import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, lineChart, niceTicks } from './plot.ts';

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 450, 5)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(niceTicks(3, 97, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(-0.3, 0.9, 4)).toEqual([-0.5, 0, 0.5, 1]);
  });

  it('widens a single value and refuses non-finite ones', () => {
    expect(niceTicks(5, 5, 4)).toEqual([4.5, 4.75, 5, 5.25, 5.5]);
    expect(niceTicks(0, 0, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, Infinity)).toEqual([]);
  });
});

describe('formatTick', () => {
  it('uses as many decimals as the step needs, compact thousands and percentages', () => {
    expect(formatTick(0.25, 0.05, 'number')).toBe('0.25');
    expect(formatTick(200, 100, 'number')).toBe('200');
    expect(formatTick(20000, 10000, 'number')).toBe('20k');
    expect(formatTick(0.4, 0.2, 'percent')).toBe('40%');
    expect(formatTick(0.025, 0.005, 'percent')).toBe('2.5%');
  });
});

describe('lineChart', () => {
  const series = [
    {
      name: 'process-rl',
      points: [
        { x: 0, y: 0.1 },
        { x: 100, y: 0.5 },
        { x: 200, y: 0.9 },
      ],
    },
    {
      name: 'outcome-rl',
      points: [
        { x: 0, y: 0.2 },
        { x: 200, y: 0.4 },
      ],
    },
  ];

  it('draws axes, ticks, one line and legend entry per series', () => {
    const svg = lineChart({
      title: 'hack rate',
      xLabel: 'training steps',
      yLabel: 'hackRate',
      series,
      yDomain: [0, 1],
      yFormat: 'percent',
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    for (const label of ['0%', '20%', '100%', '0', '100', '200', 'training steps', 'hackRate']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain('>process-rl</text>');
    expect(svg).toContain('>outcome-rl</text>');
    // Points sit inside the plot area: x from the left margin, y within the height.
    const coordinates = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((match) => [
      Number(match[1]),
      Number(match[2]),
    ]);
    for (const [x, y] of coordinates) {
      expect(x).toBeGreaterThanOrEqual(62);
      expect(y).toBeGreaterThanOrEqual(34);
      expect(y).toBeLessThanOrEqual(360 - 46);
    }
  });

  it('escapes every label', () => {
    const svg = lineChart({
      title: '<b>t</b>',
      xLabel: 'x & y',
      yLabel: '"y"',
      series: [{ name: '<script>alert(1)</script>', points: [{ x: 1, y: 1 }] }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('x &amp; y');
    expect(escapeXml(`'"<>&`)).toBe('&#39;&quot;&lt;&gt;&amp;');
  });

  it('says when there is nothing to draw, and drops points a log axis cannot show', () => {
    expect(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain('no data');
    const svg = lineChart({
      title: 't',
      xLabel: 'calls',
      yLabel: 'y',
      xScale: 'log',
      series: [
        {
          name: 's',
          points: [
            { x: 0, y: 1 },
            { x: 10, y: 2 },
            { x: 1000, y: 3 },
          ],
        },
      ],
    });
    expect(svg.match(/<circle /g)).toHaveLength(3); // two points and the legend's marker
    for (const label of ['10', '100', '1000']) expect(svg).toContain(`>${label}</text>`);
  });
});
