import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { programOverseer } from '../overseers/program.ts';
import { dial } from '../rewards/dial.ts';
import type { Judgment, Outcome } from '../spec/index.ts';
import { addition } from '../tasks/addition.ts';
import { evaluatePolicy } from './evaluation.ts';
import type { QuestionEvaluation } from './evaluation.ts';
import {
  expertIteration,
  mixedScore,
  expertCompletion,
  processScore,
  rationalizations,
  rolloutPairs,
} from './expert-iteration.ts';
import { imitation } from './imitation.ts';
import type { Rollout, RolloutStep } from './rollouts.ts';
import { questionTask } from './task.ts';
import type { EnvironmentTrainingTask, StepJudge } from './task.ts';

const family = addition({ maxDigits: 1 });
const problems = family.generate({ seed: 1, count: 80, split: 'train', difficulty: 1 });

function step(score: number | undefined, text = 'x'): RolloutStep {
  const judgment: Judgment | undefined =
    score === undefined
      ? undefined
      : { score, rationale: '', overseer: { name: 't', options: {} }, method: 'program' };
  return {
    kind: 'answer',
    text,
    call: 0,
    start: 0,
    end: 1,
    proposed: {
      family: 'addition',
      question: '1+2',
      kind: 'answer',
      previous: [],
      context: '',
      action: text,
    },
    ...(judgment ? { judgment } : {}),
  };
}

function rollout(scores: Array<number | undefined>, reward: number, tokens = [5, 1]): Rollout {
  const outcome: Outcome = {
    kind: 'grade',
    answer: '3',
    expected: '3',
    correct: reward > 0,
    reward,
    info: {},
  };
  return {
    problem: problems[0],
    group: 0,
    calls: [{ prompt: '1+2=', tokens, logProbs: tokens.map(() => -1) }],
    steps: scores.map((score) => step(score)),
    answer: '3',
    outcome,
    completion: '3',
  };
}

describe('expert-iteration scores', () => {
  it('approves an episode only as much as its least approved step', () => {
    expect(processScore(rollout([1, 0.5, 1], 0))).toBe(0.5);
    expect(processScore(rollout([1, undefined], 0))).toBe(0);
    expect(processScore(rollout([], 1))).toBe(-1);
  });

  it('mixes process and outcome through the dial', () => {
    const sample = rollout([-1], 1);
    expect(mixedScore(sample, dial(0))).toBe(-1);
    expect(mixedScore(sample, dial(1))).toBe(1);
    expect(mixedScore(sample, dial(0.25))).toBeCloseTo(-0.5);
  });

  it('fine-tunes only on completions that ended, and on valid actions of episodes', () => {
    const task = questionTask(family, problems, { format: 'snap' });
    expect(rolloutPairs(rollout([1], 1), task, 1)).toEqual([{ prompt: '1+2=', completion: '3' }]);
    expect(rolloutPairs(rollout([1], 1, [5, 6]), task, 1)).toEqual([]);
    const environment = { kind: 'environment', actions: 'UDLR' } as EnvironmentTrainingTask;
    const episode: Rollout = {
      ...rollout([1, 1], 1),
      calls: [
        { prompt: 'a=', tokens: [3], logProbs: [-1] },
        { prompt: 'b=', tokens: [1], logProbs: [-1] },
      ],
      steps: [
        { ...step(1, 'U'), call: 0 },
        { ...step(1, '?'), call: 1 },
      ],
    };
    expect(rolloutPairs(episode, environment, 1)).toEqual([{ prompt: 'a=', completion: 'U' }]);
  });
});

describe('expert iteration on the embedded model', () => {
  it('raises 1-digit addition accuracy by keeping what the overseer approves', async () => {
    const model = Gpt.create({
      tokenizer: new Tokenizer(family.alphabet),
      kernels: loadKernels('auto'),
      seed: 4,
      config: { layers: 1, heads: 2, width: 32, contextLength: 8 },
    });
    const task = questionTask(family, problems, { format: 'snap' });
    await imitation({ steps: 60, learningRate: 3e-3 }).train({
      model,
      seed: 1,
      examples: family.supervised({ seed: 1, count: 80, split: 'train', difficulty: 1 }),
    });
    const measure = async () =>
      (
        (await evaluatePolicy(model, task, {
          temperature: 1,
          samplesPerProblem: 4,
          seed: 3,
        })) as QuestionEvaluation
      ).answerAccuracy;
    const before = await measure();
    const trainer = expertIteration({
      iterations: 5,
      problemsPerIteration: 40,
      groupSize: 4,
      stepsPerIteration: 30,
      learningRate: 1e-3,
    });
    const result = await trainer.train({ model, seed: 1, task, judge: programOverseer(family) });
    const after = await measure();
    expect(result.updates.every((report) => (report.kept ?? 0) > 0)).toBe(true);
    // Measured 0.08 → 0.33 (seed 4); seeds 5 and 6 gave 0.08 → 0.29 and 0.06 → 0.28.
    expect(after).toBeGreaterThan(before + 0.1);
  });
});

describe('rationalization (STaR)', () => {
  /** The weak expert as an overseer that can also give its own answer. */
  const expert: StepJudge = {
    judge: (proposed) => programOverseer(family).judge(proposed),
    correct: (proposed) => {
      const check = family.checkStep(proposed);
      return check.rating === 1 ? proposed.action : check.expected;
    },
  };

  it('gives the expert’s answer for each group with nothing kept, once, from one-step samples', async () => {
    const wrong = (group: number, steps = 1): Rollout => ({
      ...rollout(
        Array.from({ length: steps }, () => -1),
        0,
      ),
      problem: problems[group],
      group,
      steps: Array.from({ length: steps }, () => ({
        ...step(-1, '0'),
        proposed: { ...step(-1, '0').proposed, question: problems[group].question, action: '0' },
      })),
    });
    const batch = [wrong(0), rollout([1], 1), wrong(1), wrong(1), wrong(2, 2)];
    const keeps = [false, true, false, false, false];
    const asked: string[] = [];
    const pairs = await rationalizations(batch, keeps, {
      judge: expert.judge,
      correct: (proposed) => {
        asked.push(proposed.question);
        return expert.correct!(proposed);
      },
    });
    // Group 0 kept a sample; group 2's sample has two steps: only group 1 is rationalized, once.
    expect(asked).toEqual([problems[1].question]);
    expect(pairs).toEqual([{ prompt: '1+2=', completion: family.oracle(problems[1].question) }]);
  });

  it('trains a cold model on the expert’s answers where it kept nothing, and needs an expert that answers', async () => {
    const model = Gpt.create({
      tokenizer: new Tokenizer(family.alphabet),
      kernels: loadKernels('auto'),
      seed: 4,
      config: { layers: 1, heads: 2, width: 16, contextLength: 8 },
    });
    const task = questionTask(family, problems.slice(0, 8), { format: 'snap' });
    const options = { iterations: 1, problemsPerIteration: 8, groupSize: 2, stepsPerIteration: 2 };
    const result = await expertIteration({ ...options, rationalize: true }).train({
      model,
      seed: 1,
      task,
      judge: expert,
    });
    expect(result.updates[0].kept).toBe(0);
    expect(result.updates[0].correctedSteps).toBeGreaterThan(0);
    expect(Number.isFinite(result.updates[0].loss)).toBe(true);
    await expect(
      expertIteration({ ...options, rationalize: true }).train({
        model,
        seed: 1,
        task,
        judge: programOverseer(family),
      }),
    ).rejects.toThrow(/rationalize/);
  });

  it('gives the expert’s whole chain of thought, asked line by line, for a chain-of-thought task', async () => {
    const big = addition({ maxDigits: 3, traceColumns: 2 });
    const asked: string[] = [];
    const judge: StepJudge = {
      judge: (proposed) => programOverseer(big).judge(proposed),
      correct: (proposed) => {
        asked.push(`${proposed.kind}:${proposed.previous.length}`);
        const check = big.checkStep(proposed);
        return check.rating === 1 ? proposed.action : check.expected;
      },
    };
    const question = '534+299';
    const problem = { ...problems[0], question };
    const task = questionTask(big, [problem]);
    const prompt = task.prompt(question);
    const wrongLine: RolloutStep = {
      ...step(-1, '4+9+0=12'),
      kind: 'thought',
      proposed: { ...step(-1).proposed, question, kind: 'thought', action: '4+9+0=12' },
    };
    const sample: Rollout = {
      ...rollout([-1], 0),
      problem,
      calls: [{ prompt, tokens: [1, 2], logProbs: [-1, -1] }],
      steps: [wrongLine],
    };
    const pairs = await rationalizations([sample, rollout([1], 1)], [false, false], judge, task);
    expect(pairs).toEqual([{ prompt, completion: '34+99+0=133\n5+2+1=08\n=833' }]);
    // Two lines, the question that there is no third, and the answer: four calls on paper.
    expect(asked).toEqual(['thought:0', 'thought:1', 'thought:2', 'answer:2']);
    expect(await expertCompletion({ ...task, maxTokens: 10 }, sample, judge)).toBeUndefined();
  });
});
