/**
 * Distill: the arm's trainer improves the model from the round's lessons — imitation of the
 * approved (or ground-truth) pairs, or policy gradient / expert iteration on the overseer's
 * judgments (and, through the dial λ, on outcomes), a sample of whose judged rollouts goes to the
 * store. A round is trained in chunks when the curves want evaluations inside it.
 */
import { modelFlops } from '../../model/compute.ts';
import type { Gpt } from '../../model/gpt.ts';
import type { AdamW } from '../../model/optimizer.ts';
import { deriveSeed } from '../../util/random.ts';
import { openEnvironment } from '../../outcomes/environment.ts';
import { createOutcomeEnvironment } from '../../outcomes/registry.ts';
import type { Overseer } from '../../overseers/overseer.ts';
import type { RunEvent } from '../../spec/index.ts';
import { environmentTask, questionTask } from '../../training/task.ts';
import type { StepJudge, TrainingTask } from '../../training/task.ts';
import type { RolloutReport, TrainerContext, UpdateReport } from '../../training/trainer.ts';
import { rolloutEpisodePrefix, roundNumber } from '../episode-ids.ts';
import { amplifiedJudge, correctingJudge, countingJudge, recordRollouts } from '../run-episodes.ts';
import type { Lessons } from './oversee.ts';
import { metricEvents, trainingValues } from './record.ts';
import { loopTrainer, loopValues } from './setup.ts';
import type { Unit } from './setup.ts';

/** Training metrics logged per round at most (every update when a round has fewer). */
const TRAINING_METRIC_POINTS = 100;

/** Where a round's distillation stands, and what it logged. */
export interface DistillProgress {
  /** Training steps of the unit so far (after pretraining). */
  steps: number;
  /** The round's metric events so far; distillation appends its training metrics. */
  events: RunEvent[];
  /** The unit's training FLOPs so far; distillation adds its passes (sampling included). */
  flops: number;
}

/**
 * Trains the round; calls `between(steps, judgeCalls)` after every chunk but the last (an
 * evaluation inside the round). Returns the judge's calls (0 when the trainer judges nothing).
 */
export async function distill(
  unit: Unit,
  round: number,
  training: { model: Gpt; optimizer: AdamW },
  lessons: Lessons,
  overseer: Overseer,
  progress: DistillProgress,
  between: (steps: number, judgeCalls: number) => Promise<void>,
): Promise<number> {
  unit.at(round, 'distill');
  const { config } = unit;
  const counted = unit.trainer.judges
    ? countingJudge(correctingJudge(overseer, unit.family))
    : undefined;
  const judge: StepJudge | undefined =
    counted === undefined || lessons.amplified === undefined
      ? counted
      : amplifiedJudge(counted, lessons.amplified);
  const task = trainingTask(unit, lessons);
  const chunks = chunkSizes(config.stepsPerRound, config.evaluation.every);
  const roundStart = progress.steps;
  for (let chunk = 0; chunk < chunks.length; chunk += 1) {
    const updates = chunks[chunk];
    if (unit.trainer.learnsFrom === 'examples' && (lessons.examples ?? []).length === 0) {
      // Nothing the overseer approved: the round trains on nothing rather than on unchecked
      // answers. Progress still moves on, so the bar stays honest about what is left.
      unit.progress.log(
        `${unit.label}: round ${round + 1}: no approved examples to imitate; skipping distillation`,
      );
      unit.progress.advance(updates);
    } else {
      const trainer = loopTrainer(config.trainer, loopValues(unit.arm, updates));
      const before = modelFlops(training.model);
      await trainer.train({
        ...training,
        seed: deriveSeed(unit.seed, 'distill', round, chunk),
        ...(lessons.examples === undefined ? {} : { examples: lessons.examples }),
        ...(task === undefined ? {} : { task }),
        ...(judge === undefined ? {} : { judge }),
        ...hooks(unit, round, { roundStart, chunkStart: progress.steps, updates }, progress.events),
      });
      progress.flops += modelFlops(training.model) - before;
    }
    progress.steps += updates;
    if (chunk < chunks.length - 1) await between(progress.steps, counted?.calls ?? 0);
  }
  return counted?.calls ?? 0;
}

/**
 * The problems a sampling trainer draws from (none for imitation), graded by the arm's outcome
 * environment when it names one.
 */
function trainingTask(unit: Unit, lessons: Lessons): TrainingTask | undefined {
  if (unit.trainer.learnsFrom === 'examples') return undefined;
  if (unit.family.kind === 'environment') {
    return environmentTask(unit.family, lessons.problems, openEnvironment);
  }
  const task = questionTask(unit.family, lessons.problems, {
    format: unit.format,
    ...(unit.config.answerTokens === undefined ? {} : { maxTokens: unit.config.answerTokens }),
  });
  if (unit.config.outcome === undefined) return task;
  const outcome = createOutcomeEnvironment(unit.config.outcome, unit.family);
  return { ...task, grade: (problem, answer) => outcome.grade(problem, answer) };
}

/** A chunk's update and rollout callbacks: metrics, progress, abort, and recorded rollouts. */
function hooks(
  unit: Unit,
  round: number,
  position: { roundStart: number; chunkStart: number; updates: number },
  events: RunEvent[],
): Pick<TrainerContext, 'onUpdate' | 'onRollouts'> {
  const { config } = unit;
  const { roundStart, chunkStart, updates } = position;
  const every = Math.max(1, Math.floor(config.stepsPerRound / TRAINING_METRIC_POINTS));
  const onUpdate = (report: UpdateReport): void => {
    unit.progress.advance(1);
    const done = chunkStart + report.update;
    if (report.update % every === 0 || report.update === updates) {
      events.push(...metricEvents(unit, trainingValues(report), done, 'train', round));
    }
    unit.onUpdate?.({ unit: unit.unit.key, round, update: done });
    unit.signal?.throwIfAborted();
  };
  const recordEvery = config.recordRollouts.every;
  if (unit.trainer.learnsFrom === 'examples' || recordEvery === 0) return { onUpdate };
  const onRollouts = (report: RolloutReport): void => {
    // Updates count from 1 within the round, across its chunks.
    const update = chunkStart - roundStart + report.update;
    if (!recordsRollouts(update, recordEvery, config.stepsPerRound)) return;
    const before = chunkStart + report.update - 1;
    const sampling = unit.trainer.sampling;
    recordRollouts(report, {
      recorder: unit.recorder,
      iteration: round,
      prefix: rolloutEpisodePrefix(unit.unit.key, roundNumber(unit.unit.firstRound, round), update),
      format: unit.family.kind === 'environment' ? 'snap' : unit.format,
      policy: {
        name: `embedded:${unit.unit.key}@step${before}`,
        options: sampling === undefined ? {} : { temperature: sampling.temperature },
      },
      metadata: { trainer: config.trainer.name, update, step: before + 1 },
    });
  };
  return { onUpdate, onRollouts };
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
