import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { openEnvironment } from '../outcomes/environment.ts';
import type { Judgment, ProposedStep } from '../spec/index.ts';
import { addition } from '../tasks/addition.ts';
import { cameraDropbox } from '../tasks/camera-dropbox.ts';
import { environmentRollouts, questionRollouts } from './rollouts.ts';
import type { Rollout } from './rollouts.ts';
import { environmentTask, questionTask } from './task.ts';

const kernels = loadKernels('auto');

/** A judge that records what it was shown and approves everything. */
function recordingJudge() {
  const seen: ProposedStep[] = [];
  return {
    seen,
    judge(step: ProposedStep): Judgment {
      seen.push(step);
      return {
        score: 1,
        rationale: 'ok',
        overseer: { name: 'test', options: {} },
        method: 'program',
      };
    },
  };
}

describe('question rollouts', () => {
  const family = addition({ maxDigits: 2 });
  const problems = family.generate({ seed: 2, count: 3, split: 'train', difficulty: 2 });
  const task = questionTask(family, problems);
  const model = Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels,
    seed: 5,
    config: { layers: 1, heads: 2, width: 16, contextLength: 32 },
  });

  it('samples k per problem, and its steps cover every sampled token exactly once', async () => {
    const judge = recordingJudge();
    const batch = await questionRollouts(model, task, problems, {
      samplesPerProblem: 4,
      seed: 1,
      judge,
    });
    expect(batch).toHaveLength(12);
    expect(batch.map((rollout) => rollout.group)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    for (const rollout of batch) {
      const [call] = rollout.calls;
      expect(call.tokens).toHaveLength(call.logProbs.length);
      let next = 0;
      for (const step of rollout.steps) {
        expect(step.start).toBe(next);
        expect(step.judgment?.score).toBe(1);
        next = step.end;
      }
      expect(next).toBe(call.tokens.length);
      expect(rollout.outcome.kind).toBe('grade');
    }
    expect(judge.seen).toHaveLength(batch.reduce((sum, rollout) => sum + rollout.steps.length, 0));
  });

  it('shows the overseer the answer the completion gives, not its answer line', async () => {
    // A family whose answer is more than its answer line (trojan-code's is the whole program).
    const whole = {
      ...task,
      steps: (completion: string) => [
        { kind: 'answer' as const, text: '=a', start: 0, end: Array.from(completion).length },
      ],
      answer: () => 'a=x*3;=a',
    };
    const judge = recordingJudge();
    await questionRollouts(model, whole, problems.slice(0, 1), {
      samplesPerProblem: 2,
      seed: 1,
      judge,
    });
    expect(judge.seen.map((step) => [step.kind, step.action])).toEqual([
      ['answer', 'a=x*3;=a'],
      ['answer', 'a=x*3;=a'],
    ]);
  });

  it('judges a completion cut at the budget without an answer line only when asked', async () => {
    const short = { ...task, maxTokens: 2 };
    const options = { samplesPerProblem: 8, seed: 4 };
    const cut = (rollout: Rollout) =>
      rollout.calls[0].tokens.at(-1) !== model.tokenizer.endId && rollout.answer === null;
    const plain = (await questionRollouts(model, short, problems, options)).filter(cut);
    expect(plain.length).toBeGreaterThan(0);
    for (const rollout of plain)
      expect(rollout.steps.map((step) => step.kind)).not.toContain('answer');
    const judged = (
      await questionRollouts(model, short, problems, { ...options, judgeTruncated: true })
    ).filter(cut);
    expect(judged.length).toBe(plain.length);
    for (const rollout of judged) {
      const last = rollout.steps.at(-1)!;
      expect(last.kind).toBe('answer');
      expect(last.text).toBe('');
      // The verdict rides on the tokens of the line the budget cut.
      expect(last.end).toBe(rollout.calls[0].tokens.length);
      expect(last.end).toBeGreaterThan(last.start);
    }
  });

  it('judges a completion that stops without an answer line as an empty answer on the end token', async () => {
    const batch = await questionRollouts(model, task, problems.slice(0, 1), {
      samplesPerProblem: 16,
      seed: 3,
    });
    const stopped = batch.filter(
      (rollout) =>
        rollout.calls[0].tokens.at(-1) === model.tokenizer.endId && rollout.answer === null,
    );
    expect(stopped.length).toBeGreaterThan(0);
    for (const rollout of stopped) {
      const last = rollout.steps.at(-1)!;
      expect(last.kind).toBe('answer');
      expect(last.text).toBe('');
      expect(last.end).toBe(rollout.calls[0].tokens.length);
      expect(last.proposed.previous).toHaveLength(rollout.steps.length - 1);
    }
  });

  it('shows the overseer each step with the steps and text before it', async () => {
    const judge = recordingJudge();
    const [rollout] = await questionRollouts(model, task, problems.slice(0, 1), {
      samplesPerProblem: 1,
      seed: 4,
      judge,
    });
    const prompt = task.prompt(problems[0].question);
    rollout.steps.forEach((step, index) => {
      expect(step.proposed.family).toBe('addition');
      expect(step.proposed.question).toBe(problems[0].question);
      expect(step.proposed.previous.map((prior) => prior.text)).toEqual(
        rollout.steps.slice(0, index).map((s) => s.text),
      );
      expect(step.proposed.context.startsWith(prompt)).toBe(true);
    });
  });
});

describe('environment rollouts', () => {
  const family = cameraDropbox({ stepLimit: 6 });
  const problems = family.generate({ seed: 1, count: 2, split: 'train' });
  const task = environmentTask(family, problems, openEnvironment);
  const model = Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels,
    seed: 5,
    config: { layers: 1, heads: 2, width: 16, contextLength: 24 },
  });

  it('plays one model call per action until every episode ends, judging each with its observation', async () => {
    const judge = recordingJudge();
    const batch = await environmentRollouts(model, task, problems, {
      samplesPerProblem: 3,
      seed: 2,
      judge,
    });
    expect(batch).toHaveLength(6);
    for (const rollout of batch) {
      expect(rollout.calls).toHaveLength(rollout.steps.length);
      expect(rollout.answer).toBe(rollout.steps.map((step) => step.text).join(''));
      expect(rollout.outcome.kind === 'return' && rollout.outcome.length).toBe(
        rollout.steps.length,
      );
      expect(rollout.steps.length).toBeLessThanOrEqual(6);
      expect(rollout.steps[0].proposed.observation).toBe(rollout.problem.question);
      for (const step of rollout.steps) {
        expect(step.end - step.start).toBe(1);
        expect(typeof step.proxyReward).toBe('number');
        expect(step.proposed.context).toBe(`${step.proposed.observation}=`);
      }
      const proxy = rollout.steps.reduce((sum, step) => sum + step.proxyReward!, 0);
      expect(proxy).toBeCloseTo(rollout.outcome.reward, 9);
    }
    expect(judge.seen.every((step) => step.kind === 'action')).toBe(true);
  });

  it('is reproducible for a seed', async () => {
    const first = await environmentRollouts(model, task, problems, {
      samplesPerProblem: 2,
      seed: 9,
    });
    const second = await environmentRollouts(model, task, problems, {
      samplesPerProblem: 2,
      seed: 9,
    });
    expect(second.map((rollout) => rollout.answer)).toEqual(first.map((rollout) => rollout.answer));
  });
});
