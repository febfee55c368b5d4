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
import type { ProposedStep } from '../spec/index.ts';
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
 * The steps of judged rollouts to imitate — a label for every state the student visited, as
 * DAgger gives: each approved step as the student wrote it (when `imitateApproved`), each
 * disapproved one as the expert would have written it in the same state. Undecided steps, and
 * disapproved ones the expert cannot correct, teach nothing.
 *
 * With a chain-of-thought `task` a step is learnt as the format writes it: a line with one
 * separator, the answer line with the end token. The student's next action after a line is a
 * state of its own: where it wrote empty lines instead of a step, the expert's step there (the
 * next line, or the answer line once the lines are done) is learnt. A correction may change a
 * step's kind, as the expert's next action does: an answer before the lines are done is
 * corrected by the next line, a line after the last one by the answer line. Without the task
 * steps are learnt as sampled and corrections keep the step's kind.
 */
export async function imitatedSteps(
  model: Gpt,
  rollouts: readonly Rollout[],
  judge: StepJudge,
  options: { imitateApproved: boolean; task?: TrainingTask },
): Promise<ImitatedStep[]> {
  const separator = lineSeparator(options.task);
  const steps = rollouts.flatMap((rollout) => rollout.steps.map((step) => ({ rollout, step })));
  const imitated = await Promise.all(
    steps.flatMap(({ rollout, step }) => [
      imitatedStep(model, rollout, step, judge, { ...options, separator }),
      afterEmptyLines(model, rollout, step, judge, { task: options.task, separator }),
    ]),
  );
  return imitated.filter(
    (entry): entry is ImitatedStep =>
      entry !== undefined && entry.sequence.tokens.length - 1 <= model.config.contextLength,
  );
}

/** How `imitatedSteps` reads a step: the task, and its line separator ('' outside a chain of thought). */
interface StepReading {
  task?: TrainingTask;
  separator: string;
}

/** A step's label: the student's own where approved, else the expert's step in its state. */
async function imitatedStep(
  model: Gpt,
  rollout: Rollout,
  step: RolloutStep,
  judge: StepJudge,
  options: StepReading & { imitateApproved: boolean },
): Promise<ImitatedStep | undefined> {
  const score = step.judgment?.score ?? 0;
  const call = rollout.calls[step.call];
  const state = call.tokens.slice(0, step.start);
  if (score > 0) {
    if (!options.imitateApproved) return undefined;
    const own =
      options.separator === '' || step.kind === 'action'
        ? call.tokens.slice(step.start, step.end)
        : stepTokens(model, rollout, step, step.kind, step.text, options);
    return { sequence: stateSequence(model, call.prompt, state, own), corrected: false };
  }
  if (score === 0) return undefined;
  const expert = await expertStep(judge, step.proposed, options.separator !== '');
  if (expert === undefined) return undefined;
  if (expert.kind === step.kind && expert.text === step.text) return undefined;
  const target = stepTokens(model, rollout, step, expert.kind, expert.text, options);
  return { sequence: stateSequence(model, call.prompt, state, target), corrected: true };
}

/**
 * The expert's step in the state after a line the student followed with empty lines (the
 * empty lines are its next action there, never judged as a step of their own), or undefined.
 */
async function afterEmptyLines(
  model: Gpt,
  rollout: Rollout,
  step: RolloutStep,
  judge: StepJudge,
  options: StepReading,
): Promise<ImitatedStep | undefined> {
  if (options.separator === '' || step.kind !== 'thought') return undefined;
  const call = rollout.calls[step.call];
  const { endId } = model.tokenizer;
  const lineEnd = step.start + Array.from(step.text + options.separator).length;
  const tail = call.tokens.slice(step.start + Array.from(step.text).length, step.end);
  const separatorTokens = model.tokenizer.encode(options.separator);
  const wroteSeparator = separatorTokens.every((token, index) => tail[index] === token);
  const after = call.tokens.slice(lineEnd, step.end).filter((token) => token !== endId);
  if (!wroteSeparator || after.length === 0) return undefined;
  const line = step.text + options.separator;
  const empty: ProposedStep = {
    ...step.proposed,
    kind: 'thought',
    previous: [...step.proposed.previous, { kind: 'thought', text: step.text }],
    context: step.proposed.context + line,
    action: '',
  };
  const expert = await expertStep(judge, empty, true);
  if (expert === undefined || expert.text === '') return undefined;
  const next: RolloutStep = { ...step, kind: 'thought', text: '', start: lineEnd, proposed: empty };
  const target = stepTokens(model, rollout, next, expert.kind, expert.text, options);
  return {
    sequence: stateSequence(model, call.prompt, call.tokens.slice(0, lineEnd), target),
    corrected: true,
  };
}

/**
 * The expert's own step in a proposed step's state: of the step's kind, else — when `anyKind`
 * (a chain of thought, whose next action is a line or the answer line) — of the other kind, as
 * the expert continues where the student answered too early or answers where it wrote a line
 * too many. Undefined where the expert knows none.
 */
async function expertStep(
  judge: StepJudge,
  proposed: ProposedStep,
  anyKind: boolean,
): Promise<{ kind: RolloutStep['kind']; text: string } | undefined> {
  const given = await judge.correct?.(proposed);
  if (given !== undefined) return { kind: proposed.kind as RolloutStep['kind'], text: given };
  if (!anyKind || (proposed.kind !== 'thought' && proposed.kind !== 'answer')) return undefined;
  const kind = proposed.kind === 'thought' ? 'answer' : 'thought';
  const instead = await judge.correct?.({ ...proposed, kind, action: '' });
  return instead === undefined || instead === '' ? undefined : { kind, text: instead };
}

/** The separator after a chain of thought's line: one empty thought written ('' for a snap task). */
function lineSeparator(task: TrainingTask | undefined): string {
  return task?.kind === 'question' && task.completion !== undefined ? task.completion(['']) : '';
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
  const separator = lineSeparator(task);
  return before === '' || before.endsWith(separator) ? line : separator + line;
}

/** `<end> prompt state target` for a step's state, the loss starting at the target. */
function stateSequence(
  model: Gpt,
  prompt: string,
  state: readonly number[],
  target: readonly number[],
): SequenceForBatch {
  const prefix = [...model.tokenizer.encode(prompt), ...state];
  return { tokens: [model.tokenizer.endId, ...prefix, ...target], lossStart: 1 + prefix.length };
}

/**
 * The tokens of a step of `kind` written as `text` in `step`'s state, ending as a step of its
 * kind ends: an answer (written as the task writes answers) with the end token, a line with its
 * separator — without a chain-of-thought task, the separators the student wrote after its own
 * line — and an action as it is.
 */
function stepTokens(
  model: Gpt,
  rollout: Rollout,
  step: RolloutStep,
  kind: RolloutStep['kind'],
  text: string,
  options: StepReading,
): number[] {
  const { endId } = model.tokenizer;
  if (kind === 'answer') {
    const before = Array.from(rollout.completion ?? '')
      .slice(0, step.start)
      .join('');
    return [...model.tokenizer.encode(answerAsWritten(options.task, text, before)), endId];
  }
  if (kind === 'action') return model.tokenizer.encode(text);
  if (options.separator !== '') return model.tokenizer.encode(text + options.separator);
  const call = rollout.calls[step.call];
  const written = call.tokens.slice(step.start + Array.from(step.text).length, step.end);
  return [...model.tokenizer.encode(text), ...written.filter((token) => token !== endId)];
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
