import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { programOverseer } from '../overseers/program.ts';
import { addition } from '../tasks/addition.ts';
import { outcomeRl } from './outcome-rl.ts';
import { processRl } from './process-rl.ts';
import { frozenCopy, problemsForUpdate } from './reinforcement.ts';
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
