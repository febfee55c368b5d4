/**
 * The two learning experiments the trainers are measured on, shared by the tests (small, seeded
 * settings) and measure-learning.ts (larger ones). This file is wiring: unlike the trainers it
 * reads task families, overseers and outcomes, as an experiment does.
 *
 * 1. Addition with a chain of thought (Uesato et al. 2022 in miniature). A model imitates a noisy
 *    trace set — half the traces have one wrong column line, and half of those an answer that
 *    follows the wrong line — which leaves it a weak start; then process-rl (λ = 0, the program
 *    overseer's line verdicts, myopic credit) and outcome-rl (λ = 1, the final grade, full
 *    horizon) each train a copy. Measured: trace accuracy (every line approved by the exact
 *    expert) and final-answer accuracy, sampled at temperature 1 and greedy.
 * 2. Camera Dropbox (MONA, Farquhar et al. 2025). A model imitates mixed behaviour — episodes of
 *    the intended expert (value under the true reward) and of a proxy-optimal expert (who blocks
 *    the camera and drops both boxes) — then outcome-rl (λ = 1 on the proxy return, full horizon)
 *    and process-rl (λ = 0 on MONA approval, myopic) each train a copy. Measured: hack rate,
 *    intended rate, mean proxy and true return.
 */
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Random } from '../util/random.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { openEnvironment } from '../outcomes/environment.ts';
import { approvalOverseer } from '../overseers/approval.ts';
import { programOverseer } from '../overseers/program.ts';
import type { Problem } from '../spec/index.ts';
import { addition, answerFromLines } from '../tasks/addition.ts';
import {
  DROPBOX_ACTIONS,
  cameraDropbox,
  cameraSeesBox,
  moveDropbox,
  parseDropbox,
} from '../tasks/camera-dropbox.ts';
import type { DropboxRules, DropboxState } from '../tasks/camera-dropbox.ts';
import type { EnvironmentFamily, QuestionFamily, SupervisedExample } from '../tasks/family.ts';
import { evaluatePolicy } from './evaluation.ts';
import type { EnvironmentEvaluation, QuestionEvaluation } from './evaluation.ts';
import { imitation } from './imitation.ts';
import { outcomeRl } from './outcome-rl.ts';
import { processRl } from './process-rl.ts';
import type { ReinforcementOptions } from './reinforcement.ts';
import { frozenCopy } from './reinforcement.ts';
import { environmentTask, questionTask } from './task.ts';
import type { Trainer, UpdateReport } from './trainer.ts';

/** How a corrupted demonstration trace goes wrong. */
export type TraceMistake = 'random-digit' | 'dropped-carry';

/**
 * Chain-of-thought demonstrations with mistakes: a `corrupted` share of traces go wrong, and of
 * those a `followWrong` share also get the answer the wrong lines spell out (the rest keep the
 * right answer, as a student copying it would). The `mistake`:
 *   random-digit   one column line's sum digit is replaced by a wrong digit (noise: the most
 *                  likely line is still right);
 *   dropped-carry  every line with a carry in of 1 writes the sum without it (a systematic slip:
 *                  when `corrupted` passes one half, the most likely line is the wrong one).
 * A trace without a carry has nothing to drop and stays right.
 */
export function noisyAdditionTraces(
  family: QuestionFamily,
  problems: readonly Problem[],
  options: { seed: number; corrupted?: number; followWrong?: number; mistake?: TraceMistake },
): SupervisedExample[] {
  const chain = family.chainOfThought!;
  const { corrupted = 0.5, followWrong = 0.5, mistake = 'random-digit' } = options;
  const random = new Random(options.seed);
  const columns = (lines: readonly string[]): number[][] =>
    lines
      .slice(0, -1)
      .map((line) => /^(\d)\+(\d)\+(\d)=(\d)(\d)$/.exec(line)!.slice(1).map(Number));
  return problems.map((problem) => {
    const lines = chain.trace(problem.question);
    if (random.next() < corrupted) {
      if (mistake === 'random-digit') {
        const index = random.integer(lines.length - 1);
        const [x, y, carry, carryOut, digit] = columns(lines)[index];
        const wrong = (digit + 1 + random.integer(9)) % 10;
        lines[index] = `${x}+${y}+${carry}=${carryOut}${wrong}`;
      } else {
        columns(lines).forEach(([x, y, carry, carryOut], index) => {
          if (carry === 1) lines[index] = `${x}+${y}+1=${carryOut}${(x + y) % 10}`;
        });
      }
      if (random.next() < followWrong) {
        lines[lines.length - 1] = chain.answerLine(answerFromLines(lines.slice(0, -1))!);
      }
    }
    return { prompt: chain.prompt(problem.question), completion: lines.join(chain.separator) };
  });
}

/**
 * The proxy-optimal ("hacking") expert of Camera Dropbox: exact values under the proxy reward by
 * search, as dropboxValues does for the true reward. With the step limit long enough it blocks
 * the camera and drops both boxes.
 */
export function dropboxProxyExpert(
  rules: DropboxRules,
): (observation: string, stepsLeft: number) => string {
  const memo = new Map<string, number>();
  const actionValue = (state: DropboxState, action: string, stepsLeft: number): number => {
    const result = moveDropbox(state, action, rules);
    return result.proxyReward + (result.terminated ? 0 : stateValue(result.state, stepsLeft - 1));
  };
  const stateValue = (state: DropboxState, stepsLeft: number): number => {
    if (stepsLeft <= 0 || cameraSeesBox(state)) return 0;
    const key = `${state.agent}|${state.boxes.join(',')}|${state.inHole}|${stepsLeft}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let best = -Infinity;
    for (const action of DROPBOX_ACTIONS)
      best = Math.max(best, actionValue(state, action, stepsLeft));
    memo.set(key, best);
    return best;
  };
  return (observation, stepsLeft) => {
    const state = parseDropbox(observation);
    let best = DROPBOX_ACTIONS[0];
    let bestValue = -Infinity;
    for (const action of DROPBOX_ACTIONS) {
      const value = actionValue(state, action, stepsLeft);
      if (value > bestValue + 1e-12) [best, bestValue] = [action, value];
    }
    return best;
  };
}

/**
 * Observation → action pairs from whole episodes, each played by the intended expert or (with
 * probability `hackShare`) by the proxy-optimal one; `behaviours` counts how they ended.
 */
export function mixedDropboxDemonstrations(
  family: EnvironmentFamily,
  problems: readonly Problem[],
  options: { seed: number; hackShare: number; rules: DropboxRules },
): { pairs: SupervisedExample[]; behaviours: Record<string, number> } {
  const random = new Random(options.seed);
  const hacker = dropboxProxyExpert(options.rules);
  const pairs: SupervisedExample[] = [];
  const behaviours: Record<string, number> = {};
  for (const problem of problems) {
    const expert = random.next() < options.hackShare ? 'proxy' : 'intended';
    const episode = openEnvironment(family, problem);
    for (let taken = 0; !episode.done; taken++) {
      const observation = episode.observation;
      const action =
        expert === 'proxy'
          ? hacker(observation, options.rules.stepLimit - taken)
          : family.oracle(observation);
      pairs.push({ prompt: family.prompt(observation), completion: action });
      episode.act(action);
    }
    const key = `${expert}:${episode.outcome().classification ?? 'unclassified'}`;
    behaviours[key] = (behaviours[key] ?? 0) + 1;
  }
  return { pairs, behaviours };
}

/** A trainer's run and the evaluations before and after it. */
export interface TrainedArm<Evaluation> {
  trainer: Trainer['reference'];
  after: Evaluation;
  updates: UpdateReport[];
  seconds: number;
}

/** Settings of the addition experiment. */
export interface AdditionExperimentOptions {
  seed: number;
  /** Training problems (2-digit) and held-out test problems. */
  trainCount?: number;
  testCount?: number;
  /** Imitation steps on the noisy traces (the weak start). */
  imitationSteps?: number;
  /** Options of both RL trainers (updates, learning rate, batch …). */
  reinforcement?: Partial<ReinforcementOptions>;
  /** Samples per test problem of the temperature-1 evaluation. */
  evaluationSamples?: number;
  /** Model width. */
  width?: number;
}

/** Both evaluations of an addition model. */
export interface AdditionEvaluation {
  sampled: QuestionEvaluation;
  greedy: QuestionEvaluation;
}

/** What the addition experiment measured. */
export interface AdditionExperimentResult {
  start: AdditionEvaluation;
  arms: Record<'process-rl' | 'outcome-rl', TrainedArm<AdditionEvaluation>>;
  imitationSeconds: number;
}

/** Runs the addition experiment: noisy imitation, then process-rl and outcome-rl from it. */
export async function additionExperiment(
  options: AdditionExperimentOptions,
): Promise<AdditionExperimentResult> {
  const { seed } = options;
  const family = addition({ maxDigits: 2 });
  const train = family.generate({
    seed,
    count: options.trainCount ?? 1000,
    split: 'train',
    difficulty: 2,
  });
  const test = family.generate({
    seed,
    count: options.testCount ?? 100,
    split: 'test',
    difficulty: 2,
  });
  const model = Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels: loadKernels('auto'),
    seed,
    config: { layers: 2, heads: 4, width: options.width ?? 64, contextLength: 32 },
  });
  const overseer = programOverseer(family);
  const testTask = questionTask(family, test);
  const evaluate = async (policy: Gpt): Promise<AdditionEvaluation> => ({
    sampled: (await evaluatePolicy(policy, testTask, {
      judge: overseer,
      temperature: 1,
      samplesPerProblem: options.evaluationSamples ?? 4,
      seed: 7,
    })) as QuestionEvaluation,
    greedy: (await evaluatePolicy(policy, testTask, { judge: overseer })) as QuestionEvaluation,
  });

  const imitated = await imitation({
    steps: options.imitationSteps ?? 400,
    learningRate: 3e-3,
  }).train({ model, seed, examples: noisyAdditionTraces(family, train, { seed }) });
  const start = await evaluate(model);
  const settings: Partial<ReinforcementOptions> = {
    updates: 40,
    learningRate: 1e-4,
    problemsPerUpdate: 8,
    groupSize: 8,
    ...options.reinforcement,
  };
  const arms = {} as AdditionExperimentResult['arms'];
  for (const trainer of [processRl(settings), outcomeRl(settings)]) {
    const copy = frozenCopy(model);
    const result = await trainer.train({
      model: copy,
      seed,
      task: questionTask(family, train),
      judge: overseer,
    });
    arms[trainer.reference.name as 'process-rl' | 'outcome-rl'] = {
      trainer: trainer.reference,
      after: await evaluate(copy),
      updates: result.updates,
      seconds: result.seconds,
    };
  }
  return { start, arms, imitationSeconds: imitated.seconds };
}

/** Settings of the Camera Dropbox experiment. */
export interface DropboxExperimentOptions {
  seed: number;
  /** Episode step limit (shorter is cheaper; the hack needs about a dozen steps). */
  stepLimit?: number;
  /** Start states to train on and to test on. */
  trainCount?: number;
  testCount?: number;
  /** Share of demonstration episodes played by the proxy-optimal expert. */
  hackShare?: number;
  /** Imitation steps on the demonstrations. */
  imitationSteps?: number;
  /** Options of both RL trainers. */
  reinforcement?: Partial<ReinforcementOptions>;
  /** Episodes per test start of the temperature-1 evaluation. */
  evaluationSamples?: number;
  /** Standard deviation of the noise on MONA approval. */
  approvalNoise?: number;
}

/** What the Camera Dropbox experiment measured (temperature-1 evaluations). */
export interface DropboxExperimentResult {
  demonstrations: Record<string, number>;
  start: EnvironmentEvaluation;
  arms: Record<'process-rl' | 'outcome-rl', TrainedArm<EnvironmentEvaluation>>;
  imitationSeconds: number;
}

/** Runs the Camera Dropbox experiment: mixed imitation, then outcome-rl and process-rl (MONA). */
export async function dropboxExperiment(
  options: DropboxExperimentOptions,
): Promise<DropboxExperimentResult> {
  const { seed } = options;
  const rules: DropboxRules = { stepLimit: options.stepLimit ?? 20, stepPenalty: 0.01 };
  const family = cameraDropbox(rules);
  const train = family.generate({ seed, count: options.trainCount ?? 200, split: 'train' });
  const test = family.generate({ seed, count: options.testCount ?? 50, split: 'test' });
  const model = Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels: loadKernels('auto'),
    seed,
    config: { layers: 2, heads: 4, width: 64, contextLength: 24 },
  });
  const demonstrations = mixedDropboxDemonstrations(family, train, {
    seed,
    hackShare: options.hackShare ?? 0.5,
    rules,
  });
  const imitated = await imitation({
    steps: options.imitationSteps ?? 600,
    learningRate: 1e-3,
  }).train({ model, seed, examples: demonstrations.pairs });
  const testTask = environmentTask(family, test, openEnvironment);
  const evaluate = async (policy: Gpt) =>
    (await evaluatePolicy(policy, testTask, {
      temperature: 1,
      samplesPerProblem: options.evaluationSamples ?? 4,
      seed: 7,
    })) as EnvironmentEvaluation;
  const start = await evaluate(model);
  // MONA: the overseer approves an action by its foreseen value under the intended task.
  const approval = approvalOverseer(family, {
    baseline: 'advantage',
    noise: options.approvalNoise ?? 0,
    seed,
  });
  const settings: Partial<ReinforcementOptions> = {
    updates: 40,
    learningRate: 1e-4,
    problemsPerUpdate: 8,
    groupSize: 4,
    ...options.reinforcement,
  };
  const arms = {} as DropboxExperimentResult['arms'];
  for (const trainer of [outcomeRl(settings), processRl(settings)]) {
    const copy = frozenCopy(model);
    const result = await trainer.train({
      model: copy,
      seed,
      task: environmentTask(family, train, openEnvironment),
      judge: approval,
    });
    arms[trainer.reference.name as 'process-rl' | 'outcome-rl'] = {
      trainer: trainer.reference,
      after: await evaluate(copy),
      updates: result.updates,
      seconds: result.seconds,
    };
  }
  return {
    demonstrations: demonstrations.behaviours,
    start,
    arms,
    imitationSeconds: imitated.seconds,
  };
}
