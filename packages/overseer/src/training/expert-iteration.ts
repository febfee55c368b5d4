/**
 * `expert-iteration` (STaR-style): each iteration samples `groupSize` rollouts per problem, keeps
 * those the overseer approves — with λ, those whose mixed score clears a threshold — and
 * fine-tunes on the kept ones (by default on everything kept so far, so a few dozen samples are
 * not drilled into the model) with the supervised machinery. A rollout's process score is its
 * least-approved step's score (an episode is approved only if every step is), its outcome score
 * the outcome reward it earned, and its mixed score the dial's (1 − λ) · process + λ · outcome.
 */
import { z } from 'zod';
import { deriveSeed } from '../util/random.ts';
import { dial } from '../rewards/dial.ts';
import type { Dial } from '../rewards/dial.ts';
import { processReward } from '../rewards/step-rewards.ts';
import { OverseerError } from '../errors.ts';
import type { SupervisedExample } from '../tasks/family.ts';
import { cacheJudgmentsOption, trainerJudge } from './judgment-cache.ts';
import { rolloutStatistics, updateRollouts } from './reinforcement.ts';
import type { Rollout, RolloutStep } from './rollouts.ts';
import { trainSupervised } from './supervised.ts';
import type { QuestionTrainingTask, StepJudge, TrainingTask } from './task.ts';
import {
  optimizerFactory,
  trainerReference,
  optimizerOptions,
  parseTrainerOptions,
  requireInContext,
} from './trainer.ts';
import type { Trainer, UpdateReport } from './trainer.ts';

/** Options of expert iteration. */
export const ExpertIterationOptions = z.strictObject({
  /** Sample → filter → fine-tune rounds. */
  iterations: z.number().int().positive().default(4),
  /** Problems sampled per iteration. */
  problemsPerIteration: z.number().int().positive().default(16),
  /** Samples per problem. */
  groupSize: z.number().int().positive().default(8),
  /** Sampling temperature. */
  temperature: z.number().positive().default(1),
  /** The dial: 0 keeps what the overseer approves, 1 what the outcome rewards. */
  lambda: z.number().min(0).max(1).default(0),
  /** A rollout is kept when its mixed score is strictly above this. */
  threshold: z.number().default(0),
  /** Fine-tuning steps per iteration. */
  stepsPerIteration: z.number().int().positive().default(20),
  /** Fine-tune on everything kept so far (STaR's growing set), not only this iteration's. */
  accumulate: z.boolean().default(true),
  /** Pairs per fine-tuning batch. */
  batchSize: z.number().int().positive().default(32),
  ...cacheJudgmentsOption(false),
  /**
   * STaR's rationalization: for a problem none of whose samples was kept, keep the expert's own
   * answer in place of a disapproved one (asked of the judge's `correct`) — for a chain of
   * thought, the expert's whole trace, line by line — so the model can learn what it never finds
   * by itself.
   */
  rationalize: z.boolean().default(false),
  ...optimizerOptions,
  /** Peak learning rate of the fine-tuning. */
  learningRate: z.number().positive().default(3e-4),
});
/** Options of expert iteration, as written. */
export type ExpertIterationOptions = z.input<typeof ExpertIterationOptions>;

/** A rollout's process score: its least-approved step's score (0 for an unjudged step). */
export function processScore(rollout: Rollout): number {
  if (rollout.steps.length === 0) return -1;
  return Math.min(
    ...rollout.steps.map((step) => (step.judgment ? processReward(step.judgment) : 0)),
  );
}

/** A rollout's mixed score under the dial: process score and outcome reward. */
export function mixedScore(rollout: Rollout, mixer: Dial): number {
  return mixer.mix(processScore(rollout), rollout.outcome.reward);
}

/** The supervised pairs of a kept rollout: its completion, or each valid action of an episode. */
export function rolloutPairs(
  rollout: Rollout,
  task: TrainingTask,
  endId: number,
): SupervisedExample[] {
  if (task.kind === 'question') {
    const call = rollout.calls[0];
    // A completion cut off by the token limit would teach the model to stop mid-answer.
    if (call === undefined || call.tokens.at(-1) !== endId || rollout.completion === undefined) {
      return [];
    }
    return [{ prompt: call.prompt, completion: rollout.completion }];
  }
  return rollout.steps.flatMap((step) =>
    task.actions.includes(step.text) && step.text.length === 1
      ? [{ prompt: rollout.calls[step.call].prompt, completion: step.text }]
      : [],
  );
}

/**
 * The expert's answers for the groups with nothing kept: per such group, the first sample that is
 * a single disapproved answer, answered as the expert would have (none where it cannot say). On a
 * chain-of-thought `task`, the first sample with a disapproved step, and the expert's whole trace
 * in its place (`expertCompletion`).
 */
export async function rationalizations(
  rollouts: readonly Rollout[],
  keeps: readonly boolean[],
  judge: StepJudge,
  task?: TrainingTask,
): Promise<SupervisedExample[]> {
  const lines = task?.kind === 'question' && task.format === 'chain-of-thought' ? task : undefined;
  const settled = new Set(rollouts.filter((_, index) => keeps[index]).map((r) => r.group));
  const chosen = new Map<number, Rollout>();
  const disapproved = (step: RolloutStep) => (step.judgment?.score ?? 0) < 0;
  for (const rollout of rollouts) {
    const [only] = rollout.steps;
    if (settled.has(rollout.group) || chosen.has(rollout.group)) continue;
    const oneAnswer = rollout.steps.length === 1 && only.kind === 'answer' && disapproved(only);
    if (lines === undefined ? oneAnswer : rollout.steps.some(disapproved)) {
      chosen.set(rollout.group, rollout);
    }
  }
  const pairs = await Promise.all(
    [...chosen.values()].map(async (rollout) => {
      const correction =
        lines === undefined
          ? await judge.correct?.(rollout.steps[0].proposed)
          : await expertCompletion(lines, rollout, judge);
      return correction === undefined
        ? []
        : [{ prompt: rollout.calls[0].prompt, completion: correction }];
    }),
  );
  return pairs.flat();
}

/**
 * The expert's whole chain of thought for a rollout's question, asked of the judge's `correct` on
 * paper: its next line after its own lines so far, until it has none, then its answer — written
 * in the task's format. Undefined where it gives no answer, or its trace outgrows the task's
 * token budget.
 */
export async function expertCompletion(
  task: QuestionTrainingTask,
  rollout: Rollout,
  judge: StepJudge,
): Promise<string | undefined> {
  const write = task.completion;
  if (judge.correct === undefined || write === undefined) return undefined;
  const prompt = rollout.calls[0].prompt;
  const ask = (kind: 'thought' | 'answer', thoughts: readonly string[]) =>
    judge.correct!({
      family: task.family,
      question: rollout.problem.question,
      kind,
      previous: thoughts.map((text) => ({ kind: 'thought', text })),
      context: prompt + write(thoughts),
      action: '',
    });
  const thoughts: string[] = [];
  for (;;) {
    const line = await ask('thought', thoughts);
    if (line === undefined || line === '') break;
    thoughts.push(line);
    if (Array.from(write(thoughts)).length > task.maxTokens) return undefined;
  }
  const answer = await ask('answer', thoughts);
  if (answer === undefined) return undefined;
  const completion = write(thoughts, task.answer(answer) ?? answer);
  return Array.from(completion).length < task.maxTokens ? completion : undefined;
}

/** The expert-iteration trainer. */
export function expertIteration(options: ExpertIterationOptions = {}): Trainer {
  const resolved = parseTrainerOptions('expert-iteration', ExpertIterationOptions, options);
  const reference = trainerReference('expert-iteration', resolved);
  const createOptimizer = optimizerFactory(
    resolved,
    resolved.iterations,
    resolved.stepsPerIteration,
  );
  return {
    reference,
    learnsFrom: 'rollouts',
    // Judged even at λ = 1: the judgments are the kept samples' process statistics.
    judges: true,
    problemsPerUpdate: resolved.problemsPerIteration,
    optimizerStepsPerUpdate: resolved.stepsPerIteration,
    updates: resolved.iterations,
    sampling: { temperature: resolved.temperature },
    createOptimizer,
    async train(context) {
      const started = performance.now();
      const task = requireInContext('expert-iteration', context, 'task', 'the problems to sample');
      if (task.problems.length === 0) {
        throw new OverseerError('training.no-data', 'expert-iteration has no problems to sample');
      }
      if (resolved.lambda < 1 && context.judge === undefined) {
        throw new OverseerError(
          'training.context',
          `expert-iteration with λ = ${resolved.lambda} keeps what the overseer approves, so it needs one`,
          { hint: 'pass a judge (an overseer), or set lambda 1 to filter on outcomes alone' },
        );
      }
      const { model, seed } = context;
      const optimizer = context.optimizer ?? createOptimizer(model);
      const mixer = dial(resolved.lambda);
      const judge = trainerJudge(context.judge, resolved.cacheJudgments);
      if (resolved.rationalize && judge?.correct === undefined) {
        throw new OverseerError(
          'training.context',
          'expert-iteration with rationalize keeps the expert’s own answers, and this judge gives none',
          { hint: 'pass a judge with `correct`, or set rationalize false' },
        );
      }
      const updates: UpdateReport[] = [];
      let collected: SupervisedExample[] = [];
      for (let iteration = 0; iteration < resolved.iterations; iteration++) {
        const iterationStarted = performance.now();
        const batch = await updateRollouts('expert-iteration', context, task, judge, iteration, {
          ...resolved,
          problemsPerUpdate: resolved.problemsPerIteration,
        });
        const keeps = batch.map((rollout) => mixedScore(rollout, mixer) > resolved.threshold);
        const kept = batch.filter((_, index) => keeps[index]);
        const rationalized =
          resolved.rationalize && judge !== undefined
            ? await rationalizations(batch, keeps, judge, task)
            : [];
        const fresh = [
          ...kept.flatMap((rollout) => rolloutPairs(rollout, task, model.tokenizer.endId)),
          ...rationalized,
        ];
        collected = resolved.accumulate ? [...collected, ...fresh] : fresh;
        const pairs = collected;
        let loss = Number.NaN;
        let learningRate = 0;
        let gradientNorm = 0;
        if (pairs.length > 0) {
          const losses: number[] = [];
          await trainSupervised({
            model,
            optimizer,
            train: pairs,
            steps: optimizer.step + resolved.stepsPerIteration,
            batchSize: resolved.batchSize,
            seed: deriveSeed(seed, 'expert-iteration', 'batches', iteration),
            progress: false,
            onStep(step) {
              losses.push(step.loss);
              learningRate = step.learningRate;
              gradientNorm = step.gradientNorm;
            },
          });
          loss = losses.reduce((a, b) => a + b, 0) / losses.length;
        }
        const report: UpdateReport = {
          update: iteration + 1,
          loss,
          learningRate,
          gradientNorm,
          ...rolloutStatistics(batch),
          kept: kept.length,
          ...(resolved.rationalize ? { correctedSteps: rationalized.length } : {}),
          seconds: (performance.now() - iterationStarted) / 1000,
        };
        await context.onRollouts?.({ update: iteration + 1, rollouts: batch, kept: keeps });
        updates.push(report);
        context.onUpdate?.(report);
      }
      return {
        trainer: reference,
        updates,
        optimizer,
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}
