/**
 * One unit of a run — one arm of one experiment under one seed — as rounds of
 *   amplify  the current checkpoint answers the weak expert's sub-questions inside `decompose`
 *            (or, with another scaffold, answers on its own), on this round's training problems;
 *   oversee  the overseer judges every step on paper; episodes and judgments go to the store;
 *   distill  the arm's trainer: imitation of approved amplified answers (or of ground truth for
 *            the supervised reference), or policy gradient / expert iteration on the overseer's
 *            judgments (and, through the dial λ, on outcomes), a sample of whose judged
 *            rollouts goes to the store (`recordRollouts`);
 *   evaluate held-out problems through the evaluation scaffold;
 * with a checkpoint (model and optimiser) after each round. Everything random derives from
 * (seed, round), and a round starts only from what is on disk, so a round redone after an
 * interruption computes what the interrupted one would have.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { OverseerError } from '../errors.ts';
import { loadCheckpoint, loadOptimizerState, saveCheckpoint } from '../model/checkpoint.ts';
import { Gpt } from '../model/gpt.ts';
import type { Kernels } from '../model/kernels.ts';
import type { AdamW } from '../model/optimizer.ts';
import { deriveSeed } from '../model/random.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { openEnvironment } from '../outcomes/environment.ts';
import { createOverseer, exactOverseer, reseededOverseer } from '../overseers/registry.ts';
import { batchingPolicy } from '../policies/batching.ts';
import { modelPolicy } from '../policies/embedded.ts';
import { createScaffold } from '../scaffolds/registry.ts';
import type {
  JsonObject,
  JsonValue,
  PriorStep,
  Problem,
  RegistryReference,
  RunEvent,
} from '../spec/index.ts';
import type { RunStore } from '../store/index.ts';
import type { AnswerFormat, SupervisedExample, TaskFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import { createTrainer } from '../training/registry.ts';
import { environmentTask, questionTask } from '../training/task.ts';
import type { TrainingTask } from '../training/task.ts';
import { optimizerFor } from '../training/trainer.ts';
import type { RolloutReport, Trainer, UpdateReport } from '../training/trainer.ts';
import type { ExpandedArm } from './config.ts';
import { amplifyEpisodeId, evaluationEpisodeId, rolloutEpisodePrefix } from './episode-ids.ts';
import type { CurvePoint, MetricValues } from './report.ts';
import {
  amplificationCalls,
  amplifiedJudge,
  approved,
  countingJudge,
  playEpisodes,
  expertNodes,
  recordRollouts,
} from './run-episodes.ts';
import type { EpisodeRecorder, PlayedEpisode } from './run-episodes.ts';
import { checkDemonstrations, makeDemonstrations } from './run-demonstrations.ts';
import { evaluationMetrics, representativeTranscripts } from './run-evaluate.ts';
import type { ProgressReporter } from './run-progress.ts';
import { fingerprint } from './run-state.ts';
import type { UnitState } from './run-state.ts';

/** Most training problems drawn per round (a finite pool is cycled through by the trainers). */
export const MAX_PROBLEMS_PER_ROUND = 1024;
/** Most supervised pairs drawn for pretraining. */
const MAX_PRETRAIN_PAIRS = 20_000;
/** Training metrics logged per round at most (every update when a round has fewer). */
const TRAINING_METRIC_POINTS = 100;
/** Metrics that are counts of the run, not measurements along it: no curve. */
const NO_CURVE = new Set(['expertCalls', 'groundTruthLabels', 'failedEpisodes']);

/** A event the unit hands to the store. */
type MetricEvent = Extract<RunEvent, { type: 'metric' }>;

/** What a unit needs from the run around it. */
export interface UnitContext {
  arm: ExpandedArm;
  seed: number;
  /** The unit's state; updated in place and saved through `save` after every round. */
  unit: UnitState;
  /** The run directory (absolute): checkpoints go under it. */
  directory: string;
  store: RunStore;
  runId: string;
  /** Episode ids the store already has (a resumed run records each once). */
  completedEpisodes: ReadonlySet<string>;
  /** Checkpoint paths the store already logged (their round's events are in). */
  loggedCheckpoints: ReadonlySet<string>;
  kernels: Kernels;
  progress: ProgressReporter;
  /** Metrics that get curves (the experiment's headline metrics). */
  curveMetrics: readonly string[];
  /** Keep the final evaluation's best and worst episodes. */
  keepTranscripts: boolean;
  /** Persists the run state (atomically). */
  save(): Promise<void>;
  /** Stops the unit at the next safe point (tests use it to simulate an interruption). */
  signal?: AbortSignal;
  /** Called after every update, with the unit, round and update (tests abort from here). */
  onUpdate?(position: { unit: string; round: number; update: number }): void;
}

/** Steps (loop updates) a unit takes in all, pretraining included: what progress counts. */
export function unitSteps(arm: ExpandedArm): number {
  return arm.config.pretrain.steps + arm.config.rounds * arm.config.stepsPerRound;
}

/** The kinds of work of an arm, for estimating time left: pretraining, and the rounds. */
export function workKinds(arm: ExpandedArm): { pretrain: string; rounds: string } {
  const { task, trainer, scaffold, labels } = arm.config;
  return {
    pretrain: `pretrain:${task.name}`,
    rounds: `${trainer.name}:${labels}:${scaffold.name}:${task.name}`,
  };
}

/**
 * A trainer built from the arm's reference with the values the loop owns (λ, credit, γ and the
 * step count) filled in wherever the trainer has such an option.
 */
export function loopTrainer(
  reference: RegistryReference,
  values: Record<string, JsonValue>,
): Trainer {
  const accepted = Object.keys(createTrainer(reference).reference.options);
  const options: JsonObject = { ...reference.options };
  for (const [key, value] of Object.entries(values)) {
    if (accepted.includes(key)) options[key] = value;
  }
  return createTrainer({ name: reference.name, options });
}

/** Optimiser steps one trainer call of `updates` updates takes. */
function optimizerStepsPer(trainer: Trainer, updates: number): number {
  const options = trainer.reference.options;
  if (trainer.reference.name === 'expert-iteration') {
    return (
      updates * (typeof options.stepsPerIteration === 'number' ? options.stepsPerIteration : 1)
    );
  }
  return updates;
}

/** The optimiser of a trainer's options, scheduled over `totalSteps`. */
function trainerOptimizer(model: Gpt, trainer: Trainer, totalSteps: number): AdamW {
  const options = trainer.reference.options;
  const number = (key: string, fallback: number): number =>
    typeof options[key] === 'number' ? options[key] : fallback;
  return optimizerFor(
    model,
    {
      learningRate: number('learningRate', 3e-4),
      warmupSteps: number('warmupSteps', 0),
      minLearningRateRatio: number('minLearningRateRatio', 1),
      weightDecay: number('weightDecay', 0),
      gradientClip: number('gradientClip', 1),
    },
    Math.max(1, totalSteps),
  );
}

/** The format the distilled model answers in: chain of thought when evaluated that way. */
export function answerFormat(family: TaskFamily, evaluationScaffold: string): AnswerFormat {
  const chain = evaluationScaffold === 'chain-of-thought' || evaluationScaffold === 'cot';
  return chain && family.kind === 'question' && family.chainOfThought !== undefined
    ? 'chain-of-thought'
    : 'snap';
}

/** The correct completion of a question in a format (what the supervised reference imitates). */
function referenceCompletion(family: TaskFamily, question: string, format: AnswerFormat): string {
  if (format === 'chain-of-thought' && family.kind === 'question' && family.chainOfThought) {
    return family.chainOfThought.trace(question).join(family.chainOfThought.separator);
  }
  return family.oracle(question);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A path segment from an arm name (sweep copies hold `@`, `=` and `,`). */
function segment(name: string): string {
  return name.replace(/[^A-Za-z0-9._=@,-]/g, '_');
}

/**
 * Builds everything an arm names — task, scaffolds, overseer, trainer, demonstrations — and
 * throws the first problem, so a run with a misconfigured arm fails before any work.
 */
export function checkArm(arm: ExpandedArm): void {
  const config = arm.config;
  const family = getFamily(config.task.name, config.task.options);
  createScaffold(config.scaffold.name, config.scaffold.options).check(family);
  createScaffold(config.evaluation.scaffold.name, config.evaluation.scaffold.options).check(family);
  createOverseer(config.overseer.name, config.overseer.options, { family });
  loopTrainer(config.trainer, {});
  if (config.pretrain.steps > 0) {
    loopTrainer(config.pretrain.trainer, {});
    checkDemonstrations(
      config.pretrain.demonstrations,
      family,
      answerFormat(family, config.evaluation.scaffold.name),
    );
  }
}

/** Runs (or resumes) one unit; throws when it fails (the caller records the failure). */
export async function runUnit(context: UnitContext): Promise<void> {
  const { arm, seed, unit, progress, store, runId, signal } = context;
  const config = arm.config;
  const started = performance.now();
  const label = `${arm.experiment}/${arm.name} seed ${seed}`;
  const kind = workKinds(arm).rounds;
  const at = (round: number, phase: string): void =>
    progress.at({ unit: label, round, rounds: config.rounds, phase }, kind);
  at(unit.roundsDone, 'setting up');

  const family = getFamily(config.task.name, config.task.options);
  const scaffold = createScaffold(config.scaffold.name, config.scaffold.options);
  scaffold.check(family);
  const evaluationScaffold = createScaffold(
    config.evaluation.scaffold.name,
    config.evaluation.scaffold.options,
  );
  evaluationScaffold.check(family);
  const format = answerFormat(family, config.evaluation.scaffold.name);
  const trainerName = config.trainer.name;
  const imitates = trainerName === 'imitation';
  const groundTruth = imitates && config.labels === 'ground-truth';
  // The amplified system: `decompose` asks the current model the expert's sub-questions.
  const amplifies = !groundTruth && (config.scaffold.name === 'decompose' || imitates);
  const loopValues = (steps: number): Record<string, JsonValue> => ({
    lambda: config.lambda,
    credit: config.credit,
    gamma: config.gamma,
    steps,
    updates: steps,
    iterations: steps,
  });
  const roundTrainer = loopTrainer(config.trainer, loopValues(config.stepsPerRound));
  const { temperature } = roundTrainer.reference.options;
  const samplingOptions: JsonObject = temperature === undefined ? {} : { temperature };

  const evaluationProblems = family.generate({
    seed: deriveSeed(seed, 'evaluation'),
    count: config.evaluation.size,
    split: config.evaluation.split,
    ...difficulty(config.evaluation.difficulty ?? config.task.difficulty),
  });
  const problemsOfRound = (round: number): Problem[] =>
    family.generate({
      seed: deriveSeed(seed, 'train', round),
      count: problemsPerRound(roundTrainer, config.stepsPerRound),
      split: 'train',
      ...difficulty(config.task.difficulty),
    });
  // A generation budget: the longest correct completion plus slack (as the trainers' own
  // default). Only its length is read — no arm is ever shown an answer through it.
  const tokenLimit = (problems: readonly Problem[], answerIn: AnswerFormat): number =>
    family.kind === 'environment'
      ? 1
      : 4 +
        Math.max(
          1,
          ...problems.map(
            (problem) => Array.from(referenceCompletion(family, problem.question, answerIn)).length,
          ),
        );
  const evaluationTokens = tokenLimit([...evaluationProblems, ...problemsOfRound(0)], format);
  const leafTokens = tokenLimit(problemsOfRound(0), 'snap');

  const recorder: EpisodeRecorder = { store, runId, completed: context.completedEpisodes };
  const checkpointDirectory = (name: string): string =>
    join('checkpoints', segment(arm.experiment), segment(arm.name), `s${seed}`, name);
  const tags = (phase: string): Record<string, string> => ({
    experiment: arm.experiment,
    arm: arm.name,
    seed: String(seed),
    phase,
  });
  const metricEvents = (
    values: Record<string, number | undefined>,
    step: number,
    phase: 'train' | 'evaluation',
    round?: number,
  ): MetricEvent[] => {
    const time = new Date().toISOString();
    return Object.entries(values)
      .filter((entry): entry is [string, number] => Number.isFinite(entry[1]))
      .map(([name, value]) => ({
        type: 'metric',
        runId,
        time,
        name,
        value,
        step,
        ...(round === undefined ? {} : { iteration: round }),
        ...(phase === 'evaluation' ? { split: config.evaluation.split } : {}),
        tags: tags(phase),
      }));
  };

  // ── The model: the last checkpoint, or a fresh (and perhaps pretrained) one ──────────────
  let model: Gpt;
  if (unit.checkpoint !== undefined) {
    model = (await loadCheckpoint(join(context.directory, unit.checkpoint), context.kernels)).model;
  } else {
    model = await initialModel(context, family, format);
    unit.checkpoint = checkpointDirectory('initial');
    await saveCheckpoint(join(context.directory, unit.checkpoint), {
      model,
      training: checkpointTraining(family, seed, 0, { experiment: arm.experiment, arm: arm.name }),
    });
  }
  const optimizer = trainerOptimizer(
    model,
    roundTrainer,
    config.rounds * optimizerStepsPer(roundTrainer, config.stepsPerRound),
  );
  if (unit.roundsDone > 0) {
    await loadOptimizerState(join(context.directory, unit.checkpoint), optimizer);
  }

  const evaluate = async (
    step: number,
    round: number,
    policyName: string,
  ): Promise<{ metrics: MetricValues; played: PlayedEpisode[] }> => {
    signal?.throwIfAborted();
    at(round, 'evaluate');
    // Environments are played by the policy as trained (sampled); questions greedily, the
    // distilled model's best answer.
    const temperature = family.kind === 'environment' ? 1 : 0;
    const policy = batchingPolicy(
      modelPolicy(model, policyName, {
        temperature,
        seed: deriveSeed(seed, 'evaluation'),
        maxTokens: evaluationTokens,
      }),
    );
    const played = await playEpisodes({
      family,
      scaffold: evaluationScaffold,
      policy,
      overseer: exactOverseer(config.overseer, { family }),
      problems: evaluationProblems,
      ids: evaluationProblems.map((_, index) => evaluationEpisodeId(unit.key, step, index)),
      seed: deriveSeed(seed, 'evaluation'),
      iteration: round,
      recorder,
    });
    return { metrics: evaluationMetrics(family, played), played };
  };
  const curvePoints = (
    metrics: MetricValues,
    step: number,
    calls: number,
    round?: number,
  ): Record<string, CurvePoint[]> => {
    const curves: Record<string, CurvePoint[]> = {};
    for (const metric of context.curveMetrics) {
      if (NO_CURVE.has(metric) || metrics[metric] === undefined) continue;
      curves[metric] = [
        { step, ...(round === undefined ? {} : { round }), calls, value: metrics[metric] },
      ];
    }
    return curves;
  };
  const addCurves = (
    into: Record<string, CurvePoint[]>,
    points: Record<string, CurvePoint[]>,
  ): Record<string, CurvePoint[]> => {
    const merged: Record<string, CurvePoint[]> = { ...into };
    for (const [metric, list] of Object.entries(points)) {
      merged[metric] = [...(merged[metric] ?? []), ...list];
    }
    return merged;
  };
  const withCounts = (metrics: MetricValues, calls: number, labels: number): MetricValues => ({
    ...metrics,
    expertCalls: calls,
    groundTruthLabels: labels,
  });

  // ── Before training: where the arm starts (step 0 of its curves) ────────────────────────
  if (Object.keys(unit.curves).length === 0 && unit.roundsDone === 0) {
    const initial = unit.checkpoint;
    const { metrics } = await evaluate(0, 0, initial);
    if (!context.loggedCheckpoints.has(initial)) {
      store.append([
        ...metricEvents(metrics, 0, 'evaluation'),
        { type: 'checkpoint-saved', runId, time: new Date().toISOString(), path: initial, step: 0 },
      ]);
    }
    unit.curves = addCurves(unit.curves, curvePoints(metrics, 0, 0));
    unit.metrics = withCounts(metrics, 0, 0);
    unit.wallSeconds += (performance.now() - started) / 1000;
    await context.save();
  }

  // ── The rounds ────────────────────────────────────────────────────────────────────────────
  for (let round = unit.roundsDone; round < config.rounds; round += 1) {
    signal?.throwIfAborted();
    const roundStarted = performance.now();
    const events: RunEvent[] = [];
    let calls = unit.expertCalls;
    let labels = unit.labels;
    let steps = unit.steps;
    let curves = unit.curves;
    store.append({
      type: 'iteration-started',
      runId,
      time: new Date().toISOString(),
      iteration: round,
    });
    const problems = problemsOfRound(round);
    const overseer = reseededOverseer(config.overseer, {
      family,
      seedLabels: [seed, 'round', round],
    });

    // Amplify and oversee.
    let examples: SupervisedExample[] | undefined;
    let amplified: Map<string, PriorStep[]> | undefined;
    let trainingProblems: Problem[] = problems;
    if (groundTruth) {
      examples = problems.map((problem) => ({
        prompt: family.prompt(problem.question, format),
        completion: referenceCompletion(family, problem.question, format),
      }));
      labels += examples.length;
    } else if (amplifies) {
      at(round, 'amplify');
      const distinct = [
        ...new Map(problems.map((problem) => [problem.question, problem])).values(),
      ];
      const played = await playEpisodes({
        family,
        scaffold,
        policy: batchingPolicy(
          modelPolicy(model, unit.checkpoint ?? 'model', {
            temperature: 0,
            seed: deriveSeed(seed, 'amplify', round),
            maxTokens: config.scaffold.name === 'decompose' ? leafTokens : evaluationTokens,
          }),
        ),
        overseer,
        problems: distinct,
        ids: distinct.map((_, index) => amplifyEpisodeId(unit.key, round, index)),
        seed: deriveSeed(seed, 'amplify', round),
        iteration: round,
        recorder,
      });
      signal?.throwIfAborted();
      calls += played.reduce(
        (sum, entry) => sum + amplificationCalls(entry.episode) + entry.judgments.length,
        0,
      );
      const kept = new Map<string, PlayedEpisode>();
      played.forEach((entry) => {
        if (approved(entry)) kept.set(entry.episode.problem.question, entry);
      });
      events.push(
        ...metricEvents(
          {
            amplifiedEpisodes: played.length,
            approvedEpisodes: kept.size,
            failedEpisodes: played.filter((entry) => entry.episode.status === 'failed').length,
          },
          steps,
          'train',
          round,
        ),
      );
      if (imitates) {
        examples = problems.flatMap((problem) => {
          const entry = kept.get(problem.question);
          return entry === undefined ? [] : amplifiedPairs(family, entry, format);
        });
      } else {
        // The judge checks a direct answer against the expert's sub-questions and the current
        // model's answers to them; the questions trained on are those the amplified system
        // answered (each draw with the sub-questions its tree answered, as imitation has them).
        amplified = new Map();
        const asked: Problem[] = [];
        for (const problem of problems) {
          const entry = kept.get(problem.question);
          const nodes = entry === undefined ? [] : expertNodes(entry.episode);
          if (nodes.length === 0) asked.push(problem);
          for (const node of nodes) {
            if (!amplified.has(node.question)) amplified.set(node.question, node.subQuestions);
            asked.push(
              node.question === problem.question ? problem : subProblem(problem, node.question),
            );
          }
        }
        trainingProblems = asked;
      }
    }

    // Distill, in chunks when the curves want points inside the round.
    at(round, 'distill');
    const judge =
      imitates || (config.lambda >= 1 && trainerName !== 'expert-iteration')
        ? undefined
        : countingJudge(overseer);
    const task: TrainingTask | undefined = imitates
      ? undefined
      : family.kind === 'environment'
        ? environmentTask(family, trainingProblems, openEnvironment)
        : questionTask(family, trainingProblems, { format });
    const chunks = chunkSizes(config.stepsPerRound, config.evaluation.every);
    const every = Math.max(1, Math.floor(config.stepsPerRound / TRAINING_METRIC_POINTS));
    const roundOffset = steps;
    for (let chunk = 0; chunk < chunks.length; chunk += 1) {
      const trainer = loopTrainer(config.trainer, loopValues(chunks[chunk]));
      const updateOffset = steps;
      const onRollouts = (report: RolloutReport): void => {
        // Updates count from 1 within the round, across its chunks.
        const update = updateOffset - roundOffset + report.update;
        if (!recordsRollouts(update, config.recordRollouts.every, config.stepsPerRound)) return;
        const before = updateOffset + report.update - 1;
        recordRollouts(report, {
          recorder,
          iteration: round,
          prefix: rolloutEpisodePrefix(unit.key, round, update),
          format: family.kind === 'environment' ? 'snap' : format,
          policy: { name: `embedded:${unit.key}@step${before}`, options: samplingOptions },
          metadata: { trainer: trainerName, update, step: before + 1 },
        });
      };
      const onUpdate = (report: UpdateReport): void => {
        progress.advance(1);
        const done = updateOffset + report.update;
        if (report.update % every === 0 || report.update === chunks[chunk]) {
          events.push(...metricEvents(trainingValues(report), done, 'train', round));
        }
        context.onUpdate?.({ unit: unit.key, round, update: done });
        signal?.throwIfAborted();
      };
      if (imitates && (examples === undefined || examples.length === 0)) {
        // Nothing the overseer approved: the round trains on nothing rather than on unchecked
        // answers. Progress still moves on, so the bar stays honest about what is left.
        progress.log(
          `${label}: round ${round + 1}: no approved examples to imitate; skipping distillation`,
        );
        progress.advance(chunks[chunk]);
      } else {
        await trainer.train({
          model,
          optimizer,
          seed: deriveSeed(seed, 'distill', round, chunk),
          ...(examples === undefined ? {} : { examples }),
          ...(task === undefined ? {} : { task }),
          ...(judge === undefined
            ? {}
            : { judge: amplified === undefined ? judge : amplifiedJudge(judge, amplified) }),
          onUpdate,
          ...(imitates || config.recordRollouts.every === 0 ? {} : { onRollouts }),
        });
      }
      steps += chunks[chunk];
      if (chunk < chunks.length - 1) {
        const { metrics } = await evaluate(steps, round, `${unit.key}@step${steps}`);
        const current = calls + (judge?.calls ?? 0);
        events.push(
          ...metricEvents(withCounts(metrics, current, labels), steps, 'evaluation', round),
        );
        curves = addCurves(curves, curvePoints(metrics, steps, current));
      }
    }
    calls += judge?.calls ?? 0;

    // Checkpoint, evaluate, commit.
    const checkpoint = checkpointDirectory(`round-${round + 1}`);
    await saveCheckpoint(join(context.directory, checkpoint), {
      model,
      optimizer,
      training: checkpointTraining(family, seed, optimizer.step, {
        experiment: arm.experiment,
        arm: arm.name,
        round: round + 1,
        trainer: roundTrainer.reference,
      }),
    });
    unit.checkpoint = checkpoint;
    const { metrics, played } = await evaluate(steps, round, checkpoint);
    events.push(...metricEvents(withCounts(metrics, calls, labels), steps, 'evaluation', round));
    curves = addCurves(curves, curvePoints(metrics, steps, calls, round));
    const last = round === config.rounds - 1;
    if (!context.loggedCheckpoints.has(checkpoint)) {
      store.append([
        ...events,
        {
          type: 'checkpoint-saved',
          runId,
          time: new Date().toISOString(),
          path: checkpoint,
          step: steps,
          iteration: round,
        },
        { type: 'iteration-finished', runId, time: new Date().toISOString(), iteration: round },
      ]);
    }
    Object.assign(unit, {
      roundsDone: round + 1,
      steps,
      expertCalls: calls,
      labels,
      curves,
      metrics: withCounts(metrics, calls, labels),
      wallSeconds: unit.wallSeconds + (performance.now() - roundStarted) / 1000,
      ...(last && context.keepTranscripts
        ? {
            transcripts: representativeTranscripts(played, {
              family,
              experiment: arm.experiment,
              arm: arm.name,
              seed,
              ...(imitates
                ? {}
                : {
                    rewards: { lambda: config.lambda, credit: config.credit, gamma: config.gamma },
                  }),
            }),
          }
        : {}),
    });
    await context.save();
  }
}

/**
 * A sub-question of a training problem as a problem of its own. Its grade (for the training
 * statistics only: with λ = 0 no outcome enters the reward) uses the family's checker.
 */
function subProblem(parent: Problem, question: string): Problem {
  return {
    id: `${parent.id}/sub/${question}`,
    family: parent.family,
    question,
    difficulty: parent.difficulty,
    split: parent.split,
    metadata: { subQuestionOf: parent.id },
  };
}

/** `{ difficulty }` when one is set (the family's default otherwise). */
function difficulty(value: number | number[] | undefined): { difficulty?: number | number[] } {
  return value === undefined ? {} : { difficulty: value };
}

/** Training problems to draw per round: what the trainer consumes, capped. */
function problemsPerRound(trainer: Trainer, stepsPerRound: number): number {
  const options = trainer.reference.options;
  const number = (key: string): number => (typeof options[key] === 'number' ? options[key] : 1);
  const demand =
    trainer.reference.name === 'imitation'
      ? stepsPerRound * number('batchSize')
      : trainer.reference.name === 'expert-iteration'
        ? stepsPerRound * number('problemsPerIteration')
        : stepsPerRound * number('problemsPerUpdate');
  return Math.max(1, Math.min(MAX_PROBLEMS_PER_ROUND, demand));
}

/**
 * Whether the rollouts of update `update` (from 1) of a round are recorded: every `every`-th from
 * the first, and the round's last; none when `every` is 0.
 */
export function recordsRollouts(update: number, every: number, updatesPerRound: number): boolean {
  return every > 0 && ((update - 1) % every === 0 || update === updatesPerRound);
}

/** A round's steps split at every `every` steps (one chunk when `every` is 0). */
export function chunkSizes(steps: number, every: number): number[] {
  if (every <= 0 || every >= steps) return [steps];
  const sizes: number[] = [];
  for (let done = 0; done < steps; done += every) sizes.push(Math.min(every, steps - done));
  return sizes;
}

/** The numbers of an update worth logging as metrics. */
function trainingValues(report: UpdateReport): Record<string, number | undefined> {
  return {
    loss: report.loss,
    learningRate: report.learningRate,
    gradientNorm: report.gradientNorm,
    processReward: report.processReward,
    outcomeReward: report.outcomeReward,
    mixedReturn: report.mixedReturn,
    trainAccuracy: report.accuracy,
    approvedRate: report.approvedRate,
    trainHackRate: report.hackRate,
    trainIntendedRate: report.intendedRate,
    trainTrueReturn: report.trueReturn,
    kl: report.kl,
    entropy: report.entropy,
    kept: report.kept,
  };
}

/** What imitation learns from an approved amplified episode. */
function amplifiedPairs(
  family: TaskFamily,
  entry: PlayedEpisode,
  format: AnswerFormat,
): SupervisedExample[] {
  const { episode } = entry;
  if (family.kind === 'environment') {
    // Each action the overseer approved, from the observation it answered.
    const judged = new Map(entry.judgments.map(({ stepId, judgment }) => [stepId, judgment]));
    return episode.steps.flatMap((step) =>
      step.kind === 'action' &&
      family.actions.includes(step.output.trim()) &&
      step.output.trim().length === 1 &&
      (judged.get(step.id)?.score ?? 0) > 0
        ? [{ prompt: family.prompt(step.input, 'snap'), completion: step.output.trim() }]
        : [],
    );
  }
  const root = episode.steps.find((step) => step.parentId === null);
  if (format === 'chain-of-thought') {
    const completion =
      typeof root?.metadata.completion === 'string' ? root.metadata.completion : '';
    return completion === ''
      ? []
      : [{ prompt: family.prompt(episode.problem.question, format), completion }];
  }
  // Every question the amplified system answered itself — the root and, below it, each
  // sub-question the weak expert split or knew — is an amplified answer to imitate; the leaves
  // the model answered are its own answers, and teach nothing.
  const pairs = expertNodes(episode).map((node) => ({
    prompt: family.prompt(node.question, 'snap'),
    completion: node.answer,
  }));
  if (pairs.length > 0 || root === undefined || root.producer === 'expert') return pairs;
  // Another scaffold (snap): the model's own approved answer.
  const answer = (episode.answer ?? '').trim();
  return answer === ''
    ? []
    : [{ prompt: family.prompt(episode.problem.question, 'snap'), completion: answer }];
}

function checkpointTraining(
  family: TaskFamily,
  seed: number,
  step: number,
  details: JsonObject,
): Parameters<typeof saveCheckpoint>[1]['training'] {
  return { task: family.name, step, seed, details };
}

/**
 * A fresh model for the unit (the same for every arm of an experiment under one seed, so arms
 * start alike), pretrained on the task's exact completions when the arm asks for it. Pretraining
 * is shared: arms with the same task, model and pretraining reuse one checkpoint.
 */
async function initialModel(
  context: UnitContext,
  family: TaskFamily,
  format: AnswerFormat,
): Promise<Gpt> {
  const { arm, seed, progress } = context;
  const config = arm.config;
  const fresh = (): Gpt =>
    Gpt.create({
      tokenizer: new Tokenizer(family.alphabet),
      kernels: context.kernels,
      seed: deriveSeed(seed, 'initial-model'),
      config: config.model,
    });
  if (config.pretrain.steps === 0) return fresh();
  const key = fingerprint({
    task: config.task,
    model: config.model,
    pretrain: config.pretrain,
    format,
    seed,
  });
  const shared = join(context.directory, 'checkpoints', segment(arm.experiment), `pretrain-${key}`);
  if (await exists(join(shared, 'config.json'))) {
    // Already trained by another arm: its steps are done, and took no time here.
    progress.at(
      {
        unit: `${arm.experiment}/${arm.name} seed ${seed}`,
        round: 0,
        rounds: config.rounds,
        phase: 'pretrain',
      },
      workKinds(arm).pretrain,
    );
    progress.advance(config.pretrain.steps, false);
    return (await loadCheckpoint(shared, context.kernels)).model;
  }
  progress.at(
    {
      unit: `${arm.experiment}/${arm.name} seed ${seed}`,
      round: 0,
      rounds: config.rounds,
      phase: 'pretrain',
    },
    workKinds(arm).pretrain,
  );
  const model = fresh();
  const trainer = loopTrainer(config.pretrain.trainer, {
    steps: config.pretrain.steps,
    updates: config.pretrain.steps,
    iterations: config.pretrain.steps,
  });
  if (trainer.reference.name !== 'imitation') {
    throw new OverseerError(
      'run.pretrain-trainer',
      `pretraining imitates the task's exact completions; ${trainer.reference.name} cannot`,
      { hint: 'set pretrain.trainer to { name: imitation } (the default)' },
    );
  }
  const batch = trainer.reference.options.batchSize;
  const examples = makeDemonstrations(config.pretrain.demonstrations, family, {
    seed: deriveSeed(seed, 'pretrain'),
    count: Math.min(
      MAX_PRETRAIN_PAIRS,
      config.pretrain.steps * (typeof batch === 'number' ? batch : 32),
    ),
    format,
    ...difficulty(config.task.difficulty),
  });
  await trainer.train({
    model,
    seed: deriveSeed(seed, 'pretrain'),
    examples,
    onUpdate: () => {
      progress.advance(1);
      context.signal?.throwIfAborted();
    },
  });
  await saveCheckpoint(shared, {
    model,
    training: checkpointTraining(family, seed, config.pretrain.steps, {
      experiment: arm.experiment,
      pretrain: trainer.reference,
    }),
  });
  return model;
}
