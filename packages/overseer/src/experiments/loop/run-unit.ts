/**
 * One unit of a run — one arm of one experiment under one seed — as rounds of
 *   amplify    the current checkpoint answers the round's questions through the amplifying
 *              scaffold (decompose: the weak expert splits, the model answers sub-questions);
 *   oversee    the overseer's on-paper judgments choose what is learnt;
 *   distill    the arm's trainer learns it (imitation, process-/outcome-RL, expert iteration);
 *   checkpoint model and optimiser to disk;
 *   evaluate   the new checkpoint on the evaluation problems;
 *   record     metrics, curves and the round's end, to the store and the run state.
 * Everything random derives from (seed, round), and a round starts only from what is on disk, so
 * a round redone after an interruption computes what the interrupted one would have.
 */
import { modelFlops } from '../../model/compute.ts';
import type { Gpt } from '../../model/gpt.ts';
import type { AdamW } from '../../model/optimizer.ts';
import type { Overseer } from '../../overseers/overseer.ts';
import type { RunEvent } from '../../spec/index.ts';
import { representativeTranscripts } from '../run-evaluate.ts';
import { amplify } from './amplify.ts';
import { saveRound, startingPoint } from './checkpoint.ts';
import { distill } from './distill.ts';
import { evaluateModel } from './evaluate.ts';
import { groundTruth, oversee } from './oversee.ts';
import type { Lessons } from './oversee.ts';
import { checkpointEvent, commitRound, metricEvents, withCounts, withPoints } from './record.ts';
import type { Curves } from './record.ts';
import { roundOverseer, setUpUnit, workKinds } from './setup.ts';
import type { Unit, UnitContext } from './setup.ts';

/** Runs (or resumes) one unit; throws when it fails (the caller records the failure). */
export async function runUnit(context: UnitContext): Promise<void> {
  const started = performance.now();
  const { arm, seed } = context;
  context.progress.at(
    {
      unit: `${arm.experiment}/${arm.name} seed ${seed}`,
      round: context.unit.roundsDone,
      rounds: arm.config.rounds,
      phase: 'setting up',
    },
    workKinds(arm).rounds,
  );
  const unit = setUpUnit(context);
  const training = await startingPoint(unit);
  if (Object.keys(unit.unit.curves).length === 0 && unit.unit.roundsDone === 0) {
    await recordStart(unit, training.model, started);
  }
  for (let round = unit.unit.roundsDone; round < unit.config.rounds; round += 1) {
    await runRound(unit, round, training);
  }
}

/** Where the arm starts (step 0 of its curves): the initial checkpoint evaluated. */
async function recordStart(unit: Unit, model: Gpt, started: number): Promise<void> {
  const state = unit.unit;
  const initial = state.checkpoint ?? 'initial';
  const { metrics } = await evaluateModel(unit, model, 0, 0, initial);
  if (!unit.loggedCheckpoints.has(initial)) {
    unit.store.append([
      ...metricEvents(unit, metrics, 0, 'evaluation'),
      checkpointEvent(unit, initial, 0),
    ]);
  }
  state.curves = withPoints(unit, state.curves, metrics, { step: 0, calls: 0, flops: 0 });
  state.metrics = withCounts(metrics, { calls: 0, labels: 0, flops: 0 });
  state.wallSeconds += (performance.now() - started) / 1000;
  await unit.save();
}

/** What a round accumulates: its events and the unit's running counts. */
interface RoundLog {
  events: RunEvent[];
  /** Training steps of the unit (after pretraining). */
  steps: number;
  /** Weak-expert calls: amplification answers and judgments. */
  calls: number;
  /** Ground-truth labels trained on. */
  labels: number;
  /** The model's FLOPs in amplification and distillation (evaluation and pretraining not). */
  flops: number;
  curves: Curves;
}

/** One round: amplify → oversee → distill → checkpoint → evaluate → record. */
async function runRound(
  unit: Unit,
  round: number,
  training: { model: Gpt; optimizer: AdamW },
): Promise<void> {
  unit.signal?.throwIfAborted();
  const roundStarted = performance.now();
  const state = unit.unit;
  const log: RoundLog = {
    events: [],
    steps: state.steps,
    calls: state.expertCalls,
    labels: state.labels,
    flops: state.trainingFlops,
    curves: state.curves,
  };
  unit.store.append({
    type: 'iteration-started',
    runId: unit.runId,
    time: new Date().toISOString(),
    iteration: round,
    unit: unit.runUnit,
  });
  const overseer = roundOverseer(unit, round);

  // Amplify and oversee: what this round learns.
  const lessons = await learnable(unit, round, training.model, overseer, log);

  // Distill, evaluating between chunks when the curves want points inside the round.
  const judgeCalls = await distill(unit, round, training, lessons, overseer, log, (steps, judged) =>
    evaluateWithinRound(unit, round, training.model, log, { steps, judged }),
  );
  log.calls += judgeCalls;

  // Checkpoint, evaluate, record.
  const checkpoint = await saveRound(unit, round, training.model, training.optimizer);
  state.checkpoint = checkpoint;
  const { metrics, played } = await evaluateModel(
    unit,
    training.model,
    log.steps,
    round,
    checkpoint,
  );
  const counted = withCounts(metrics, log);
  log.events.push(...metricEvents(unit, counted, log.steps, 'evaluation', round));
  commitRound(unit, round, log.events, checkpoint, log.steps);
  Object.assign(state, {
    roundsDone: round + 1,
    steps: log.steps,
    expertCalls: log.calls,
    labels: log.labels,
    trainingFlops: log.flops,
    curves: withPoints(unit, log.curves, metrics, {
      step: log.steps,
      calls: log.calls,
      flops: log.flops,
      round,
    }),
    metrics: counted,
    wallSeconds: state.wallSeconds + (performance.now() - roundStarted) / 1000,
    ...(round === unit.config.rounds - 1 && unit.keepTranscripts
      ? { transcripts: representativeTranscripts(played, transcriptOptions(unit)) }
      : {}),
  });
  await unit.save();
}

/**
 * The round's lessons: ground truth for the supervised reference; the amplified episodes the
 * overseer approved; or, for plain RL, the round's problems as they are.
 */
async function learnable(
  unit: Unit,
  round: number,
  model: Gpt,
  overseer: Overseer,
  log: RoundLog,
): Promise<Lessons> {
  const problems = unit.problemsOfRound(round);
  if (unit.lesson === 'judgments') return { problems, labels: 0 };
  if (unit.lesson === 'ground-truth') {
    const lessons = groundTruth(unit, problems);
    log.labels += lessons.labels;
    return lessons;
  }
  unit.at(round, 'amplify');
  const before = modelFlops(model);
  const amplified = await amplify(unit, model, problems, overseer, round);
  unit.signal?.throwIfAborted();
  log.calls += amplified.expertCalls;
  // The model's sampling inside the amplified system is compute spent on what it learns.
  log.flops += modelFlops(model) - before;
  const lessons = oversee(unit, problems, amplified.played);
  log.events.push(...metricEvents(unit, lessons.counts ?? {}, log.steps, 'train', round));
  return lessons;
}

/** An evaluation between two chunks of a round's distillation: a curve point and its events. */
async function evaluateWithinRound(
  unit: Unit,
  round: number,
  model: Gpt,
  log: RoundLog,
  at: { steps: number; judged: number },
): Promise<void> {
  const { steps, judged } = at;
  const name = `${unit.unit.key}@step${steps}`;
  const { metrics } = await evaluateModel(unit, model, steps, round, name);
  const calls = log.calls + judged;
  const counts = { calls, labels: log.labels, flops: log.flops };
  log.events.push(...metricEvents(unit, withCounts(metrics, counts), steps, 'evaluation', round));
  log.curves = withPoints(unit, log.curves, metrics, { step: steps, calls, flops: log.flops });
}

/** How the final evaluation's transcripts are captioned (with the reward settings of RL arms). */
function transcriptOptions(unit: Unit): Parameters<typeof representativeTranscripts>[1] {
  const { lambda, credit, gamma } = unit.config;
  return {
    family: unit.family,
    experiment: unit.arm.experiment,
    arm: unit.arm.name,
    seed: unit.seed,
    ...(unit.trainer.learnsFrom === 'examples' ? {} : { rewards: { lambda, credit, gamma } }),
  };
}
