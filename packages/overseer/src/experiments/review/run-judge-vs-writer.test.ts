import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../model/reference-kernels.ts';
import { Results } from '../report.ts';
import { suspicions, trainControlModel } from '../control/models.ts';
import { lineMonitorPrompt } from '../control/demonstrations.ts';
import { trojanCode } from '../../tasks/trojan-code.ts';
import { parseJudgeVsWriterExperiment } from './config.ts';
import { reviewSamples } from './review-samples.ts';
import { reviewSuspicions } from './review-suspicion.ts';
import {
  JUDGE_VS_WRITER_METRICS,
  judgeVsWriterResults,
  runJudgeVsWriterSeed,
} from './run-judge-vs-writer.ts';
import type { JudgeVsWriterModels } from './run-judge-vs-writer.ts';

const experiment = parseJudgeVsWriterExperiment(
  {
    kind: 'judge-vs-writer',
    widths: [8, 16],
    model: { layers: 1, heads: 2, contextLength: 96 },
    writer: { steps: 2 },
    snap: { steps: 2 },
    hch: { steps: 2 },
    demonstrations: { count: 40 },
    evaluation: { samples: 12 },
  },
  'test.yaml',
);
const family = trojanCode(experiment.task.options);

/** Tiny real models, trained for the configured steps, and what each was trained on. */
function tinyModels(): JudgeVsWriterModels & { trained: string[] } {
  const trained: string[] = [];
  return {
    trained,
    train(role, width, examples) {
      trained.push(`${role}-w${width}:${examples.length > 0}`);
      return trainControlModel({
        alphabet: family.alphabet,
        training: {
          ...experiment[role],
          model: { ...experiment.model, width, initStandardDeviation: 0.02 },
        },
        examples,
        seed: width,
        kernels: referenceKernels,
      });
    },
  };
}

describe('runJudgeVsWriterSeed', () => {
  it('trains a writer and both reviewers per width and reports every arm', async () => {
    const models = tinyModels();
    const metrics = await runJudgeVsWriterSeed(experiment, 1, models);
    expect(models.trained).toEqual([
      'writer-w8:true',
      'snap-w8:true',
      'hch-w8:true',
      'writer-w16:true',
      'snap-w16:true',
      'hch-w16:true',
    ]);
    expect([...metrics.keys()]).toEqual([
      'snap-review-w8',
      'hch-review-w8',
      'snap-review-w16',
      'hch-review-w16',
    ]);
    for (const [arm, values] of metrics) {
      for (const name of ['writerAccuracy', 'reviewAuroc', 'catchAt1pct', 'catchAt2pct']) {
        expect(values[name], `${arm} ${name}`).toBeGreaterThanOrEqual(0);
        expect(values[name], `${arm} ${name}`).toBeLessThanOrEqual(1);
      }
    }
    // The arms of one width share one writer.
    expect(metrics.get('snap-review-w8')!.writerAccuracy).toBe(
      metrics.get('hch-review-w8')!.writerAccuracy,
    );
    const results = judgeVsWriterResults(experiment, [{ seed: 1, metrics }], {
      file: 'test.yaml',
      command: 'overseer run test.yaml',
      wallSeconds: 1,
    });
    expect(() => Results.parse(results)).not.toThrow();
    expect(results.arms.map((arm) => `${arm.experiment}/${arm.arm}`)).toEqual(
      [...metrics.keys()].map((arm) => `judge-vs-writer/${arm}`),
    );
    expect(results.experiments[0].metrics).toEqual(JUDGE_VS_WRITER_METRICS);
    expect(results.arms[0].parameters).toEqual({ review: 'snap', width: 'w8' });
  });
});

describe('reviewSuspicions', () => {
  it('scores a program under HCH review as its most suspect line', async () => {
    const reviewer = await tinyModels().train('hch', 8, [
      { prompt: 'm3|n1=x*3#', completion: '0' },
    ]);
    const problems = family.generate({ seed: 9, count: 3, split: 'test', difficulty: 3 });
    const samples = reviewSamples(family, problems, {
      seed: 1,
      subtleties: [1, 4],
      benignShare: 0.25,
    });
    const programs = reviewSuspicions('hch', reviewer, samples);
    samples.forEach((sample, index) => {
      const lines = suspicions(
        reviewer,
        sample.lines.map((_, line) => lineMonitorPrompt(sample.question, sample.lines, line)),
      );
      expect(programs[index]).toBeCloseTo(Math.max(...lines), 12);
    });
  });
});
