import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../store/index.ts';
import { parseResults } from './report.ts';
import type { Results } from './report.ts';
import { runExperiments } from './run.ts';
import type { RunOutcome } from './run.ts';
import type { ProgressReporter } from './run-progress.ts';
import { readRunState } from './run-state.ts';

// Two tiny experiments, one per kind of task: IDA on permutation powering (supervised, IDA by
// imitation, IDA by process-based RL) and camera-dropbox RL (outcome-based, process-based).
const TINY = `
experiments:
  - name: ida
    task: { name: permutation-powering, options: { size: 4, maxBits: 2 }, difficulty: [1, 2] }
    model: { layers: 1, width: 16, heads: 2, contextLength: 16 }
    scaffold: { name: decompose }
    overseer: { name: program }
    trainer: { name: imitation, options: { learningRate: 0.01, batchSize: 8, warmupSteps: 0 } }
    rounds: 2
    stepsPerRound: 3
    evaluation: { size: 6, scaffold: { name: snap }, split: train }
    seeds: [1]
    metrics: [accuracy, expertCalls]
    arms:
      - name: supervised
        labels: ground-truth
      - name: ida-imitation
      - name: ida-process-rl
        trainer:
          name: process-rl
          options: { learningRate: 0.01, problemsPerUpdate: 2, groupSize: 2, batchSize: null }
  - name: tampering
    task: { name: camera-dropbox, options: { stepLimit: 4 } }
    model: { layers: 1, width: 16, heads: 2, contextLength: 32 }
    scaffold: { name: snap }
    overseer: { name: approval, options: { noise: 0.5 } }
    trainer: { name: process-rl, options: { learningRate: 0.01, problemsPerUpdate: 2, groupSize: 2 } }
    rounds: 2
    stepsPerRound: 2
    evaluation: { size: 4, every: 1 }
    seeds: [1, 2]
    metrics: [hackRate, intendedRate, trueReturn]
    arms:
      - name: outcome-rl
        trainer: { name: outcome-rl }
        lambda: 1
        credit: full-horizon
      - name: process-rl
`;

const quiet: ProgressReporter = {
  start() {},
  at() {},
  advance() {},
  log() {},
  stop() {},
};

let root: string;
let file: string;
let reference: RunOutcome;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overseer-run-'));
  file = join(root, 'tiny.yaml');
  await writeFile(file, TINY);
  reference = await runExperiments({
    file,
    out: join(root, 'reference'),
    store: join(root, 'store'),
    reporter: quiet,
  });
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What must not change when a run is interrupted and resumed. */
function comparable(results: Results): unknown {
  return {
    arms: results.arms.map(({ experiment, arm, metrics, seeds, status }) => ({
      experiment,
      arm,
      metrics,
      seeds,
      status,
    })),
    curves: results.curves,
    transcripts: results.transcripts.map(({ episodeId, answer, steps }) => ({
      episodeId,
      answer,
      steps: steps.map(({ id, output, judgment }) => ({ id, output, score: judgment?.score })),
    })),
  };
}

describe('runExperiments', () => {
  it('runs every arm of every experiment and writes results, reports and the store', async () => {
    const results = parseResults(
      JSON.parse(await readFile(join(root, 'reference', 'results.json'), 'utf8')),
    );
    expect(results.arms.map(({ experiment, arm }) => `${experiment}/${arm}`)).toEqual([
      'ida/supervised',
      'ida/ida-imitation',
      'ida/ida-process-rl',
      'tampering/outcome-rl',
      'tampering/process-rl',
    ]);
    for (const arm of results.arms) expect(arm.status).toBe('finished');
    const ida = results.arms.filter((arm) => arm.experiment === 'ida');
    for (const arm of ida) {
      expect(arm.metrics.accuracy).toBeGreaterThanOrEqual(0);
      expect(arm.metrics.accuracy).toBeLessThanOrEqual(1);
      expect(arm.seeds).toHaveLength(1);
    }
    // The reference uses labels and no expert; IDA uses the expert and no labels.
    const supervised = ida.find((arm) => arm.arm === 'supervised')!;
    expect(supervised.metrics.expertCalls).toBe(0);
    expect(supervised.metrics.groundTruthLabels).toBeGreaterThan(0);
    for (const name of ['ida-imitation', 'ida-process-rl']) {
      const arm = ida.find((candidate) => candidate.arm === name)!;
      expect(arm.metrics.groundTruthLabels).toBe(0);
      expect(arm.metrics.expertCalls).toBeGreaterThan(0);
    }
    const tampering = results.arms.filter((arm) => arm.experiment === 'tampering');
    for (const arm of tampering) {
      expect(arm.seeds.map((seed) => seed.seed)).toEqual([1, 2]);
      expect(Object.keys(arm.metrics)).toEqual(
        expect.arrayContaining(['hackRate', 'intendedRate', 'trueReturn', 'proxyReturn']),
      );
    }
    expect(tampering.find((arm) => arm.arm === 'outcome-rl')!.parameters).toMatchObject({
      lambda: 1,
      credit: 'full-horizon',
      approvalNoise: 0.5,
    });

    // Curves: a point before training, one per round, and (evaluation.every) inside rounds.
    const ida1 = results.curves.find(
      (curve) => curve.arm === 'ida-imitation' && curve.metric === 'accuracy',
    )!;
    expect(ida1.points.map((point) => point.step)).toEqual([0, 3, 6]);
    expect(ida1.points.map((point) => point.round)).toEqual([undefined, 0, 1]);
    expect(ida1.points[2].calls).toBeGreaterThan(ida1.points[1].calls);
    const rl = results.curves.find(
      (curve) => curve.arm === 'outcome-rl' && curve.metric === 'hackRate' && curve.seed === 2,
    )!;
    expect(rl.points.map((point) => point.step)).toEqual([0, 1, 2, 3, 4]);
    expect(results.curves.some((curve) => curve.metric === 'expertCalls')).toBe(false);

    // Transcripts of the first seed: best and worst, every policy step judged.
    const transcripts = results.transcripts.filter((t) => t.arm === 'process-rl');
    expect(transcripts.length).toBeGreaterThan(0);
    expect(transcripts.every((t) => t.seed === 1)).toBe(true);
    const actions = transcripts[0].steps.filter((step) => step.kind === 'action');
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((step) => step.judgment !== undefined && step.reward !== undefined)).toBe(
      true,
    );

    const report = await readFile(join(root, 'reference', 'report.md'), 'utf8');
    expect(report).toContain('ida-process-rl');
    expect(report).toContain('hackRate');
    const html = await readFile(join(root, 'reference', 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect((await readdir(join(root, 'reference', 'plots'))).length).toBeGreaterThan(0);

    // The store: one finished run holding the amplified and evaluation episodes, metrics and
    // one checkpoint per round (plus each unit's starting one).
    const store = RunStore.open(join(root, 'store'), { readOnly: true });
    try {
      const run = store.requireRun(reference.runId);
      expect(run.status).toBe('finished');
      const ids = store.episodes(reference.runId).map((episode) => episode.id);
      expect(ids).toContain('ida/ida-imitation/s1/round0/amplify/0');
      expect(ids).toContain('ida/supervised/s1/eval@6/5');
      expect(ids).toContain('tampering/process-rl/s2/eval@4/3');
      expect(ids.some((id) => id.startsWith('ida/supervised/s1/round'))).toBe(false);
      const amplified = store.episode('ida/ida-imitation/s1/round1/amplify/0', reference.runId)!;
      expect(amplified.judgments.length).toBeGreaterThan(0);
      expect(amplified.episode.scaffold.name).toBe('decompose');
      const checkpoints = store.checkpoints(reference.runId).map((record) => record.path);
      expect(checkpoints).toHaveLength(7 * 3);
      expect(new Set(checkpoints).size).toBe(checkpoints.length);
      expect(store.metrics(reference.runId, { name: 'loss' }).length).toBeGreaterThan(0);
      expect(
        store
          .metrics(reference.runId, { name: 'accuracy' })
          .every((metric) => metric.tags.phase === 'evaluation'),
      ).toBe(true);
    } finally {
      store.close();
    }
    const state = await readRunState(join(root, 'reference'));
    expect(state?.units.every((unit) => unit.status === 'finished')).toBe(true);
  });

  it('resumes after an interruption without redoing finished work, with the same results', async () => {
    const out = join(root, 'resumed');
    const store = join(root, 'store-resumed');
    const controller = new AbortController();
    // Interrupt in the middle of the second round of the IDA process-RL arm.
    await expect(
      runExperiments({
        file,
        out,
        store,
        reporter: quiet,
        signal: controller.signal,
        onUpdate: ({ unit, round, update }) => {
          if (unit === 'ida/ida-process-rl/s1' && round === 1 && update === 4) controller.abort();
        },
      }),
    ).rejects.toThrow();
    const cut = await readRunState(out);
    const byKey = new Map(cut!.units.map((unit) => [unit.key, unit]));
    expect(byKey.get('ida/supervised/s1')!.status).toBe('finished');
    expect(byKey.get('ida/ida-process-rl/s1')).toMatchObject({ status: 'running', roundsDone: 1 });
    expect(byKey.get('tampering/outcome-rl/s1')!.status).toBe('pending');

    const updates: string[] = [];
    const resumed = await runExperiments({
      file,
      out,
      store,
      reporter: quiet,
      onUpdate: ({ unit, round }) => updates.push(`${unit}#${round}`),
    });
    expect(resumed.resumed).toBe(true);
    expect(resumed.runId).toBe(cut!.runId);
    // Finished units and rounds are not trained again; the cut-off round is redone.
    expect(updates.some((entry) => entry.startsWith('ida/supervised/'))).toBe(false);
    expect(updates.some((entry) => entry.startsWith('ida/ida-imitation/'))).toBe(false);
    expect(updates.filter((entry) => entry === 'ida/ida-process-rl/s1#0')).toHaveLength(0);
    expect(updates.filter((entry) => entry === 'ida/ida-process-rl/s1#1')).toHaveLength(3);
    expect(comparable(resumed.results)).toEqual(comparable(reference.results));

    const opened = RunStore.open(store, { readOnly: true });
    try {
      expect(opened.listRuns()).toHaveLength(1);
      const checkpoints = opened.checkpoints(resumed.runId).map((record) => record.path);
      expect(new Set(checkpoints).size).toBe(checkpoints.length);
      expect(opened.requireRun(resumed.runId).status).toBe('finished');
    } finally {
      opened.close();
    }

    // Run again: nothing left to do, the same results.
    const again = await runExperiments({ file, out, store, reporter: quiet });
    expect(comparable(again.results)).toEqual(comparable(reference.results));
  }, 120_000);

  it('refuses a run directory that holds another configuration', async () => {
    await expect(
      runExperiments({
        file,
        out: join(root, 'reference'),
        store: join(root, 'store'),
        reporter: quiet,
        set: ['rounds=1'],
      }),
    ).rejects.toMatchObject({ code: 'run.different-plan' });
  });

  it('records a failing arm with its error and finishes the others', async () => {
    const broken = join(root, 'broken.yaml');
    // A context too short for the task's pairs: every episode fails, then training does.
    await writeFile(
      broken,
      `name: broken
task: { name: permutation-powering, options: { size: 4, maxBits: 2 }, difficulty: [1, 2] }
model: { layers: 1, width: 16, heads: 2, contextLength: 16 }
scaffold: { name: snap }
overseer: { name: program }
trainer: { name: imitation, options: { batchSize: 4 } }
labels: ground-truth
stepsPerRound: 2
evaluation: { size: 3, split: train }
arms:
  - name: cramped
    model: { contextLength: 3 }
  - name: roomy
`,
    );
    const outcome = await runExperiments({
      file: broken,
      out: join(root, 'broken'),
      store: join(root, 'store-broken'),
      reporter: quiet,
    });
    const [cramped, roomy] = outcome.results.arms;
    expect(cramped).toMatchObject({ arm: 'cramped', status: 'failed' });
    expect(cramped.error?.code).toBe('training.context');
    expect(roomy).toMatchObject({ arm: 'roomy', status: 'finished' });
    expect(outcome.failed.map((unit) => unit.key)).toEqual(['broken/cramped/s1']);
    const store = RunStore.open(join(root, 'store-broken'), { readOnly: true });
    try {
      const failed = store.episodes(outcome.runId, { status: 'failed' });
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((episode) => episode.id.startsWith('broken/cramped/'))).toBe(true);
      expect(failed[0].error?.message).toBeTruthy();
    } finally {
      store.close();
    }
  }, 60_000);
});
