/**
 * The policy-gradient trainer both `process-rl` and `outcome-rl` are made of. Each update samples
 * `groupSize` rollouts for each of `problemsPerUpdate` problems, has the overseer judge every
 * step, computes per-step rewards through the dial λ and the credit (rewards/), turns them into
 * advantages (group-normalised or against a running baseline), gives every token its step's
 * advantage (plus the per-token KL penalty and entropy bonus) and takes one AdamW step.
 *
 * The two trainers differ only in defaults: process-rl is λ = 0 with myopic credit (a step is paid
 * the overseer's verdict on it and nothing that happens later), outcome-rl is λ = 1 with
 * full-horizon credit (every step is paid the return of the rest of the episode).
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { Gpt } from '../model/gpt.ts';
import type { ComputeCount } from '../model/compute.ts';
import { Random, deriveSeed } from '../util/random.ts';
import { fullHorizon, horizon, myopic } from '../rewards/credit.ts';
import { dial } from '../rewards/dial.ts';
import { trueRewardOf } from '../spec/index.ts';
import { learningRateAt } from '../model/optimizer.ts';
import type { AdamW } from '../model/optimizer.ts';
import type { Problem } from '../spec/index.ts';
import { QuestionBaseline, RunningBaseline } from './advantages.ts';
import { cacheJudgmentsOption, trainerJudge } from './judgment-cache.ts';
import { policyGradientUpdate } from './policy-gradient.ts';
import {
  creditedCalls,
  informativeGroups,
  rolloutRewards,
  stepAdvantages,
} from './rollout-rewards.ts';
import type { AdvantageSettings, RolloutRewards } from './rollout-rewards.ts';
import { rollouts as sampleRollouts } from './rollouts.ts';
import type { Rollout } from './rollouts.ts';
import { trainSupervised } from './supervised.ts';
import type { StepJudge, TrainingTask } from './task.ts';
import {
  breathe,
  optimizerFactory,
  trainerReference,
  optimizerFor,
  optimizerOptions,
  parseTrainerOptions,
  requireInContext,
  samplingOptions,
} from './trainer.ts';
import type { Trainer, TrainerContext, TrainerResult, UpdateReport } from './trainer.ts';

/** The options of a policy-gradient trainer; the defaults named are process-rl's / outcome-rl's. */
export const ReinforcementOptions = z.strictObject({
  ...samplingOptions({ problemsPerUpdate: 8, groupSize: 8 }),
  /** The dial: reward = (1 − λ) · process + λ · outcome. */
  lambda: z.number().min(0).max(1),
  /** `myopic`: a step is paid its own reward; `full-horizon`: the return from it on. */
  credit: z.enum(['myopic', 'full-horizon']),
  /** Discount of full-horizon credit. */
  gamma: z.number().min(0).max(1).default(1),
  /**
   * A credit horizon of this many steps instead of `credit`: each step is paid the (discounted)
   * return of the next `horizon` steps (1 is myopic). Omitted: as `credit` says.
   */
  horizon: z.number().int().min(1).optional(),
  /**
   * `group` (GRPO), `rloo` (leave-one-out), a running `baseline` per step position, a running
   * `question-baseline` per question and position, or `none` (plain REINFORCE).
   */
  advantage: z.enum(['group', 'rloo', 'baseline', 'question-baseline', 'none']).default('group'),
  /** Group baseline per step position (`step`) or pooled over a prompt's steps (`prompt`). */
  normalize: z.enum(['step', 'prompt']),
  /** Divide group advantages by their standard deviation. */
  scale: z.boolean().default(true),
  /** Weight of each new batch in the running baseline. */
  baselineRate: z.number().gt(0).max(1).default(0.1),
  /** β of the per-token KL penalty to the frozen reference. */
  klCoefficient: z.number().min(0).default(0),
  /** α of the per-token entropy bonus. */
  entropyCoefficient: z.number().min(0).default(0),
  /**
   * Leave out groups whose rollouts were all credited the same (no advantage under a group
   * baseline): no forward or backward pass for them, and an update of only such groups takes no
   * optimiser step.
   */
  dropUniformGroups: z.boolean().default(false),
  ...cacheJudgmentsOption(false),
  /**
   * A completion cut at the token budget without an answer line is judged as an empty answer (as
   * one that stopped without it is), so a policy cannot escape the judge by never answering.
   */
  judgeTruncated: z.boolean().default(false),
  /**
   * `steps`: each step is paid its own judgment; `answer`: only the final answer's judgment (the
   * whole answer reviewed on paper) is paid, on the last step — a program reviewer's approval.
   */
  processReward: z.enum(['steps', 'answer']).default('steps'),
  /**
   * Imitation steps on the context's examples (e.g. the approved amplified answers) before the
   * first policy update of each `train` call: the SFT warm start of SFT-then-RL. 0: none.
   */
  warmStartSteps: z.number().int().nonnegative().default(0),
  /** Peak learning rate of the warm start (its own AdamW, constant rate). */
  warmStartLearningRate: z.number().positive().default(1e-3),
  /** Pairs per warm-start batch. */
  warmStartBatchSize: z.number().int().positive().default(32),
  ...optimizerOptions,
});
/** Policy-gradient options as written (λ, credit and normalize have trainer-specific defaults). */
export type ReinforcementOptions = z.input<typeof ReinforcementOptions>;
/** Policy-gradient options with every default filled. */
export type ResolvedReinforcementOptions = z.output<typeof ReinforcementOptions>;

/** Builds a policy-gradient trainer named `name` whose λ, credit and normalisation default to `defaults`. */
export function reinforcementTrainer(
  name: string,
  defaults: {
    lambda: number;
    credit: 'myopic' | 'full-horizon';
    normalize: 'step' | 'prompt';
  },
  options: Partial<ReinforcementOptions> = {},
): Trainer {
  const resolved = parseTrainerOptions(name, ReinforcementOptions, { ...defaults, ...options });
  const createOptimizer = optimizerFactory(resolved, resolved.updates);
  return {
    reference: trainerReference(name, resolved),
    learnsFrom: 'rollouts',
    judges: resolved.lambda < 1,
    problemsPerUpdate: resolved.problemsPerUpdate,
    optimizerStepsPerUpdate: 1,
    updates: resolved.updates,
    sampling: { temperature: resolved.temperature },
    createOptimizer,
    train: (context) =>
      trainReinforcement(
        name,
        resolved,
        context,
        context.optimizer ?? createOptimizer(context.model),
      ),
  };
}

/** How a trainer's options form advantages (a fresh running baseline per `train` call). */
function advantageSettings(options: ResolvedReinforcementOptions): AdvantageSettings {
  switch (options.advantage) {
    case 'group':
      return { mode: 'group', normalize: options.normalize, scale: options.scale };
    case 'rloo':
      return { mode: 'rloo', normalize: options.normalize };
    case 'baseline':
      return { mode: 'baseline', baseline: new RunningBaseline(options.baselineRate) };
    case 'question-baseline':
      return { mode: 'question-baseline', baseline: new QuestionBaseline(options.baselineRate) };
    case 'none':
      return { mode: 'none' };
  }
}

/**
 * The SFT warm start: `warmStartSteps` imitation steps on the context's examples with an AdamW of
 * its own. An empty list (nothing approved this round) skips it; no list at all is an error.
 */
async function warmStart(
  name: string,
  options: ResolvedReinforcementOptions,
  context: TrainerContext,
): Promise<void> {
  const examples = requireInContext(
    name,
    context,
    'examples',
    `warmStartSteps ${options.warmStartSteps} imitates examples before the policy updates`,
  );
  if (examples.length === 0) return;
  const optimizer = optimizerFor(
    context.model,
    {
      ...options,
      learningRate: options.warmStartLearningRate,
      warmupSteps: 0,
      minLearningRateRatio: 1,
    },
    options.warmStartSteps,
  );
  await trainSupervised({
    model: context.model,
    optimizer,
    train: [...examples],
    steps: options.warmStartSteps,
    batchSize: options.warmStartBatchSize,
    seed: deriveSeed(context.seed, name, 'warm-start'),
    progress: false,
  });
}

/** Update `update`'s rollouts: `groupSize` samples of each of its problems, judged as sampled. */
export function updateRollouts(
  name: string,
  context: { model: Gpt; seed: number },
  task: TrainingTask,
  judge: StepJudge | undefined,
  update: number,
  sampling: {
    problemsPerUpdate: number;
    groupSize: number;
    temperature: number;
    judgeTruncated?: boolean;
  },
): Promise<Rollout[]> {
  const { model, seed } = context;
  const problems = problemsForUpdate(task.problems, sampling.problemsPerUpdate, seed, update);
  return sampleRollouts(model, task, problems, {
    samplesPerProblem: sampling.groupSize,
    temperature: sampling.temperature,
    seed: deriveSeed(seed, name, 'rollouts', update),
    judge,
    ...(sampling.judgeTruncated === true ? { judgeTruncated: true } : {}),
  });
}

/** The problems of update `update`: successive slices of a seeded shuffle, reshuffled each epoch. */
export function problemsForUpdate(
  problems: readonly Problem[],
  count: number,
  seed: number,
  update: number,
): Problem[] {
  const chosen: Problem[] = [];
  const orders = new Map<number, number[]>();
  for (let slot = update * count; slot < (update + 1) * count; slot++) {
    const epoch = Math.floor(slot / problems.length);
    let order = orders.get(epoch);
    if (order === undefined) {
      order = new Random(deriveSeed(seed, 'epoch', epoch)).shuffle(
        Array.from({ length: problems.length }, (_, i) => i),
      );
      orders.set(epoch, order);
    }
    chosen.push(problems[order[slot % problems.length]]);
  }
  return chosen;
}

/**
 * A frozen copy of a model (same kernels, copied parameters); its passes are charged to `compute`
 * when given (a KL reference charges the model it regularises), else to a count of its own.
 */
export function frozenCopy(model: Gpt, compute?: ComputeCount): Gpt {
  return new Gpt({
    config: model.config,
    tokenizer: model.tokenizer,
    kernels: model.kernels,
    params: model.params.slice(),
    ...(compute === undefined ? {} : { compute }),
  });
}

/** Batch statistics every RL trainer reports. */
export function rolloutStatistics(
  rollouts: readonly Rollout[],
  rewards?: readonly RolloutRewards[],
): Omit<UpdateReport, 'update' | 'loss' | 'learningRate' | 'gradientNorm' | 'seconds'> {
  const mean = (values: number[]): number =>
    values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  const report: ReturnType<typeof rolloutStatistics> = {
    outcomeReward: mean(rollouts.map((rollout) => rollout.outcome.reward)),
  };
  const judged = rollouts.flatMap((rollout) => rollout.steps.filter((step) => step.judgment));
  if (judged.length > 0) {
    report.processReward = mean(judged.map((step) => step.judgment!.score));
    report.approvedRate = mean(
      rollouts.map((rollout) =>
        rollout.steps.length > 0 && rollout.steps.every((step) => (step.judgment?.score ?? 0) > 0)
          ? 1
          : 0,
      ),
    );
  }
  if (rewards) report.mixedReturn = mean(rewards.map((r) => r.reward.reduce((a, b) => a + b, 0)));
  const grades = rollouts.flatMap((rollout) =>
    rollout.outcome.kind === 'grade' ? [rollout.outcome] : [],
  );
  if (grades.length > 0) report.accuracy = mean(grades.map((grade) => (grade.correct ? 1 : 0)));
  const returns = rollouts.flatMap((rollout) =>
    rollout.outcome.kind === 'return' ? [rollout.outcome] : [],
  );
  if (returns.length > 0) {
    report.hackRate = mean(returns.map((r) => (r.classification === 'hack' ? 1 : 0)));
    report.intendedRate = mean(returns.map((r) => (r.classification === 'intended' ? 1 : 0)));
    report.trueReturn = mean(returns.map((r) => trueRewardOf(r)));
  }
  return report;
}

async function trainReinforcement(
  name: string,
  options: ResolvedReinforcementOptions,
  context: TrainerContext,
  optimizer: AdamW,
): Promise<TrainerResult> {
  const started = performance.now();
  const task: TrainingTask = requireInContext(name, context, 'task', 'the problems to sample');
  if (task.problems.length === 0) {
    throw new OverseerError('training.no-data', `${name} has no problems to train on`);
  }
  if (options.lambda < 1 && context.judge === undefined) {
    throw new OverseerError(
      'training.context',
      `${name} with λ = ${options.lambda} needs an overseer: the process reward comes from its judgments`,
      { hint: 'pass a judge (an overseer), or set lambda 1 for purely outcome-based training' },
    );
  }
  const { model } = context;
  const reference =
    options.klCoefficient > 0 ? (context.reference ?? frozenCopy(model, model.compute)) : undefined;
  const mixer = dial(options.lambda);
  const credit =
    options.horizon !== undefined
      ? horizon(options.horizon, options.gamma)
      : options.credit === 'myopic'
        ? myopic()
        : fullHorizon(options.gamma);
  const settings = advantageSettings(options);
  const judge = trainerJudge(context.judge, options.cacheJudgments);
  if (options.warmStartSteps > 0) await warmStart(name, options, context);

  const updates: UpdateReport[] = [];
  for (let update = 0; update < options.updates; update++) {
    const updateStarted = performance.now();
    const batch = await updateRollouts(name, context, task, judge, update, options);
    const rewards = batch.map((rollout) =>
      rolloutRewards(rollout, mixer, credit, options.processReward),
    );
    const returns = rewards.map((r) => r.returns);
    const advantages = stepAdvantages(batch, returns, settings);
    const informative = options.dropUniformGroups
      ? informativeGroups(batch, returns)
      : batch.map(() => true);
    const trained = creditedCalls(
      batch.filter((_, index) => informative[index]),
      advantages.filter((_, index) => informative[index]),
    );
    const step = trained.some(({ call }) => call.tokens.length > 0)
      ? policyGradientUpdate(model, optimizer, trained, {
          klCoefficient: options.klCoefficient,
          entropyCoefficient: options.entropyCoefficient,
          reference,
        })
      : undefined;
    const report: UpdateReport = {
      update: update + 1,
      loss: step?.loss ?? 0,
      learningRate: step?.learningRate ?? learningRateAt(optimizer.config, optimizer.step),
      gradientNorm: step?.gradientNorm ?? 0,
      ...rolloutStatistics(batch, rewards),
      ...(step === undefined ? {} : { kl: step.kl, entropy: step.entropy }),
      informativeShare: informative.filter(Boolean).length / Math.max(1, batch.length),
      seconds: (performance.now() - updateStarted) / 1000,
    };
    await context.onRollouts?.({ update: update + 1, rollouts: batch, rewards });
    updates.push(report);
    context.onUpdate?.(report);
    await breathe();
  }
  return {
    trainer: trainerReference(name, options),
    updates,
    optimizer,
    seconds: (performance.now() - started) / 1000,
  };
}
