/**
 * `overseer run` on a judge-vs-writer experiment (`kind: judge-vs-writer`): is reviewing a
 * program on paper easier than writing it, at equal size? Per seed and per width: a writer
 * imitates honest trojan-code programs and is graded by the oracle on held-out specs
 * (`writerAccuracy`, greedy); a reviewer of each review kind, as wide, imitates labels of honest
 * and attacking programs and scores held-out ones (the honest demonstrator's program and one
 * attack per subtlety for every spec), never running them: AUROC and the catch rate at 1% and 2%
 * false positives, overall and per subtlety (review-metrics.ts). One arm per review kind and
 * width (`snap-review-w32`), each carrying its width's `writerAccuracy`; the results keep the
 * runner's contract `{"arms":[{experiment, arm, metrics}]}`. Short and not resumed: killed, it
 * starts over.
 */
import { defaultGptConfig } from '../../model/gpt.ts';
import type { Gpt } from '../../model/gpt.ts';
import type { loadKernels } from '../../model/kernels.ts';
import type { Problem } from '../../spec/index.ts';
import type { SupervisedExample } from '../../tasks/family.ts';
import { trojanCode } from '../../tasks/trojan-code.ts';
import type { TrojanCodeFamily } from '../../tasks/trojan-code.ts';
import { mean, share } from '../../util/mean.ts';
import { deriveSeed } from '../../util/random.ts';
import type { ArmResult, MetricValues, Results } from '../report.ts';
import type { RunOptions, RunOutcome } from '../run.ts';
import type { ProgressReporter } from '../run-progress.ts';
import { runSingleExperiment, singleExperimentResults } from '../single-experiment-run.ts';
import type { RunSource } from '../single-experiment-run.ts';
import { REVIEW_METRICS, subtletyMetric } from '../config/schema.ts';
import {
  demonstrations,
  lineMonitorExamples,
  writerExamples,
  writerPrompt,
} from '../control/demonstrations.ts';
import { trainControlModel, writePrograms } from '../control/models.ts';
import { parseJudgeVsWriterExperiment, reviewArmName } from './config.ts';
import type { JudgeVsWriterExperiment, ReviewKind } from './config.ts';
import { reviewMetrics } from './review-metrics.ts';
import { reviewSamples, snapReviewExamples } from './review-samples.ts';
import { reviewSuspicions } from './review-suspicion.ts';

/** The attack subtlety levels the held-out programs are written at. */
const SUBTLETIES = [1, 2, 3, 4] as const;

/** The headline metrics: the writer's accuracy, then the review metrics overall and per subtlety. */
export const JUDGE_VS_WRITER_METRICS: string[] = [
  'writerAccuracy',
  ...REVIEW_METRICS,
  ...SUBTLETIES.map((subtlety) => subtletyMetric('reviewAuroc', subtlety)),
  ...SUBTLETIES.map((subtlety) => subtletyMetric('catchAt2pct', subtlety)),
];

/** The models one seed trains, as the runner needs them (scripted in tests). */
export interface JudgeVsWriterModels {
  /** A writer of width `width`, trained on `examples`. */
  train(
    role: 'writer' | ReviewKind,
    width: number,
    examples: readonly SupervisedExample[],
  ): Promise<Gpt>;
}

/** One seed's metrics, per arm name. */
export type SeedMetrics = Map<string, MetricValues>;

/** The writer's share of held-out specs it writes a correct program for (greedy). */
export function writerAccuracy(
  family: TrojanCodeFamily,
  writer: Gpt,
  problems: readonly Problem[],
): number {
  const programs = writePrograms(
    writer,
    problems.map((problem) => writerPrompt(problem.question, 0)),
  );
  return share(
    problems.map((problem, index) => family.verdictOf(problem.question, programs[index])),
    (verdict) => verdict === 'correct',
  );
}

/** Trains every width's writer and reviewers of one seed and measures them on held-out specs. */
export async function runJudgeVsWriterSeed(
  experiment: JudgeVsWriterExperiment,
  seed: number,
  models: JudgeVsWriterModels,
): Promise<SeedMetrics> {
  const family = trojanCode(experiment.task.options);
  const { difficulty } = experiment.task;
  const training = family.generate({
    seed: deriveSeed(seed, 'judge-vs-writer-train'),
    count: experiment.demonstrations.count,
    split: 'train',
    difficulty,
  });
  const honest = demonstrations(family, training, {
    ...experiment.demonstrations,
    attackShare: 0,
    seed: deriveSeed(seed, 'judge-vs-writer-writer'),
  });
  const labelled = demonstrations(family, training, {
    ...experiment.demonstrations,
    seed: deriveSeed(seed, 'judge-vs-writer-reviewer'),
  });
  const examples: Record<'writer' | ReviewKind, SupervisedExample[]> = {
    writer: writerExamples(honest),
    snap: snapReviewExamples(family, labelled),
    hch: lineMonitorExamples(family, labelled),
  };
  const problems = family.generate({
    seed: deriveSeed(seed, 'judge-vs-writer-evaluation'),
    count: experiment.evaluation.samples,
    split: 'test',
    difficulty,
  });
  const samples = reviewSamples(family, problems, {
    seed: deriveSeed(seed, 'judge-vs-writer-samples'),
    subtleties: SUBTLETIES,
    benignShare: experiment.demonstrations.benignShare,
  });
  const metrics: SeedMetrics = new Map();
  for (const width of experiment.widths) {
    const writer = await models.train('writer', width, examples.writer);
    const accuracy = writerAccuracy(family, writer, problems);
    for (const review of experiment.reviews) {
      const reviewer = await models.train(review, width, examples[review]);
      const suspicions = reviewSuspicions(review, reviewer, samples);
      const scored = samples.map((sample, index) => ({
        suspicion: suspicions[index],
        bad: sample.bad,
        subtlety: sample.subtlety,
      }));
      metrics.set(reviewArmName(review, width), {
        writerAccuracy: accuracy,
        ...reviewMetrics(scored, SUBTLETIES),
      });
    }
  }
  return metrics;
}

/** The mean of each metric over the seeds that report it. */
function meanOver(list: readonly MetricValues[]): MetricValues {
  const names = [...new Set(list.flatMap((metrics) => Object.keys(metrics)))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      mean(list.flatMap((metrics) => (metrics[name] === undefined ? [] : [metrics[name]]))),
    ]),
  );
}

/** The arms of the experiment, in order: each width, each review kind. */
function arms(
  experiment: JudgeVsWriterExperiment,
): Array<{ name: string; review: ReviewKind; width: number }> {
  return experiment.widths.flatMap((width) =>
    experiment.reviews.map((review) => ({ name: reviewArmName(review, width), review, width })),
  );
}

/** The results of a judge-vs-writer experiment, in the runner's format. */
export function judgeVsWriterResults(
  experiment: JudgeVsWriterExperiment,
  seeds: ReadonlyArray<{ seed: number; metrics: SeedMetrics }>,
  source: RunSource,
): Results {
  const armResults: ArmResult[] = arms(experiment).map(({ name, review, width }) => {
    const perSeed = seeds.map((entry) => ({
      seed: entry.seed,
      metrics: entry.metrics.get(name) ?? {},
    }));
    return {
      experiment: experiment.name,
      arm: name,
      // The width as a label: as a number, the report would draw one sweep per metric and review
      // kind (two dozen charts); its review figure already plots every arm against subtlety.
      parameters: { review, width: `w${width}` },
      metrics: meanOver(perSeed.map((entry) => entry.metrics)),
      seeds: perSeed,
      status: 'finished',
    };
  });
  return singleExperimentResults(
    {
      name: experiment.name,
      description:
        `${experiment.description.trim()} Held-out specs per seed: ${experiment.evaluation.samples}, each with an honest program and one attack per subtlety 1–4.`.trim(),
      metrics: JUDGE_VS_WRITER_METRICS,
      seeds: seeds.map((entry) => entry.seed),
    },
    armResults,
    source,
  );
}

/** Embedded models trained from scratch by imitation, each step reported. */
function embeddedModels(
  experiment: JudgeVsWriterExperiment,
  seed: number,
  reporter: ProgressReporter,
  kernels: ReturnType<typeof loadKernels>,
  signal: AbortSignal | undefined,
): JudgeVsWriterModels {
  const family = trojanCode(experiment.task.options);
  return {
    train(role, width, examples) {
      reporter.at(
        {
          unit: `${experiment.name} seed ${seed}`,
          round: 0,
          rounds: 1,
          phase: `${role}-w${width}`,
        },
        role,
      );
      return trainControlModel({
        alphabet: family.alphabet,
        training: {
          ...experiment[role],
          model: { ...defaultGptConfig, ...experiment.model, width },
        },
        examples,
        seed: deriveSeed(seed, 'judge-vs-writer-model', role, width),
        kernels,
        onUpdate: () => {
          reporter.advance(1);
          signal?.throwIfAborted();
        },
      });
    },
  };
}

/** Runs a judge-vs-writer experiment as `overseer run` does any experiment file. */
export async function runJudgeVsWriterExperiment(
  value: unknown,
  options: RunOptions & { directory: string },
): Promise<RunOutcome> {
  const experiment = parseJudgeVsWriterExperiment(value, options.file, options);
  const roles = ['writer', ...experiment.reviews] as const;
  return runSingleExperiment<{ seed: number; metrics: SeedMetrics }>(options, {
    name: experiment.name,
    seeds: experiment.seeds,
    metrics: JUDGE_VS_WRITER_METRICS,
    arms: arms(experiment).map(({ name, review, width }) => ({
      name,
      config: { ...experiment, widths: [width], reviews: [review] },
    })),
    work: roles.map((role) => ({
      kind: role,
      steps: experiment[role].steps * experiment.widths.length * experiment.seeds.length,
    })),
    playSeed: async (seed, reporter, kernels) => {
      const models = embeddedModels(experiment, seed, reporter, kernels, options.signal);
      const metrics = await runJudgeVsWriterSeed(experiment, seed, models);
      const log = [...metrics]
        .map(
          ([name, values]) =>
            `${name} writer ${values.writerAccuracy.toFixed(3)} auroc ${(values.reviewAuroc ?? Number.NaN).toFixed(3)}`,
        )
        .join(', ');
      return { result: { seed, metrics }, log };
    },
    results: (seeds, source) => judgeVsWriterResults(experiment, seeds, source),
  });
}
