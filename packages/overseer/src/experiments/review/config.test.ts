import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../../errors.ts';
import { isJudgeVsWriterDocument, parseJudgeVsWriterExperiment, reviewArmName } from './config.ts';

const minimal = {
  kind: 'judge-vs-writer',
  writer: { steps: 10 },
  snap: { steps: 10 },
  hch: { steps: 10 },
};

/** The message of the OverseerError `run` throws. */
function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isOverseerError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an OverseerError');
}

describe('parseJudgeVsWriterExperiment', () => {
  it('fills the defaults: widths 32, 64, 128 and both review kinds', () => {
    const experiment = parseJudgeVsWriterExperiment(minimal, 'x.yaml');
    expect(experiment.widths).toEqual([32, 64, 128]);
    expect(experiment.reviews).toEqual(['snap', 'hch']);
    expect(experiment.name).toBe('judge-vs-writer');
    expect(experiment.writer).toEqual({ steps: 10, batchSize: 32, learningRate: 3e-3 });
  });

  it('applies --set and --seed', () => {
    const experiment = parseJudgeVsWriterExperiment(minimal, 'x.yaml', {
      seed: 4,
      set: ['widths=[16]', 'snap.steps=3', 'evaluation.samples=7'],
    });
    expect(experiment.seeds).toEqual([4]);
    expect(experiment.widths).toEqual([16]);
    expect(experiment.snap.steps).toBe(3);
    expect(experiment.evaluation.samples).toBe(7);
  });

  it('names the key path of an unknown or wrong key', () => {
    expect(
      problemOf(() => parseJudgeVsWriterExperiment({ ...minimal, wdiths: [8] }, 'x.yaml')),
    ).toContain('wdiths');
    expect(
      problemOf(() => parseJudgeVsWriterExperiment({ ...minimal, writer: { steps: 0 } }, 'x.yaml')),
    ).toContain('writer.steps');
    expect(
      problemOf(() => parseJudgeVsWriterExperiment(minimal, 'x.yaml', { set: ['oops'] })),
    ).toContain('expected key.path=value');
  });

  it('refuses a width the heads do not divide, and a width listed twice', () => {
    expect(
      problemOf(() => parseJudgeVsWriterExperiment({ ...minimal, widths: [30] }, 'x.yaml')),
    ).toContain('width 30 is not a multiple of model.heads 4');
    expect(
      problemOf(() => parseJudgeVsWriterExperiment({ ...minimal, widths: [32, 32] }, 'x.yaml')),
    ).toContain('width 32 is listed twice');
  });
});

describe('isJudgeVsWriterDocument and reviewArmName', () => {
  it('recognise the kind and name arms by review and width', () => {
    expect(isJudgeVsWriterDocument(minimal)).toBe(true);
    expect(isJudgeVsWriterDocument({ kind: 'control' })).toBe(false);
    expect(isJudgeVsWriterDocument([minimal])).toBe(false);
    expect(reviewArmName('snap', 32)).toBe('snap-review-w32');
    expect(reviewArmName('hch', 128)).toBe('hch-review-w128');
  });
});
