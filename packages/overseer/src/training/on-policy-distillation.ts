/**
 * `on-policy-distillation` (DAgger, Ross & Bagnell 2011; on-policy distillation as in GKD): the
 * student samples; the overseer judges every step of the student's own sample on paper; where a
 * step is approved the student's step is imitated, and where it is disapproved the expert's own
 * step in the student's state — the same prompt and the student's own prefix — is imitated
 * instead. The loss is cross-entropy on those steps' tokens only, never on the prefix: the
 * student learns what to do in the states it actually reaches, so its errors do not compound as
 * behaviour cloning's do (O(εT) rather than O(εT²)). Process-based: the expert sees the step and
 * what came before it, never what happens after.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { makeTokenBatch } from '../model/gpt.ts';
import type { Gpt, SequenceForBatch } from '../model/gpt.ts';
import { learningRateAt } from '../model/optimizer.ts';
import { cacheJudgmentsOption, trainerJudge } from './judgment-cache.ts';
import { rolloutStatistics, updateRollouts } from './reinforcement.ts';
import type { Rollout, RolloutStep } from './rollouts.ts';
import type { StepJudge, TrainingTask } from './task.ts';
import {
  breathe,
  optimizerFactory,
  trainerReference,
  optimizerOptions,
  parseTrainerOptions,
  requireInContext,
  samplingOptions,
} from './trainer.ts';
import type { Trainer, UpdateReport } from './trainer.ts';

/** Options of on-policy distillation. */
export const OnPolicyDistillationOptions = z.strictObject({
  ...samplingOptions({ problemsPerUpdate: 8, groupSize: 4 }),
  /** Imitate the student's own approved steps too (DAgger labels every state it visits). */
  imitateApproved: z.boolean().default(true),
  ...cacheJudgmentsOption(true),
  ...optimizerOptions,
  /** Peak learning rate (a supervised loss tolerates imitation's rate). */
  learningRate: z.number().positive().default(1e-3),
});
/** Options of on-policy distillation, as written. */
export type OnPolicyDistillationOptions = z.input<typeof OnPolicyDistillationOptions>;

/** One step to imitate: the student's state and the tokens to learn there. */
export interface ImitatedStep {
  /** `<end> prompt prefix target`, the loss on `target` only. */
  sequence: SequenceForBatch;
  /** Whether the target is the expert's correction (else the student's own approved step). */
  corrected: boolean;
}

/**
 * The steps of judged rollouts to imitate: each approved step as the student wrote it (when
 * `imitateApproved`), each disapproved one as the expert would have written it in the same state.
 * Undecided steps, and disapproved ones the expert cannot correct, teach nothing. With the
 * `task`, a corrected answer is written as the task writes answers (a chain of thought's answer
 * line); without it, as the expert gave it.
 */
export async function imitatedSteps(
  model: Gpt,
  rollouts: readonly Rollout[],
  judge: StepJudge,
  options: { imitateApproved: boolean; task?: TrainingTask },
): Promise<ImitatedStep[]> {
  const steps = rollouts.flatMap((rollout) => rollout.steps.map((step) => ({ rollout, step })));
  const imitated = await Promise.all(
    steps.map(async ({ rollout, step }): Promise<ImitatedStep | undefined> => {
      const score = step.judgment?.score ?? 0;
      if (score > 0) {
        if (!options.imitateApproved) return undefined;
        const call = rollout.calls[step.call];
        return {
          sequence: stateSequence(model, rollout, step, call.tokens.slice(step.start, step.end)),
          corrected: false,
        };
      }
      if (score === 0 || judge.correct === undefined) return undefined;
      const given = await judge.correct(step.proposed);
      const before = Array.from(rollout.completion ?? '')
        .slice(0, step.start)
        .join('');
      const correction =
        given === undefined || step.kind !== 'answer'
          ? given
          : answerAsWritten(options.task, given, before);
      if (correction === undefined || correction === step.text) return undefined;
      return {
        sequence: stateSequence(
          model,
          rollout,
          step,
          correctionTokens(model, rollout, step, correction),
        ),
        corrected: true,
      };
    }),
  );
  return imitated.filter(
    (entry): entry is ImitatedStep =>
      entry !== undefined && entry.sequence.tokens.length - 1 <= model.config.contextLength,
  );
}

/**
 * An answer as a completion of the task writes it after `before` (what the student wrote ahead of
 * it): a chain of thought's answer line (`=579`) whether the expert gave the answer or the line,
 * opening with the separator when the student stopped right after a line; the answer itself for
 * a snap task.
 */
export function answerAsWritten(
  task: TrainingTask | undefined,
  answer: string,
  before = '',
): string {
  if (task?.kind !== 'question' || task.completion === undefined) return answer;
  const line = task.completion([], task.answer(answer) ?? answer);
  // One empty thought written is the separator alone ('' for a snap task).
  const separator = task.completion(['']);
  return before === '' || before.endsWith(separator) ? line : separator + line;
}

/** `<end> prompt prefix target` for a step's state, the loss starting at the target. */
function stateSequence(
  model: Gpt,
  rollout: Rollout,
  step: RolloutStep,
  target: readonly number[],
): SequenceForBatch {
  const call = rollout.calls[step.call];
  const prefix = [...model.tokenizer.encode(call.prompt), ...call.tokens.slice(0, step.start)];
  return { tokens: [model.tokenizer.endId, ...prefix, ...target], lossStart: 1 + prefix.length };
}

/**
 * The tokens of the expert's step in the student's place, ending as a step of its kind ends: an
 * answer with the end token, a thought with the separator the student wrote after its own line.
 */
function correctionTokens(
  model: Gpt,
  rollout: Rollout,
  step: RolloutStep,
  correction: string,
): number[] {
  const { endId } = model.tokenizer;
  const body = model.tokenizer.encode(correction);
  if (step.kind === 'answer') return [...body, endId];
  if (step.kind === 'action') return body;
  const call = rollout.calls[step.call];
  const written = call.tokens.slice(step.start + Array.from(step.text).length, step.end);
  return [...body, ...written.filter((token) => token !== endId)];
}

/** The on-policy distillation trainer. */
export function onPolicyDistillation(options: OnPolicyDistillationOptions = {}): Trainer {
  const resolved = parseTrainerOptions(
    'on-policy-distillation',
    OnPolicyDistillationOptions,
    options,
  );
  const reference = trainerReference('on-policy-distillation', resolved);
  const createOptimizer = optimizerFactory(resolved, resolved.updates);
  return {
    reference,
    learnsFrom: 'rollouts',
    judges: true,
    problemsPerUpdate: resolved.problemsPerUpdate,
    optimizerStepsPerUpdate: 1,
    updates: resolved.updates,
    sampling: { temperature: resolved.temperature },
    createOptimizer,
    async train(context) {
      const started = performance.now();
      const name = 'on-policy-distillation';
      const task = requireInContext(name, context, 'task', 'the problems the student answers');
      const given = requireInContext(name, context, 'judge', 'the expert judges every step');
      if (task.problems.length === 0) {
        throw new OverseerError('training.no-data', `${name} has no problems to sample`);
      }
      if (given.correct === undefined) {
        throw new OverseerError(
          'training.context',
          `${name} imitates the expert's step where the student's is disapproved, and this judge gives no corrections`,
          { hint: 'pass a judge with `correct` (the loop gives the weak expert its own steps)' },
        );
      }
      const judge = trainerJudge(given, resolved.cacheJudgments)!;
      const { model } = context;
      const optimizer = context.optimizer ?? createOptimizer(model);
      const updates: UpdateReport[] = [];
      for (let update = 0; update < resolved.updates; update++) {
        const updateStarted = performance.now();
        const batch = await updateRollouts(name, context, task, judge, update, resolved);
        const imitated = await imitatedSteps(model, batch, judge, { ...resolved, task });
        const step =
          imitated.length === 0
            ? undefined
            : model.trainStep(
                makeTokenBatch(
                  imitated.map((entry) => entry.sequence),
                  model.tokenizer.paddingId,
                ),
                optimizer,
              );
        const report: UpdateReport = {
          update: update + 1,
          loss: step?.loss ?? 0,
          learningRate: step?.learningRate ?? learningRateAt(optimizer.config, optimizer.step),
          gradientNorm: step?.gradientNorm ?? 0,
          ...rolloutStatistics(batch),
          imitatedSteps: imitated.length,
          correctedSteps: imitated.filter((entry) => entry.corrected).length,
          seconds: (performance.now() - updateStarted) / 1000,
        };
        await context.onRollouts?.({ update: update + 1, rollouts: batch });
        updates.push(report);
        context.onUpdate?.(report);
        await breathe();
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
