import { describe, expect, it } from 'vitest';
import { sampleResults } from './report-fixture.ts';
import { buildFigures, creditHorizonOf, paretoSet } from './report-plots.ts';
import { parseResults } from './report.ts';

/** A frontier arm: its λ, its credit, and what it measured. */
function arm(name: string, lambda: number, credit: string, hiddenUse: number, tamperRate: number) {
  return {
    experiment: 'frontier',
    arm: name,
    parameters: { lambda, credit, trainer: 'outcome-rl' },
    metrics: { hiddenUse, tamperRate, trueReturn: 0.9 - tamperRate },
  };
}

const results = parseResults({
  arms: [
    arm('lambda-0', 0, 'full-horizon', 0, 0),
    arm('lambda-0.5', 0.5, 'full-horizon', 0.6, 0.4),
    arm('lambda-1', 1, 'full-horizon', 1, 1),
    arm('lambda-0-h1', 0, 'myopic', 0, 0),
    arm('lambda-1-h1', 1, 'myopic', 0.3, 0.1),
    arm('lambda-0.5-h4', 0.5, 'full-horizon', 0.8, 0),
    arm('current-reward-function', 1, 'full-horizon', 0.8, 0),
  ],
});

describe('the frontier figures', () => {
  it('read each arm’s credit horizon from its name or its credit', () => {
    const horizons = results.arms.map(creditHorizonOf);
    expect(horizons).toEqual(['full', 'full', 'full', 'myopic', 'myopic', 'h4', 'full']);
  });

  it('keep the arms no other arm beats on both capability and risk', () => {
    const points = [
      { name: 'a', x: 0, y: 0 },
      { name: 'b', x: 0.5, y: 0.5 },
      { name: 'c', x: 0.8, y: 0 },
      { name: 'd', x: 0.8, y: 0 },
      { name: 'e', x: 1, y: 1 },
      { name: 'f', x: 0.3, y: 0.1 },
    ];
    expect(paretoSet(points).map((point) => point.name)).toEqual(['c', 'd', 'e']);
  });

  it('draw hiddenUse against tamperRate with the Pareto set, and tamperRate against λ per horizon', () => {
    const figures = buildFigures(results).filter((figure) => figure.kind === 'frontier');
    expect(figures.map((figure) => figure.id)).toEqual([
      'frontier-frontier',
      'frontier-tamper-rate-by-lambda',
    ]);
    const [frontier, byLambda] = figures;
    expect(frontier.caption).toContain(
      'Pareto set (no arm has more capability at no more risk): lambda-0.5-h4, current-reward-function, lambda-1.',
    );
    for (const name of [
      'credit full (by λ)',
      'credit myopic (by λ)',
      'credit h4 (by λ)',
      'Pareto set',
    ])
      expect(frontier.svg).toContain(`>${name}</text>`);
    expect(byLambda.caption).toContain('one line per credit horizon (full, myopic, h4)');
  });

  it('are left out where no arm reports tamperRate', () => {
    const figures = buildFigures(parseResults(sampleResults()));
    expect(figures.some((figure) => figure.kind === 'frontier')).toBe(false);
  });
});
