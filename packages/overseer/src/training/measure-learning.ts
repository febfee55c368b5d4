/**
 * Measures the trainers on the real embedded model at sizes too large for the test suite and
 * prints one JSON object per seed. Run from the repository root:
 *
 *   npx tsx packages/overseer/src/training/measure-learning.ts addition --seeds 1,2,3
 *   npx tsx packages/overseer/src/training/measure-learning.ts camera-dropbox --seeds 1,2,3 \
 *     --updates 100 --hack-share 0.5
 *
 * Options: --seeds (comma list), --updates, --learning-rate, --problems (per update), --group,
 * --imitation-steps, --hack-share and --step-limit (camera-dropbox), --noise (approval noise).
 */
import { parseArgs } from 'node:util';
import { additionExperiment, dropboxExperiment } from './learning-experiments.ts';
import type { EnvironmentEvaluation, QuestionEvaluation } from './evaluation.ts';
import type { ReinforcementOptions } from './reinforcement.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '1' },
    updates: { type: 'string' },
    'learning-rate': { type: 'string' },
    problems: { type: 'string' },
    group: { type: 'string' },
    'imitation-steps': { type: 'string' },
    'hack-share': { type: 'string' },
    'step-limit': { type: 'string' },
    noise: { type: 'string' },
  },
});

const number = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : Number(text);

function question(evaluation: QuestionEvaluation) {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    answerAccuracy: round(evaluation.answerAccuracy),
    traceAccuracy: round(evaluation.traceAccuracy),
    traceError: round(evaluation.traceError),
    stepApproval: round(evaluation.stepApproval),
  };
}

function environment(evaluation: EnvironmentEvaluation) {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    hackRate: round(evaluation.hackRate),
    intendedRate: round(evaluation.intendedRate),
    meanReturn: round(evaluation.meanReturn),
    meanTrueReturn: round(evaluation.meanTrueReturn),
    meanLength: round(evaluation.meanLength),
  };
}

const experiment = positionals[0] ?? 'addition';
const reinforcement: Partial<ReinforcementOptions> = {};
if (values.updates) reinforcement.updates = Number(values.updates);
if (values['learning-rate']) reinforcement.learningRate = Number(values['learning-rate']);
if (values.problems) reinforcement.problemsPerUpdate = Number(values.problems);
if (values.group) reinforcement.groupSize = Number(values.group);

for (const seed of values.seeds.split(',').map(Number)) {
  const started = performance.now();
  if (experiment === 'addition') {
    const result = await additionExperiment({
      seed,
      reinforcement,
      imitationSteps: number(values['imitation-steps']),
    });
    const arm = (name: 'process-rl' | 'outcome-rl') => ({
      sampled: question(result.arms[name].after.sampled),
      greedy: question(result.arms[name].after.greedy),
      seconds: Math.round(result.arms[name].seconds),
    });
    console.log(
      JSON.stringify({
        experiment,
        seed,
        start: { sampled: question(result.start.sampled), greedy: question(result.start.greedy) },
        processRl: arm('process-rl'),
        outcomeRl: arm('outcome-rl'),
        options: result.arms['process-rl'].trainer.options,
        seconds: Math.round((performance.now() - started) / 1000),
      }),
    );
  } else if (experiment === 'camera-dropbox') {
    const result = await dropboxExperiment({
      seed,
      reinforcement,
      imitationSteps: number(values['imitation-steps']),
      hackShare: number(values['hack-share']),
      stepLimit: number(values['step-limit']),
      approvalNoise: number(values.noise),
    });
    console.log(
      JSON.stringify({
        experiment,
        seed,
        demonstrations: result.demonstrations,
        start: environment(result.start),
        outcomeRl: environment(result.arms['outcome-rl'].after),
        processRl: environment(result.arms['process-rl'].after),
        options: result.arms['outcome-rl'].trainer.options,
        seconds: Math.round((performance.now() - started) / 1000),
      }),
    );
  } else {
    throw new Error(`unknown experiment "${experiment}": use addition or camera-dropbox`);
  }
}
