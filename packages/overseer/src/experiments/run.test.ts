import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRun } from '../export/index.ts';
import { Episode } from '../spec/index.ts';
import { RunStore } from '../store/index.ts';
import type { Rollout } from '../training/rollouts.ts';
import { EPISODE_PHASES, episodePhase } from './episode-ids.ts';
import { parseResults } from './report.ts';
import type { Results } from './report.ts';
import { runExperiments } from './run.ts';
import { recordsRollouts } from './loop/distill.ts';
import { rolloutEpisode } from './run-episodes.ts';
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

/** The ids of every episode in a store of one run, sorted. */
function episodeIds(directory: string): string[] {
  const store = RunStore.open(directory, { readOnly: true });
  try {
    const [run] = store.listRuns();
    return store
      .episodes(run.id)
      .map((episode) => episode.id)
      .sort();
  } finally {
    store.close();
  }
}

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
      expect(ids).toContain('ida/ida-imitation/s1/round1/amplify/0');
      expect(ids).toContain('ida/supervised/s1/eval@6/5');
      expect(ids).toContain('tampering/process-rl/s2/eval@4/3');
      expect(ids.some((id) => id.startsWith('ida/supervised/s1/round'))).toBe(false);
      const amplified = store.episode('ida/ida-imitation/s1/round2/amplify/0', reference.runId)!;
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

  it('counts each arm’s training FLOPs, in its metrics and along its curves', async () => {
    const results = parseResults(
      JSON.parse(await readFile(join(root, 'reference', 'results.json'), 'utf8')),
    );
    // The ida model (layers 1, width 16): N = 12·16² + 13·16 + 2·16 non-embedding parameters.
    const N = 12 * 16 * 16 + 13 * 16 + 2 * 16;
    for (const arm of results.arms) {
      expect(arm.metrics.trainingFlops, arm.arm).toBeGreaterThan(0);
      expect(arm.seeds.every((seed) => seed.metrics.trainingFlops > 0)).toBe(true);
    }
    const ida = (name: string) =>
      results.arms.find((arm) => arm.experiment === 'ida' && arm.arm === name)!;
    // The supervised reference only trains (6·N a token); IDA also samples (2·N a token).
    expect(ida('supervised').metrics.trainingFlops % (6 * N)).toBe(0);
    expect(ida('ida-imitation').metrics.trainingFlops % (2 * N)).toBe(0);
    expect(ida('ida-process-rl').metrics.trainingFlops % (2 * N)).toBe(0);
    // Each curve starts at 0 FLOPs, grows with every evaluation (inside rounds too) and ends at
    // the arm's count.
    for (const curve of results.curves) {
      const flops = curve.points.map((point) => point.flops ?? Number.NaN);
      expect(flops[0]).toBe(0);
      for (let index = 1; index < flops.length; index++) {
        expect(flops[index]).toBeGreaterThan(flops[index - 1]);
      }
      const arm = results.arms.find(
        (a) => a.experiment === curve.experiment && a.arm === curve.arm,
      )!;
      const seed = arm.seeds.find((entry) => entry.seed === curve.seed)!;
      expect(flops.at(-1)).toBe(seed.metrics.trainingFlops);
    }
    expect(results.curves.some((curve) => curve.metric === 'trainingFlops')).toBe(false);
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
      // The cut-off round's rollouts, recorded before the interruption, are not recorded again.
      const episodes = opened.episodes(resumed.runId);
      expect(episodes.every((episode) => episode.attempt === 1)).toBe(true);
      expect(episodes.map((episode) => episode.id).sort()).toEqual(episodeIds(join(root, 'store')));
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

  it('names every episode by the phase that played it, and exports one phase at a time', () => {
    const store = RunStore.open(reference.storeDirectory, { readOnly: true });
    try {
      const episodes = store.episodes(reference.runId);
      const phases = episodes.map((episode) => episodePhase(episode.id));
      expect(phases.filter((phase) => phase === undefined)).toEqual([]);
      expect([...new Set(phases)].sort()).toEqual(['amplify', 'evaluation', 'rollout']);
      // The store records each episode's phase and unit as fields, agreeing with its id.
      expect(episodes.map((episode) => episode.phase)).toEqual(phases);
      for (const episode of episodes) {
        const unit = episode.unit;
        expect(unit, episode.id).not.toBeNull();
        expect(episode.id.startsWith(`${unit?.experiment}/${unit?.arm}/s${unit?.seed}/`)).toBe(
          true,
        );
      }
      for (const phase of EPISODE_PHASES) {
        const rows = [...exportRun(store, reference.runId, 'trl-sft', { phase })];
        const finished = episodes.filter(
          (episode) => episodePhase(episode.id) === phase && episode.status === 'finished',
        );
        expect(rows.length, phase).toBe(finished.length);
      }
    } finally {
      store.close();
    }
  });

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

describe('recorded rollouts', () => {
  it('picks every Nth update of a round from the first, and the last', () => {
    const picked = (every: number, updates: number): number[] =>
      Array.from({ length: updates }, (_, i) => i + 1).filter((update) =>
        recordsRollouts(update, every, updates),
      );
    expect(picked(25, 60)).toEqual([1, 26, 51, 60]);
    expect(picked(7, 50)).toEqual([1, 8, 15, 22, 29, 36, 43, 50]);
    expect(picked(1, 3)).toEqual([1, 2, 3]);
    expect(picked(0, 3)).toEqual([]);
  });

  it('turns a chain-of-thought rollout into a valid episode, each step judged and paid', () => {
    const judgment = (score: number) => ({
      score,
      rationale: '',
      overseer: { name: 'program', options: {} },
      method: 'program' as const,
    });
    const proposed = (kind: 'thought' | 'answer', context: string, action: string) => ({
      family: 'addition',
      question: '7+5',
      kind,
      previous: [],
      context,
      action,
    });
    const rollout: Rollout = {
      problem: {
        id: 'p',
        family: 'addition',
        question: '7+5',
        difficulty: 1,
        split: 'train',
        metadata: {},
      },
      group: 0,
      calls: [
        { prompt: 'Q7+5:', tokens: [1, 2, 3, 4, 5, 0], logProbs: [-1, -1, -1, -2, -2, -0.5] },
      ],
      steps: [
        {
          kind: 'thought',
          text: '2c1',
          call: 0,
          start: 0,
          end: 3,
          proposed: proposed('thought', 'Q7+5:', '2c1'),
          judgment: judgment(1),
        },
        {
          kind: 'answer',
          text: '12',
          call: 0,
          start: 3,
          end: 6,
          proposed: proposed('answer', 'Q7+5:2c1', '12'),
          judgment: judgment(-1),
        },
      ],
      answer: '12',
      outcome: { kind: 'grade', answer: '12', expected: '12', correct: true, reward: 1, info: {} },
      completion: '2c1\n12',
    };
    const { episode, outcome, judgments } = rolloutEpisode(rollout, {
      id: 'x/round0/rollout/u1/0',
      time: new Date(0).toISOString(),
      format: 'chain-of-thought',
      policy: { name: 'embedded:x@step0', options: { temperature: 1 } },
      metadata: { update: 1 },
      rewards: { process: [1, -1], outcome: [0, 1], reward: [1, 0], returns: [1, 0] },
    });
    expect(Episode.safeParse(episode).success).toBe(true);
    expect(episode.scaffold.name).toBe('chain-of-thought');
    expect(outcome).toBe(rollout.outcome);
    const [root, thought, answer] = episode.steps;
    expect(root).toMatchObject({ kind: 'question', output: '12', metadata: { update: 1 } });
    expect(thought).toMatchObject({ kind: 'thought', input: 'Q7+5:', output: '2c1' });
    expect(answer).toMatchObject({ kind: 'answer', input: 'Q7+5:2c1', output: '12' });
    expect(answer.metadata).toEqual({
      logProb: -4.5,
      processReward: -1,
      outcomeReward: 1,
      reward: 0,
      return: 0,
    });
    // One model call: its cost is counted once.
    expect(thought.cost).toMatchObject({ calls: 1, outputTokens: 6 });
    expect(answer.cost.calls).toBe(0);
    expect(judgments.map((entry) => [entry.stepId, entry.judgment.score])).toEqual([
      [thought.id, 1],
      [answer.id, -1],
    ]);
  });

  it('records the first group of every update of the tiny RL arms, judged and paid', () => {
    const store = RunStore.open(join(root, 'store'), { readOnly: true });
    try {
      const ids = store.episodes(reference.runId).map((episode) => episode.id);
      const rollouts = (unit: string): string[] =>
        ids.filter((id) => id.startsWith(`${unit}/`) && id.includes('/rollout/'));
      // stepsPerRound 3 (and 2): the default records every update; groups of 2; 2 rounds.
      expect(rollouts('ida/ida-process-rl/s1')).toHaveLength(3 * 2 * 2);
      expect(rollouts('ida/ida-imitation/s1')).toHaveLength(0);
      // evaluation.every 1 splits each round in two chunks: updates still count 1, 2 in a round.
      expect(rollouts('tampering/outcome-rl/s2').sort()).toEqual(
        [1, 2].flatMap((round) =>
          [1, 2].flatMap((update) =>
            [0, 1].map(
              (sample) => `tampering/outcome-rl/s2/round${round}/rollout/u${update}/${sample}`,
            ),
          ),
        ),
      );

      const question = store.episode('ida/ida-process-rl/s1/round2/rollout/u3/1', reference.runId)!;
      expect(question).toMatchObject({ iteration: 1, attempt: 1 });
      expect(question.episode.problem.split).toBe('train');
      expect(question.episode.scaffold.name).toBe('snap');
      expect(question.episode.policy.name).toBe('embedded:ida/ida-process-rl/s1@step5');
      const [root, answer] = question.episode.steps;
      expect(root.metadata).toMatchObject({ trainer: 'process-rl', update: 3, step: 6, sample: 1 });
      expect(answer).toMatchObject({ kind: 'answer', producer: 'policy', parentId: root.id });
      expect(question.judgments.map((entry) => entry.stepId)).toEqual([answer.id]);
      // λ = 0, myopic: a step is paid the overseer's score, and trained on it.
      const score = question.judgments[0].judgment.score;
      expect(answer.metadata).toMatchObject({ processReward: score, reward: score, return: score });
      expect(question.outcome?.kind).toBe('grade');

      const environment = store.episode(
        'tampering/outcome-rl/s1/round1/rollout/u2/0',
        reference.runId,
      )!;
      const actions = environment.episode.steps.filter((step) => step.kind === 'action');
      expect(actions.length).toBeGreaterThan(0);
      // Outcome-based RL does not consult the overseer: no judgments, paid by the environment.
      expect(environment.judgments).toHaveLength(0);
      // λ = 1, full horizon: each step is paid its proxy reward and trained on the rest's sum.
      for (const step of actions) {
        expect(step.metadata.reward).toBe(step.metadata.proxyReward);
        expect(typeof step.metadata.trueReward).toBe('number');
      }
      const paid = actions.map((step) => step.metadata.reward as number);
      expect(actions[0].metadata.return).toBeCloseTo(
        paid.reduce((sum, value) => sum + value, 0),
        9,
      );
      expect(environment.outcome?.kind).toBe('return');
      // Process-based RL: every action judged on paper, and paid that judgment.
      const judged = store.episode('tampering/process-rl/s1/round2/rollout/u1/1', reference.runId)!;
      const steps = judged.episode.steps.filter((step) => step.kind === 'action');
      expect(judged.judgments.map((entry) => entry.stepId)).toEqual(steps.map((step) => step.id));
      judged.judgments.forEach(({ judgment }, index) =>
        expect(steps[index].metadata.reward).toBe(judgment.score),
      );
    } finally {
      store.close();
    }
  });

  it('records none with every: 0, and trains the same with or without them', async () => {
    // Expert iteration and process-based RL on chain-of-thought addition, recording updates 1
    // and 3 of 3 (the 1st, and the 3rd as every 2nd and the last) across two chunks.
    const small = join(root, 'rollouts.yaml');
    await writeFile(
      small,
      `name: rollouts
task: { name: addition, options: { maxDigits: 1 } }
model: { layers: 1, width: 16, heads: 2, contextLength: 32 }
scaffold: { name: chain-of-thought }
overseer: { name: program }
trainer: { name: process-rl, options: { learningRate: 0.01, problemsPerUpdate: 2, groupSize: 3 } }
stepsPerRound: 3
recordRollouts: { every: 2 }
evaluation: { size: 3, every: 2 }
arms:
  - name: process-rl
  - name: expert-iteration
    trainer:
      name: expert-iteration
      options: { problemsPerUpdate: null, problemsPerIteration: 2, stepsPerIteration: 2, batchSize: 4 }
`,
    );
    const run = (source: string, name: string, set: string[]): Promise<RunOutcome> =>
      runExperiments({
        file: source,
        out: join(root, name),
        store: join(root, `${name}-store`),
        reporter: quiet,
        set,
      });
    const metrics = (directory: string, runId: string): unknown => {
      const store = RunStore.open(join(root, directory), { readOnly: true });
      try {
        return store
          .metrics(runId)
          .map(({ name, value, step, tags }) => ({ name, value, step, tags }));
      } finally {
        store.close();
      }
    };
    const rollouts = (directory: string): string[] =>
      episodeIds(join(root, directory)).filter((id) => id.includes('/rollout/'));

    // The tiny file recording nothing trains exactly as the reference, which recorded every update.
    const tiny = await run(file, 'tiny-off', ['recordRollouts.every=0']);
    expect(comparable(tiny.results)).toEqual(comparable(reference.results));
    expect(metrics('tiny-off-store', tiny.runId)).toEqual(metrics('store', reference.runId));
    expect(rollouts('tiny-off-store')).toEqual([]);

    const on = await run(small, 'rollouts-on', []);
    const off = await run(small, 'rollouts-off', ['recordRollouts.every=0']);
    expect(comparable(off.results)).toEqual(comparable(on.results));
    const trained = metrics('rollouts-on-store', on.runId);
    expect(trained).toEqual(metrics('rollouts-off-store', off.runId));
    expect(JSON.stringify(trained)).toContain('"loss"');
    expect(rollouts('rollouts-off-store')).toEqual([]);
    expect(rollouts('rollouts-on-store')).toEqual(
      ['expert-iteration', 'process-rl'].flatMap((arm) =>
        [1, 3].flatMap((update) =>
          [0, 1, 2].map((sample) => `rollouts/${arm}/s1/round1/rollout/u${update}/${sample}`),
        ),
      ),
    );
    const store = RunStore.open(join(root, 'rollouts-on-store'), { readOnly: true });
    try {
      const sampled = store.episode('rollouts/expert-iteration/s1/round1/rollout/u3/1', on.runId)!;
      expect(sampled.episode.scaffold.name).toBe('chain-of-thought');
      expect(typeof sampled.episode.steps[0].metadata.kept).toBe('boolean');
      const written = sampled.episode.steps.filter((step) => step.parentId !== null);
      expect(sampled.judgments.map((entry) => entry.stepId)).toEqual(
        written.map((step) => step.id),
      );
    } finally {
      store.close();
    }
  }, 60_000);
});
