import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../spec/index.ts';
import { RunStore } from './index.ts';
import { formatHeadline } from './headline.ts';

const directory = mkdtempSync(join(tmpdir(), 'overseer-run-overview-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const arm = (name: string, task: string, overseer: string) => ({
  name,
  declared: name,
  sweep: {},
  config: { task: { name: task }, scaffold: { name: 'decompose' }, overseer: { name: overseer } },
});

describe('run overviews', () => {
  it('name an experiment run’s file, experiments, arms, families and final headline numbers', () => {
    const store = RunStore.open(directory);
    try {
      const runId = store.createRun({
        command: 'npx overseer run examples/quickstart.yaml',
        source: 'examples/quickstart.yaml',
        directory: 'runs/quickstart',
        experiments: [
          {
            name: 'ida',
            seeds: [1, 2],
            metrics: ['accuracy'],
            arms: [arm('supervised', 'permutation-powering', 'program')],
          },
          {
            name: 'tampering',
            seeds: [1],
            metrics: ['hackRate'],
            arms: [arm('process-rl', 'camera-dropbox', 'approval')],
          },
        ],
      });
      const metric = (
        name: string,
        value: number,
        step: number,
        tags: Record<string, string>,
      ): RunEvent => ({
        type: 'metric',
        runId,
        time: new Date().toISOString(),
        name,
        value,
        step,
        tags,
      });
      const ida = (seed: number) => ({
        experiment: 'ida',
        arm: 'supervised',
        seed: String(seed),
        phase: 'evaluation',
      });
      store.append([
        // Earlier evaluations are superseded by each seed's last one; training values are not headline.
        metric('accuracy', 0.1, 0, ida(1)),
        metric('accuracy', 0.8, 10, ida(1)),
        metric('accuracy', 0.6, 10, ida(2)),
        metric('accuracy', 0.99, 10, { ...ida(1), phase: 'train' }),
        metric('hackRate', 0, 5, {
          experiment: 'tampering',
          arm: 'process-rl',
          seed: '1',
          phase: 'evaluation',
        }),
      ]);
      const [listing] = store.listRunListings();
      expect(listing.overview).toEqual({
        kind: 'experiment',
        source: 'examples/quickstart.yaml',
        experiments: [
          { name: 'ida', arms: ['supervised'] },
          { name: 'tampering', arms: ['process-rl'] },
        ],
        tasks: ['permutation-powering', 'camera-dropbox'],
        scaffolds: ['decompose'],
        policies: [],
        overseers: ['program', 'approval'],
        headline: [
          {
            experiment: 'ida',
            arm: 'supervised',
            metric: 'accuracy',
            value: expect.closeTo(0.7, 9),
          },
          { experiment: 'tampering', arm: 'process-rl', metric: 'hackRate', value: 0 },
        ],
        label: 'examples/quickstart.yaml: ida (supervised) · tampering (process-rl)',
      });
      expect(formatHeadline(listing.overview.headline)).toBe(
        'ida/supervised accuracy 0.7; tampering/process-rl hackRate 0',
      );
    } finally {
      store.close();
    }
  });

  it('name what an eval run evaluated, with its summary’s numbers', () => {
    const store = RunStore.open(directory);
    try {
      const runId = store.createRun({
        command: 'eval',
        task: { name: 'addition', options: {} },
        scaffold: { name: 'cot', options: {} },
        policy: { name: 'oracle', options: {} },
        overseer: { name: 'program', options: {} },
        split: 'test',
        n: 3,
        seed: 0,
      });
      store.finishRun(runId, { accuracy: 1, traceError: 0, calls: 9, meanProcessReward: 1 });
      const listing = store.listing(store.requireRun(runId));
      expect(listing.overview).toMatchObject({
        kind: 'eval',
        tasks: ['addition'],
        policies: ['oracle'],
        label: 'eval addition · cot · oracle · judged by program',
      });
      expect(formatHeadline(listing.overview.headline)).toBe(
        'accuracy 1 traceError 0 meanProcessReward 1',
      );
    } finally {
      store.close();
    }
  });
});
