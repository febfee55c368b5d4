import { describe, expect, it } from 'vitest';
import { parseResults } from './report.ts';
import { buildFigures } from './report-plots.ts';

/** A judge-vs-writer arm, as review/run-judge-vs-writer.ts writes it. */
function reviewArm(review: string, width: number, writerAccuracy: number, auroc: number[]) {
  return {
    experiment: 'judge-vs-writer',
    arm: `${review}-review-w${width}`,
    parameters: { review, width: `w${width}` },
    metrics: {
      writerAccuracy,
      reviewAuroc: auroc[0],
      ...Object.fromEntries(auroc.map((value, index) => [`reviewAuroc@s${index + 1}`, value])),
    },
  };
}

describe('review figure', () => {
  it('plots each reviewer’s AUROC against subtlety beside one flat line per writer width', () => {
    const results = parseResults({
      experiments: [{ name: 'judge-vs-writer', metrics: ['writerAccuracy', 'reviewAuroc'] }],
      arms: [
        reviewArm('snap', 32, 0.1, [0.9, 0.8, 0.95, 0.7]),
        reviewArm('hch', 32, 0.1, [0.8, 0.7, 0.85, 0.6]),
        reviewArm('snap', 64, 0.4, [0.99, 0.9, 1, 0.9]),
      ],
    });
    const figures = buildFigures(results).filter((figure) => figure.kind === 'review');
    expect(figures.map((figure) => figure.id)).toEqual(['judge-vs-writer-review-subtlety']);
    const [figure] = figures;
    for (const name of ['snap-review-w32', 'hch-review-w32', 'snap-review-w64']) {
      expect(figure.svg).toContain(`<title>${name}</title>`);
    }
    expect(figure.svg).toContain('<title>writer w32</title>');
    expect(figure.svg).toContain('<title>writer w64</title>');
    expect(figure.svg.match(/<polyline /g)).toHaveLength(5);
  });

  it('draws nothing for an experiment without AUROC per subtlety', () => {
    const results = parseResults({
      arms: [{ experiment: 'x', arm: 'a', metrics: { reviewAuroc: 0.9, writerAccuracy: 0.5 } }],
    });
    expect(buildFigures(results).filter((figure) => figure.kind === 'review')).toEqual([]);
  });
});
