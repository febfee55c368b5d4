import { describe, expect, it } from 'vitest';
import { parseResults } from './report.ts';
import { buildFigures } from './report-plots.ts';

/** A control experiment's results: one arm per protocol, as control/run-control.ts writes them. */
function controlArm(arm: string, replaceShare: number, safety: number, usefulness: number) {
  return {
    experiment: 'control',
    arm,
    parameters: { audit: 'suspicious', monitor: 'program', replaceShare, replacement: 'trusted' },
    metrics: { safety, usefulness, attackRate: 0.01 },
  };
}

describe('control figure', () => {
  it('plots safety against usefulness, joining protocols that differ in the replaced share', () => {
    const results = parseResults({
      experiments: [{ name: 'control', metrics: ['safety', 'usefulness', 'attackRate'] }],
      arms: [
        {
          ...controlArm('upfront-auditing', 0, 0.15, 1),
          parameters: {
            audit: 'upfront',
            monitor: 'program',
            replaceShare: 0,
            replacement: 'trusted',
          },
        },
        controlArm('trusted-monitoring', 0, 0.62, 0.97),
        controlArm('defer-to-trusted-10', 0.1, 0.83, 0.93),
      ],
    });
    const figures = buildFigures(results).filter((figure) => figure.kind === 'control');
    expect(figures.map((figure) => figure.id)).toEqual(['control-safety-usefulness']);
    const [figure] = figures;
    expect(figure.svg).toContain('<title>upfront-auditing</title>');
    expect(figure.svg).toContain('<title>trusted-monitoring … defer-to-trusted-10</title>');
    // The joined protocols are one line: a polyline through their two points.
    expect(figure.svg.match(/<polyline /g)).toHaveLength(1);
    expect(figure.caption).toContain('Greenblatt et al. 2023');
  });

  it('draws nothing for an experiment without safety and usefulness', () => {
    const results = parseResults({
      arms: [{ experiment: 'x', arm: 'a', metrics: { accuracy: 1 } }],
    });
    expect(buildFigures(results).filter((figure) => figure.kind === 'control')).toEqual([]);
  });
});
