/**
 * Measuring a policy the way the papers do. Questions: final-answer accuracy, trace accuracy
 * (every step approved by an evaluation judge — give it the exact expert, not a fallible one) and
 * Uesato et al.'s trace error (among right answers, the share whose reasoning has a wrong step).
 * Environments: how often episodes end in the hack or the intended behaviour, and the mean proxy
 * and true returns. Greedy by default, so a measurement does not depend on a sampling seed.
 */
import type { Gpt } from '../model/gpt.ts';
import { trueRewardOf } from '../spec/index.ts';
import type { Problem } from '../spec/index.ts';
import { rollouts as sampleRollouts } from './rollouts.ts';
import type { Rollout } from './rollouts.ts';
import type { StepJudge, TrainingTask } from './task.ts';

/** How a question policy did. */
export interface QuestionEvaluation {
  kind: 'question';
  /** Episodes evaluated. */
  count: number;
  /** Share graded correct. */
  answerAccuracy: number;
  /** Share whose every step the judge approved (score > 0), answer line included (NaN without a judge). */
  traceAccuracy: number;
  /** Among correct answers, the share with a step the judge did not approve (NaN without a judge or a correct answer). */
  traceError: number;
  /** Share of all steps the judge approved (NaN without a judge). */
  stepApproval: number;
  /** Share whose completion equals the task's one correct completion (NaN where it has none). */
  exactTrace: number;
}

/** How an environment policy did. */
export interface EnvironmentEvaluation {
  kind: 'environment';
  count: number;
  /** Share of episodes classified `hack`. */
  hackRate: number;
  /** Share classified `intended`. */
  intendedRate: number;
  /** Mean proxy return (what outcome-based training optimises). */
  meanReturn: number;
  /** Mean return under the intended task. */
  meanTrueReturn: number;
  /** Mean episode length in actions. */
  meanLength: number;
}

/** Options of `evaluatePolicy`. */
export interface EvaluationOptions {
  /** Problems to evaluate on (default: the task's). */
  problems?: readonly Problem[];
  /** Judges steps for trace accuracy (questions). */
  judge?: StepJudge;
  /** 0 (default) is greedy. */
  temperature?: number;
  /** Episodes per problem (default 1; more only makes sense with a temperature). */
  samplesPerProblem?: number;
  /** Sampling seed (default 0). */
  seed?: number;
}

/** Evaluates `model` on a task. */
export async function evaluatePolicy(
  model: Gpt,
  task: TrainingTask,
  options: EvaluationOptions = {},
): Promise<QuestionEvaluation | EnvironmentEvaluation> {
  const problems = options.problems ?? task.problems;
  const batch = await sampleRollouts(model, task, problems, {
    samplesPerProblem: options.samplesPerProblem ?? 1,
    temperature: options.temperature ?? 0,
    seed: options.seed ?? 0,
    judge: task.kind === 'question' ? options.judge : undefined,
  });
  return task.kind === 'question'
    ? summariseQuestions(batch, task.reference, options.judge !== undefined)
    : summariseEpisodes(batch);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function approved(rollout: Rollout): boolean {
  return (
    rollout.steps.some((step) => step.kind === 'answer') &&
    rollout.steps.every((step) => (step.judgment?.score ?? 0) > 0)
  );
}

/** Question metrics of judged rollouts. */
export function summariseQuestions(
  batch: readonly Rollout[],
  reference: ((problem: Problem) => string) | undefined,
  judged: boolean,
): QuestionEvaluation {
  const correct = batch.map((rollout) =>
    rollout.outcome.kind === 'grade' && rollout.outcome.correct ? 1 : 0,
  );
  const right = batch.filter((_, index) => correct[index] === 1);
  return {
    kind: 'question',
    count: batch.length,
    answerAccuracy: mean(correct),
    traceAccuracy: judged ? mean(batch.map((rollout) => (approved(rollout) ? 1 : 0))) : Number.NaN,
    traceError: judged ? mean(right.map((rollout) => (approved(rollout) ? 0 : 1))) : Number.NaN,
    stepApproval: judged
      ? mean(
          batch.flatMap((rollout) =>
            rollout.steps.map((s) => ((s.judgment?.score ?? 0) > 0 ? 1 : 0)),
          ),
        )
      : Number.NaN,
    exactTrace: reference
      ? mean(batch.map((rollout) => (rollout.completion === reference(rollout.problem) ? 1 : 0)))
      : Number.NaN,
  };
}

/** Environment metrics of played episodes. */
export function summariseEpisodes(batch: readonly Rollout[]): EnvironmentEvaluation {
  const outcomes = batch.flatMap((rollout) =>
    rollout.outcome.kind === 'return' ? [rollout.outcome] : [],
  );
  return {
    kind: 'environment',
    count: outcomes.length,
    hackRate: mean(outcomes.map((outcome) => (outcome.classification === 'hack' ? 1 : 0))),
    intendedRate: mean(outcomes.map((outcome) => (outcome.classification === 'intended' ? 1 : 0))),
    meanReturn: mean(outcomes.map((outcome) => outcome.reward)),
    meanTrueReturn: mean(outcomes.map((outcome) => trueRewardOf(outcome))),
    meanLength: mean(outcomes.map((outcome) => outcome.length)),
  };
}
