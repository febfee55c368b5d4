import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { programOverseer } from '../overseers/program.ts';
import type { Judgment, ProposedStep } from '../spec/index.ts';
import { addition } from '../tasks/addition.ts';
import { expertIteration } from './expert-iteration.ts';
import { proposedStepKey } from '../spec/index.ts';
import { cachedJudge } from './judgment-cache.ts';
import { imitation } from './imitation.ts';
import { processRl } from './process-rl.ts';
import { frozenCopy } from './reinforcement.ts';
import type { StepJudge } from './task.ts';
import { questionTask } from './task.ts';
import type { RolloutReport } from './trainer.ts';

const family = addition({ maxDigits: 1 });
const problems = family.generate({ seed: 1, count: 6, split: 'train', difficulty: 1 });
const task = questionTask(family, problems);

function fresh(): Gpt {
  return Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels: loadKernels('auto'),
    seed: 3,
    config: { layers: 1, heads: 2, width: 16, contextLength: 24 },
  });
}

/** The program overseer, counting what it is asked (each request is one call to the expert). */
function countedOverseer(): StepJudge & { judged: ProposedStep[]; corrected: ProposedStep[] } {
  const overseer = programOverseer(family);
  const judged: ProposedStep[] = [];
  const corrected: ProposedStep[] = [];
  return {
    judged,
    corrected,
    judge(step) {
      judged.push(step);
      return overseer.judge(step);
    },
    correct(step) {
      corrected.push(step);
      return family.checkStep(step).expected;
    },
  };
}

const step = (action: string, question = '3+4'): ProposedStep => ({
  family: family.name,
  question,
  kind: 'answer',
  previous: [],
  context: question,
  action,
});

describe('the judgment cache', () => {
  it('judges each distinct step once: a repeated step is a hit, not a call', async () => {
    const counted = countedOverseer();
    const cache = cachedJudge(counted);
    const first = await cache.judge(step('7'));
    // Asked concurrently, a repeat shares the first request.
    const again = await Promise.all([cache.judge(step('7')), cache.judge(step('7'))]);
    await cache.judge(step('8'));
    await cache.judge(step('7', '4+3'));
    expect(counted.judged.map((judged) => [judged.question, judged.action])).toEqual([
      ['3+4', '7'],
      ['3+4', '8'],
      ['4+3', '7'],
    ]);
    expect(again).toEqual([first, first]);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 2, misses: 3 });
    // Corrections are remembered the same way, apart from judgments.
    expect(await cache.correct!(step('8'))).toBe(await cache.correct!(step('8')));
    expect(counted.corrected).toHaveLength(1);
  });

  it('keys a step on everything the overseer is shown', () => {
    const base = step('7');
    const keys = new Set([
      proposedStepKey(base),
      proposedStepKey({ ...base, kind: 'thought' }),
      proposedStepKey({ ...base, previous: [{ kind: 'thought', text: '7' }] }),
      proposedStepKey({ ...base, context: '3+4=' }),
      proposedStepKey({ ...base, observation: 'o' }),
    ]);
    expect(keys.size).toBe(5);
    expect(proposedStepKey({ ...base })).toBe(proposedStepKey(base));
  });

  it('leaves a deterministic overseer’s judgments and the trained model exactly as without it', async () => {
    // A policy that has learnt something repeats itself: samples of a question coincide.
    const warm = fresh();
    await imitation({ steps: 60, batchSize: 6, learningRate: 1e-2, warmupSteps: 0 }).train({
      model: warm,
      seed: 1,
      examples: problems.map((problem) => ({
        prompt: family.prompt(problem.question, 'snap'),
        completion: family.oracle(problem.question),
      })),
    });
    const snap = questionTask(family, problems, { format: 'snap' });
    const options = { updates: 3, problemsPerUpdate: 3, groupSize: 4, learningRate: 1e-3 };
    const run = async (cacheJudgments: boolean) => {
      const counted = countedOverseer();
      const model = frozenCopy(warm);
      const judgments: Judgment[] = [];
      const keys: string[] = [];
      const result = await processRl({ ...options, cacheJudgments }).train({
        model,
        seed: 5,
        task: snap,
        judge: counted,
        onRollouts: (report: RolloutReport) => {
          for (const rollout of report.rollouts) {
            for (const judged of rollout.steps) {
              judgments.push(judged.judgment!);
              keys.push(proposedStepKey(judged.proposed));
            }
          }
        },
      });
      return { model, result, judgments, keys, calls: counted.judged.length };
    };
    const plain = await run(false);
    const cached = await run(true);
    const verdicts = (judgments: Judgment[]) =>
      judgments.map(({ score, rating, rationale }) => ({ score, rating, rationale }));
    expect(verdicts(cached.judgments)).toEqual(verdicts(plain.judgments));
    expect(Array.from(cached.model.params)).toEqual(Array.from(plain.model.params));
    // Without the cache every step is a call; with it only the distinct ones.
    expect(plain.calls).toBe(plain.judgments.length);
    expect(cached.calls).toBe(new Set(cached.keys).size);
    expect(cached.calls).toBeLessThan(plain.calls);
  });

  it('is an option of expert iteration too', async () => {
    const counted = countedOverseer();
    await expertIteration({
      iterations: 2,
      problemsPerIteration: 3,
      groupSize: 6,
      stepsPerIteration: 1,
      cacheJudgments: true,
    }).train({ model: fresh(), seed: 2, task, judge: counted });
    const keys = counted.judged.map(proposedStepKey);
    // Within one train call no step is judged twice.
    expect(new Set(keys).size).toBe(keys.length);
  });
});
