import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer } from '../../policies/fault-server-fixture.ts';
import { RunStore } from '../../store/index.ts';
import { runExperiments } from '../run.ts';
import type { ProgressReporter } from '../run-progress.ts';
import { expandArms } from './expansion.ts';
import { parseExperiment } from './parse.ts';

const quiet: ProgressReporter = { start() {}, at() {}, advance() {}, log() {}, stop() {} };

// Four sums; ids chosen so that testFraction 0.5 leaves samples on both sides of the split.
const SAMPLES = [
  '{"id": "a", "input": "1+2?", "target": "3"}',
  '{"id": "b", "input": "2+2?", "target": "4"}',
  '{"id": "c", "input": "3+2?", "target": "5"}',
  '{"id": "d", "input": "4+2?", "target": "6"}',
].join('\n');

const MODEL = [
  'model: { layers: 1, width: 16, heads: 2, contextLength: 16 }',
  'scaffold: { name: snap }',
  'overseer: { name: program }',
  'labels: ground-truth',
  'trainer: { name: imitation, options: { learningRate: 0.01, batchSize: 4, warmupSteps: 0 } }',
  'stepsPerRound: 2',
].join('\n');

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overseer-dataset-experiment-'));
  await mkdir(join(root, 'experiments', 'data'), { recursive: true });
  await writeFile(join(root, 'experiments', 'data', 'sums.jsonl'), SAMPLES);
});
afterAll(() => rm(root, { recursive: true, force: true }));

function armsOf(yaml: string) {
  const file = parseExperiment(yaml, join(root, 'experiments', 'sums.yaml'));
  return expandArms(file.experiments[0]);
}

describe('a dataset task in an experiment file', () => {
  it('writes the shorthand as the dataset reference, its file resolved against the experiment file', () => {
    const [arm] = armsOf(
      [
        'name: sums',
        'task: { dataset: data/sums.jsonl, grader: exact, fields: { input: input }, difficulty: 0 }',
        MODEL,
      ].join('\n'),
    );
    expect(arm.config.task).toEqual({
      name: 'dataset',
      options: {
        file: join(root, 'experiments', 'data', 'sums.jsonl'),
        grader: 'exact',
        fields: { input: 'input' },
      },
      difficulty: 0,
    });
  });

  it('resolves the file of the long form too, and an arm may change the grader of the shorthand', () => {
    const arms = armsOf(
      [
        'name: sums',
        'task: { name: dataset, options: { file: data/sums.jsonl } }',
        MODEL,
        'arms:',
        '  - name: plain',
        '  - name: shorthand',
        '    task: { name: null, options: null, dataset: data/sums.jsonl, grader: includes }',
      ].join('\n'),
    );
    expect(arms.map((arm) => arm.config.task)).toEqual([
      { name: 'dataset', options: { file: join(root, 'experiments', 'data', 'sums.jsonl') } },
      {
        name: 'dataset',
        options: { file: join(root, 'experiments', 'data', 'sums.jsonl'), grader: 'includes' },
      },
    ]);
  });

  it('names the bad key of a dataset task', () => {
    expect(() =>
      armsOf(['name: sums', 'task: { dataset: data/sums.jsonl, gradr: exact }', MODEL].join('\n')),
    ).toThrow(/gradr/);
    expect(() =>
      armsOf(
        ['name: sums', 'task: { dataset: data/sums.jsonl, testFraction: 2 }', MODEL].join('\n'),
      ),
    ).toThrow(/testFraction/);
  });

  it('runs an experiment on a four-sample dataset with snap and the embedded model', async () => {
    const file = join(root, 'experiments', 'run.yaml');
    await writeFile(
      file,
      [
        'name: sums',
        'task: { dataset: data/sums.jsonl, grader: exact, testFraction: 0.5 }',
        MODEL,
        'rounds: 1',
        'evaluation: { size: 4 }',
        'seeds: [1]',
        'metrics: [accuracy]',
      ].join('\n'),
    );
    const outcome = await runExperiments({
      file,
      out: join(root, 'run'),
      store: join(root, 'store'),
      reporter: quiet,
    });
    expect(outcome.failed).toEqual([]);
    const [arm] = outcome.results.arms;
    expect(arm.experiment).toBe('sums');
    const accuracy = arm.metrics.accuracy;
    expect(typeof accuracy === 'number' && accuracy >= 0 && accuracy <= 1).toBe(true);
  }, 120_000);

  it('grades an arm with model-graded: the grading policy is built from its options, its calls kept', async () => {
    // A loopback chat-completions server grades every submission I, and counts what it is asked.
    const server = await startFaultServer(() => ({ kind: 'ok', text: 'Checked.\nGRADE: I' }));
    try {
      const file = join(root, 'experiments', 'graded.yaml');
      const grader = `{ policy: "openai:grader-model", policyOptions: { baseURL: "${server.url}/v1", apiKey: loopback-key } }`;
      await writeFile(
        file,
        [
          'name: graded',
          `task: { dataset: data/sums.jsonl, grader: { name: model-graded, options: ${grader} }, testFraction: 0.5 }`,
          MODEL,
          'rounds: 1',
          'evaluation: { size: 4 }',
          'seeds: [1]',
          'metrics: [accuracy]',
        ].join('\n'),
      );
      const store = join(root, 'graded-store');
      const outcome = await runExperiments({
        file,
        out: join(root, 'graded-run'),
        store,
        reporter: quiet,
      });
      expect(outcome.failed).toEqual([]);
      // Every answer graded I: the grading policy decided, not the exact match.
      expect(outcome.results.arms[0].metrics.accuracy).toBe(0);
      expect(server.seen.length).toBeGreaterThan(0);
      expect(server.seen.every((request) => request.lastMessage.includes('[Reference]'))).toBe(
        true,
      );
      const opened = RunStore.open(store);
      try {
        const [run] = opened.listRuns();
        const episodes = opened.episodes(run.id);
        expect(episodes.length).toBeGreaterThan(0);
        expect(
          episodes.every(
            (episode) =>
              episode.outcome !== null &&
              (episode.outcome.info as { grader?: string } | undefined)?.grader === 'model-graded',
          ),
        ).toBe(true);
        // The grading policy's key is used, never recorded.
        expect(JSON.stringify(run)).not.toContain('loopback-key');
      } finally {
        opened.close();
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
