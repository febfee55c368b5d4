/**
 * The process-based distillers in the loop's amplified-judgments lesson, end to end at smoke
 * size: each runs, pays the weak expert, and the judgment cache changes the calls counted but not
 * what is learnt.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../report.ts';
import { runExperiments } from '../run.ts';
import type { ProgressReporter } from '../run-progress.ts';

const RL = 'learningRate: 0.01, problemsPerUpdate: 2, groupSize: 3, temperature: 1.5';
const TINY = `
experiments:
  - name: ida
    task: { name: permutation-powering, options: { size: 4, maxBits: 2 }, difficulty: [1, 2] }
    model: { layers: 1, width: 16, heads: 2, contextLength: 16 }
    scaffold: { name: decompose, options: { memo: true, maxDepth: 1 } }
    overseer: { name: program }
    trainer: { name: imitation, options: { learningRate: 0.01 } }
    rounds: 2
    stepsPerRound: 3
    evaluation: { size: 6, scaffold: { name: snap }, split: train }
    seeds: [1]
    metrics: [accuracy, expertCalls]
    arms:
      - name: process-rl
        trainer: { name: process-rl, options: { ${RL} } }
      - name: process-rl-cached
        trainer: { name: process-rl, options: { ${RL}, cacheJudgments: true } }
      - name: sft-then-process-rl
        trainer:
          name: process-rl
          options: { ${RL}, cacheJudgments: true, advantage: rloo, dropUniformGroups: true, warmStartSteps: 4 }
      - name: on-policy-distillation
        trainer: { name: on-policy-distillation, options: { problemsPerUpdate: 2, groupSize: 3 } }
      - name: expert-iteration
        trainer:
          name: expert-iteration
          options: { problemsPerIteration: 2, groupSize: 3, stepsPerIteration: 2, cacheJudgments: true, rationalize: true }
`;

const quiet: ProgressReporter = { start() {}, at() {}, advance() {}, log() {}, stop() {} };

let root: string;
let results: Results;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overseer-distillers-'));
  const file = join(root, 'tiny.yaml');
  await writeFile(file, TINY);
  const outcome = await runExperiments({
    file,
    out: join(root, 'out'),
    store: join(root, 'store'),
    reporter: quiet,
  });
  expect(outcome.failed).toEqual([]);
  results = outcome.results;
}, 180_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('process-based distillers in the loop', () => {
  const metrics = (arm: string) => results.arms.find((entry) => entry.arm === arm)!.metrics;

  it('run every distiller on the amplified judgments, each paying the weak expert', () => {
    expect(results.arms.map((arm) => arm.arm)).toEqual([
      'process-rl',
      'process-rl-cached',
      'sft-then-process-rl',
      'on-policy-distillation',
      'expert-iteration',
    ]);
    for (const arm of results.arms) {
      expect(arm.metrics.accuracy, arm.arm).toBeTypeOf('number');
      expect(arm.metrics.expertCalls, arm.arm).toBeGreaterThan(0);
    }
  });

  it('count a cached judgment once and learn exactly what the uncached arm learns', () => {
    expect(metrics('process-rl-cached').accuracy).toBe(metrics('process-rl').accuracy);
    expect(metrics('process-rl-cached').expertCalls).toBeLessThan(
      metrics('process-rl').expertCalls,
    );
  });
});
