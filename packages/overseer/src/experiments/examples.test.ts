/**
 * Every shipped example runs end to end — amplify, oversee, distill, evaluate, report — at smoke
 * size: one round of two updates on a handful of problems, one seed. What the examples measure at
 * full size is in the README, with the command that produced it; this checks that the files, as
 * shipped, still run.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandArms, parseExperimentFile } from './config.ts';
import { isControlDocument, parseControlExperiment, readYamlDocument } from './control/config.ts';
import {
  isJudgeVsWriterDocument,
  parseJudgeVsWriterExperiment,
  reviewArmName,
} from './review/config.ts';
import { runExperiments } from './run.ts';
import type { ProgressReporter } from './run-progress.ts';

const examples = join(import.meta.dirname, '../../../../examples');

const quiet: ProgressReporter = { start() {}, at() {}, advance() {}, log() {}, stop() {} };

/** A control experiment's smoke size: its own keys, since it has no rounds. */
const CONTROL_SMOKE = [
  'untrusted.steps=3',
  'trusted.steps=2',
  'monitor.steps=2',
  'lineMonitor.steps=2',
  'demonstrations.count=64',
  'game.samples=16',
];

/** A judge-vs-writer experiment's smoke size: its own keys, since it has no rounds. */
const JUDGE_VS_WRITER_SMOKE = [
  'writer.steps=2',
  'snap.steps=2',
  'hch.steps=2',
  'demonstrations.count=64',
  'evaluation.samples=16',
];

const SMOKE = [
  'rounds=1',
  'stepsPerRound=2',
  'evaluation.size=4',
  'pretrain.steps=3',
  'evaluation.every=0',
];

/** A judge-vs-writer experiment's arms: each width, each review kind. */
function judgeVsWriterArms(experiment: ReturnType<typeof parseJudgeVsWriterExperiment>): string[] {
  return experiment.widths.flatMap((width) =>
    experiment.reviews.map((review) => `${experiment.name}/${reviewArmName(review, width)}`),
  );
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overseer-examples-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('examples/', async () => {
  const files = (await readdir(examples)).filter((file) => file.endsWith('.yaml')).sort();

  it.each(files)(
    '%s runs every arm at smoke size',
    async (file) => {
      const path = join(examples, file);
      // Camera Dropbox's step limit sets the cost of the tampering expert's search.
      const set =
        file === 'tampering.yaml'
          ? [...SMOKE, 'task.options.stepLimit=12']
          : // Enough problems that each of the eight difficulties gets its accuracy@d<N>.
            file === 'gaps.yaml'
            ? [...SMOKE, 'evaluation.size=64']
            : file === 'control.yaml'
              ? CONTROL_SMOKE
              : file === 'judge-vs-writer.yaml'
                ? JUDGE_VS_WRITER_SMOKE
                : SMOKE;
      const outcome = await runExperiments({
        file: path,
        out: join(root, file),
        store: join(root, 'store'),
        seed: 1,
        set,
        reporter: quiet,
      });
      const document = await readYamlDocument(path);
      const planned = isControlDocument(document)
        ? parseControlExperiment(document, path).protocols.map(({ name }) => `control/${name}`)
        : isJudgeVsWriterDocument(document)
          ? judgeVsWriterArms(parseJudgeVsWriterExperiment(document, path))
          : (await parseExperimentFile(path)).experiments.flatMap((experiment) =>
              expandArms(experiment).map((arm) => `${experiment.name}/${arm.name}`),
            );
      expect(outcome.failed).toEqual([]);
      expect(outcome.results.arms.map((arm) => `${arm.experiment}/${arm.arm}`)).toEqual(planned);
      for (const arm of outcome.results.arms) {
        const { metrics } = outcome.results.experiments.find(
          (experiment) => experiment.name === arm.experiment,
        )!;
        // Trace error is a share of right answers: a smoke-sized model may have none.
        for (const metric of metrics.filter((name) => name !== 'traceError')) {
          expect(arm.metrics[metric], metric).toBeTypeOf('number');
        }
      }
    },
    5 * 60_000,
  );
});
