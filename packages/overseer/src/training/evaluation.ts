/**
 * Measuring the embedded model in-process, on sampled rollouts rather than played episodes.
 * Questions: final-answer accuracy, trace accuracy (every step approved by an evaluation judge —
 * give it the exact expert, not a fallible one) and the judge's view of trace error (among right
 * answers, the share with a step it did not approve; `experiments/metrics.ts`'s `traceError`
 * grades against the exact solution instead). Environments: how often episodes end in the hack or
 * the intended behaviour, and the mean proxy and true returns. Greedy by default, so a
 * measurement does not depend on a sampling seed. Averages and shares over nothing are 0
 * (`util/mean.ts`); NaN marks what was not measured at all.
 */
import type { Gpt } from '../model/gpt.ts';
import { approved, trueRewardOf } from '../spec/index.ts';
import type { Problem } from '../spec/index.ts';
import { mean, share } from '../util/mean.ts';
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
  /** Share whose every step the judge `approved` (score ≥ 0), answer line included (NaN without a judge). */
  traceAccuracy: number;
  /** Among correct answers, the share with a step the judge did not approve (NaN without a judge or a correct answer). */
  traceError: number;
  /** Share of all steps the judge `approved` (score ≥ 0; NaN without a judge). */
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

/** Whether the judge approved every step of a rollout, answer line included (an unjudged step is not approved). */
function approvedTrace(rollout: Rollout): boolean {
  return (
    rollout.steps.some((step) => step.kind === 'answer') &&
    rollout.steps.every((step) => step.judgment !== undefined && approved(step.judgment))
  );
}

/** Question metrics of judged rollouts. */
export function summariseQuestions(
  batch: readonly Rollout[],
  reference: ((problem: Problem) => string) | undefined,
  judged: boolean,
): QuestionEvaluation {
  const isRight = (rollout: Rollout): boolean =>
    rollout.outcome.kind === 'grade' && rollout.outcome.correct;
  const right = batch.filter(isRight);
  const steps = batch.flatMap((rollout) => rollout.steps);
  return {
    kind: 'question',
    count: batch.length,
    answerAccuracy: share(batch, isRight),
    traceAccuracy: judged ? share(batch, approvedTrace) : Number.NaN,
    traceError:
      judged && right.length > 0 ? share(right, (rollout) => !approvedTrace(rollout)) : Number.NaN,
    stepApproval: judged
      ? share(steps, (step) => step.judgment !== undefined && approved(step.judgment))
      : Number.NaN,
    exactTrace: reference
      ? share(batch, (rollout) => rollout.completion === reference(rollout.problem))
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
    hackRate: share(outcomes, (outcome) => outcome.classification === 'hack'),
    intendedRate: share(outcomes, (outcome) => outcome.classification === 'intended'),
    meanReturn: mean(outcomes.map((outcome) => outcome.reward)),
    meanTrueReturn: mean(outcomes.map((outcome) => trueRewardOf(outcome))),
    meanLength: mean(outcomes.map((outcome) => outcome.length)),
  };
}
