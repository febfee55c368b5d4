import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { programOverseer } from '../overseers/program.ts';
import { addition } from '../tasks/addition.ts';
import { outcomeRl } from './outcome-rl.ts';
import { processRl } from './process-rl.ts';
import { frozenCopy, problemsForUpdate } from './reinforcement.ts';
import type { ProposedStep } from '../spec/index.ts';
import { questionTask } from './task.ts';
import type { RolloutReport } from './trainer.ts';

const family = addition({ maxDigits: 1 });
const problems = family.generate({ seed: 1, count: 12, split: 'train', difficulty: 1 });

function fresh() {
  return Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels: loadKernels('auto'),
    seed: 3,
    config: { layers: 1, heads: 2, width: 16, contextLength: 16 },
  });
}

describe('problems per update', () => {
  it('visits every problem once per epoch, in a seeded order', () => {
    const ids = (update: number) => problemsForUpdate(problems, 4, 9, update).map((p) => p.id);
    const epoch = [...ids(0), ...ids(1), ...ids(2)];
    expect(new Set(epoch).size).toBe(problems.length);
    expect(ids(1)).toEqual(problemsForUpdate(problems, 4, 9, 1).map((p) => p.id));
    expect([...ids(3), ...ids(4), ...ids(5)]).not.toEqual(epoch);
  });
});

describe('the policy-gradient trainers', () => {
  const task = questionTask(family, problems);
  const judge = programOverseer(family);

  it('run with a running baseline, a KL penalty and an entropy bonus, reproducibly', async () => {
    const run = async () => {
      const model = fresh();
      const reports = await processRl({
        updates: 3,
        problemsPerUpdate: 2,
        groupSize: 3,
        advantage: 'baseline',
        klCoefficient: 0.1,
        entropyCoefficient: 0.01,
        learningRate: 1e-3,
      }).train({ model, seed: 5, task, judge });
      return { model, reports };
    };
    const first = await run();
    const second = await run();
    expect(first.reports.updates).toHaveLength(3);
    for (const report of first.reports.updates) {
      expect(Number.isFinite(report.loss)).toBe(true);
      expect(report.kl).toBeDefined();
      expect(report.entropy).toBeGreaterThan(0);
      expect(report.processReward).toBeGreaterThanOrEqual(-1);
      expect(report.accuracy).toBeGreaterThanOrEqual(0);
    }
    // The first batch is sampled from the reference itself.
    expect(first.reports.updates[0].kl).toBeCloseTo(0, 5);
    expect(Array.from(second.model.params)).toEqual(Array.from(first.model.params));
  });

  it('hand every update its judged, paid rollouts, and train the same with the hook or without', async () => {
    const options = { updates: 3, problemsPerUpdate: 2, groupSize: 3, learningRate: 1e-3 };
    const seen: RolloutReport[] = [];
    const updates: number[] = [];
    const watched = fresh();
    const result = await processRl(options).train({
      model: watched,
      seed: 5,
      task,
      judge,
      onRollouts: (report) => {
        seen.push(report);
        // Called before the update is reported.
        expect(updates).toHaveLength(report.update - 1);
      },
      onUpdate: (report) => updates.push(report.update),
    });
    expect(seen.map((report) => report.update)).toEqual([1, 2, 3]);
    for (const report of seen) {
      expect(report.rollouts).toHaveLength(2 * 3);
      expect(report.rollouts.map((rollout) => rollout.group)).toEqual([0, 0, 0, 1, 1, 1]);
      report.rollouts.forEach((rollout, index) => {
        const rewards = report.rewards![index];
        expect(rewards.reward).toHaveLength(rollout.steps.length);
        // λ = 0, myopic: each step is paid and trained on its judgment's score.
        expect(rewards.returns).toEqual(rollout.steps.map((step) => step.judgment!.score));
      });
    }
    const unwatched = fresh();
    const plain = await processRl(options).train({ model: unwatched, seed: 5, task, judge });
    const numbers = (updates: typeof plain.updates) =>
      updates.map(({ seconds: _, ...rest }) => rest);
    expect(numbers(result.updates)).toEqual(numbers(plain.updates));
    expect(Array.from(watched.params)).toEqual(Array.from(unwatched.params));
  });

  it('train outcome-based without an overseer at λ = 1 and leave the reference untouched', async () => {
    const model = fresh();
    const reference = frozenCopy(model);
    const before = reference.params.slice();
    const result = await outcomeRl({
      updates: 2,
      problemsPerUpdate: 2,
      groupSize: 4,
      klCoefficient: 0.05,
    }).train({
      model,
      seed: 2,
      task,
      reference,
    });
    expect(result.updates).toHaveLength(2);
    expect(result.updates[0].processReward).toBeUndefined();
    expect(Array.from(reference.params)).toEqual(Array.from(before));
    expect(Array.from(model.params)).not.toEqual(Array.from(before));
  });
});

describe('the policy-gradient trainers’ estimators and warm start', () => {
  const snap = questionTask(family, problems, { format: 'snap' });
  const judge = programOverseer(family);
  const approving = {
    judge: () => ({
      score: 1,
      rationale: 'always',
      overseer: { name: 'test', options: {} },
      method: 'program' as const,
    }),
  };

  it('drop groups that carry no signal, taking no step when every group is uniform', async () => {
    const options = {
      updates: 2,
      problemsPerUpdate: 2,
      groupSize: 3,
      entropyCoefficient: 0.05,
      learningRate: 1e-2,
    };
    const kept = fresh();
    const before = kept.params.slice();
    await processRl(options).train({ model: kept, seed: 1, task: snap, judge: approving });
    // The entropy bonus alone moves the model when uniform groups are trained on …
    expect(Array.from(kept.params)).not.toEqual(Array.from(before));
    const dropped = fresh();
    const result = await processRl({ ...options, dropUniformGroups: true }).train({
      model: dropped,
      seed: 1,
      task: snap,
      judge: approving,
    });
    // … and nothing does when they are dropped.
    expect(Array.from(dropped.params)).toEqual(Array.from(before));
    expect(result.updates.map((update) => update.informativeShare)).toEqual([0, 0]);
    expect(result.optimizer.step).toBe(0);
  });

  it('train with leave-one-out advantages and a per-question baseline', async () => {
    // A scripted overseer that likes short answers: a cold model's samples differ on that.
    const short = {
      judge: (step: ProposedStep) => ({
        ...approving.judge(),
        score: Array.from(step.action).length <= 2 ? 1 : -1,
      }),
    };
    for (const advantage of ['rloo', 'question-baseline'] as const) {
      const model = fresh();
      const before = model.params.slice();
      const result = await processRl({
        updates: 2,
        problemsPerUpdate: 2,
        groupSize: 4,
        advantage,
        dropUniformGroups: true,
        learningRate: 1e-2,
      }).train({ model, seed: 4, task: snap, judge: short });
      expect(result.updates).toHaveLength(2);
      expect(result.updates[0].informativeShare).toBeGreaterThan(0);
      expect(Array.from(model.params), advantage).not.toEqual(Array.from(before));
    }
  });

  it('imitate the context’s examples before the policy updates when warm-started', async () => {
    const examples = problems.map((problem) => ({
      prompt: family.prompt(problem.question, 'snap'),
      completion: family.oracle(problem.question),
    }));
    const options = { updates: 1, problemsPerUpdate: 4, groupSize: 4, learningRate: 1e-4 };
    const warm = await processRl({
      ...options,
      warmStartSteps: 80,
      warmStartLearningRate: 1e-2,
    }).train({ model: fresh(), seed: 3, task: snap, judge, examples });
    const cold = await processRl(options).train({ model: fresh(), seed: 3, task: snap, judge });
    // The first update samples from the warm-started model: far more of its answers are right.
    expect(warm.updates[0].accuracy!).toBeGreaterThan(cold.updates[0].accuracy! + 0.3);
    await expect(
      processRl({ ...options, warmStartSteps: 5 }).train({
        model: fresh(),
        seed: 3,
        task: snap,
        judge,
      }),
    ).rejects.toThrow(/examples/);
  });
});
