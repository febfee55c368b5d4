/**
 * The projection of the event log onto the queryable tables (runs, episodes, steps, judgments,
 * metrics, checkpoints). It also checks that each event makes sense given what came before — a
 * step of an episode that never started, a second root, a judgment of an unknown step — because
 * the log is the source of truth and must stay replayable.
 *
 * The rules are written once, as a generator over `ProjectionTables`, and driven synchronously
 * for SQLite (sqlite-projection.ts) and asynchronously for Postgres (postgres-projection.ts), so
 * both stores materialise the same events into the same rows.
 */
import { OverseerError } from '../errors.ts';
import type { RunEvent } from '../spec/index.ts';

/** JSON with keys sorted, so two equal configurations compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const entries = Object.entries(item as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}

/** A value now (SQLite's synchronous driver) or later (Postgres). */
export type Awaitable<T> = T | Promise<T>;

/** What the projection reads of a run's row. */
export interface ProjectedRun {
  status: string;
  config: string;
  spec_version: number;
}

/** What the projection reads of an episode's row. */
export interface ProjectedEpisode {
  status: string;
  attempt: number;
}

/** The columns an episode-started event writes (a first attempt, or a restart). */
export interface EpisodeStartRow {
  runId: string;
  id: string;
  iteration: number | null;
  phase: string | null;
  unit: string | null;
  problemId: string;
  family: string;
  split: string;
  difficulty: number;
  problem: string;
  scaffold: string;
  policy: string;
  startedAt: string;
  seq: number;
}

/** The columns an episode-finished event writes. */
export interface EpisodeFinishRow {
  runId: string;
  id: string;
  answer: string | null;
  outcome: string;
  correct: number | null;
  reward: number;
  cost: string | null;
  finishedAt: string;
  seq: number;
}

/** A step row. */
export interface StepRow {
  runId: string;
  episodeId: string;
  id: string;
  position: number;
  parentId: string | null;
  kind: string;
  seq: number;
  body: string;
}

/** A judgment row. */
export interface JudgmentRow {
  runId: string;
  seq: number;
  episodeId: string;
  stepId: string;
  score: number;
  rating: number | null;
  method: string;
  overseer: string;
  time: string;
  body: string;
}

/** A metric row. */
export interface MetricRow {
  runId: string;
  seq: number;
  name: string;
  value: number;
  step: number;
  iteration: number | null;
  split: string | null;
  tags: string | null;
  time: string;
}

/** A checkpoint row. */
export interface CheckpointRow {
  runId: string;
  seq: number;
  path: string;
  step: number;
  iteration: number | null;
  time: string;
}

/** An event-log row. */
export interface EventRow {
  runId: string;
  seq: number;
  type: string;
  time: string;
  episodeId: string | null;
  body: string;
}

/**
 * The reads and writes the projection makes, one implementation per database; the caller holds
 * the transaction. `run` is read first for every event, so a database with concurrent writers
 * locks the run's row there and hands out the run's seqs one writer at a time.
 */
export interface ProjectionTables {
  run(runId: string): Awaitable<ProjectedRun | undefined>;
  insertRun(runId: string, specVersion: number, config: string, time: string): Awaitable<void>;
  reopenRun(runId: string): Awaitable<void>;
  finishRun(runId: string, summary: string, time: string): Awaitable<void>;
  failRun(runId: string, error: string, time: string): Awaitable<void>;
  lastSeq(runId: string): Awaitable<number>;
  touchRun(runId: string, seq: number, time: string): Awaitable<void>;
  episode(runId: string, episodeId: string): Awaitable<ProjectedEpisode | undefined>;
  insertEpisode(row: EpisodeStartRow): Awaitable<void>;
  /** A new attempt: the old attempt's steps and judgments leave the tables (the log keeps them). */
  restartEpisode(row: EpisodeStartRow): Awaitable<void>;
  finishEpisode(row: EpisodeFinishRow): Awaitable<void>;
  failEpisode(
    runId: string,
    episodeId: string,
    error: string,
    time: string,
    seq: number,
  ): Awaitable<void>;
  hasStep(runId: string, episodeId: string, stepId: string): Awaitable<boolean>;
  rootCount(runId: string, episodeId: string): Awaitable<number>;
  stepCount(runId: string, episodeId: string): Awaitable<number>;
  insertStep(row: StepRow): Awaitable<void>;
  insertJudgment(row: JudgmentRow): Awaitable<void>;
  insertMetric(row: MetricRow): Awaitable<void>;
  insertCheckpoint(row: CheckpointRow): Awaitable<void>;
  insertEvent(row: EventRow): Awaitable<void>;
}

/** The steps of a projection: each yields a table call's result to wait for. */
export type Projection<T> = Generator<Awaitable<unknown>, T, unknown>;

/** Waits for one table call (the driver resumes the generator with its value). */
function* settle<T>(value: Awaitable<T>): Projection<T> {
  return (yield value) as T;
}

/** Runs a projection whose tables answer at once (SQLite); a promise is a programming error. */
export function projectNow<T>(projection: Projection<T>): T {
  let next = projection.next();
  while (next.done !== true) {
    if (next.value instanceof Promise) {
      throw new OverseerError('store.internal', 'a synchronous projection was handed a promise');
    }
    next = projection.next(next.value);
  }
  return next.value;
}

/** Runs a projection whose tables answer with promises (Postgres). */
export async function projectLater<T>(projection: Projection<T>): Promise<T> {
  let next = projection.next();
  while (next.done !== true) next = projection.next(await next.value);
  return next.value;
}

/**
 * Logs `event` as the next event of its run and updates the projections; returns its seq.
 * `where` names the event in errors (its place in the batch).
 */
export function* materialise(
  tables: ProjectionTables,
  event: RunEvent,
  where: string,
): Projection<number> {
  const run = yield* settle(tables.run(event.runId));
  if (event.type === 'run-started') {
    if (run === undefined) {
      yield* settle(
        tables.insertRun(event.runId, event.specVersion, JSON.stringify(event.config), event.time),
      );
    } else {
      // A second run-started resumes the run; it must be the same experiment.
      if (run.spec_version !== event.specVersion) {
        throw inconsistent(
          where,
          `run "${event.runId}" was started with spec version ${run.spec_version}, not ${event.specVersion}`,
          'resume a run with the Overseer version that started it, or start a new run',
        );
      }
      if (canonicalJson(JSON.parse(run.config)) !== canonicalJson(event.config)) {
        throw inconsistent(
          where,
          `run "${event.runId}" already exists with a different configuration`,
          'resume a run with its own configuration, or start a new run with a new id',
        );
      }
      yield* settle(tables.reopenRun(event.runId));
    }
  } else {
    if (run === undefined) {
      throw new OverseerError(
        'store.unknown-run',
        `${where}: run "${event.runId}" does not exist in this store`,
        { hint: 'create the run first (RunStore.createRun or a run-started event)' },
      );
    }
    if (run.status !== 'running') {
      throw new OverseerError(
        'store.run-closed',
        `${where}: run "${event.runId}" is ${run.status}; no more events can be added`,
        { hint: 'resume the run first (RunStore.resumeRun) to add to it' },
      );
    }
    yield* project(tables, event, where);
  }
  const seq = (yield* settle(tables.lastSeq(event.runId))) + 1;
  yield* projectWithSeq(tables, event, seq);
  yield* settle(
    tables.insertEvent({
      runId: event.runId,
      seq,
      type: event.type,
      time: event.time,
      episodeId: 'episodeId' in event ? event.episodeId : null,
      body: JSON.stringify(event),
    }),
  );
  yield* settle(tables.touchRun(event.runId, seq, event.time));
  return seq;
}

/** The checks and updates that do not need the event's seq. */
function* project(
  tables: ProjectionTables,
  event: Exclude<RunEvent, { type: 'run-started' }>,
  where: string,
): Projection<void> {
  switch (event.type) {
    case 'run-finished':
      yield* settle(tables.finishRun(event.runId, JSON.stringify(event.summary), event.time));
      return;
    case 'run-failed':
      yield* settle(tables.failRun(event.runId, JSON.stringify(event.error), event.time));
      return;
    case 'episode-started': {
      const existing = yield* settle(tables.episode(event.runId, event.episodeId));
      if (existing?.status === 'finished') {
        throw new OverseerError(
          'store.duplicate-episode',
          `${where}: episode "${event.episodeId}" of run "${event.runId}" already finished`,
          { hint: 'skip the episodes in RunStore.completedEpisodeKeys when resuming' },
        );
      }
      return;
    }
    case 'step-proposed': {
      yield* requireEpisode(tables, event.runId, event.episodeId, where, 'running');
      const { step } = event;
      if (yield* settle(tables.hasStep(event.runId, event.episodeId, step.id))) {
        throw inconsistent(where, `step "${step.id}" is already in episode "${event.episodeId}"`);
      }
      if (step.parentId === null) {
        if ((yield* settle(tables.rootCount(event.runId, event.episodeId))) > 0) {
          throw inconsistent(
            where,
            `episode "${event.episodeId}" already has a root step; only one step has parentId null`,
          );
        }
      } else if (!(yield* settle(tables.hasStep(event.runId, event.episodeId, step.parentId)))) {
        throw inconsistent(
          where,
          `step.parentId "${step.parentId}" is not an earlier step of episode "${event.episodeId}"`,
          'log a parent step before its children',
        );
      }
      return;
    }
    case 'step-judged':
      yield* requireEpisode(tables, event.runId, event.episodeId, where);
      if (!(yield* settle(tables.hasStep(event.runId, event.episodeId, event.stepId)))) {
        throw inconsistent(
          where,
          `stepId "${event.stepId}" is not a step of episode "${event.episodeId}"`,
          'log the step (step-proposed) before judging it',
        );
      }
      return;
    case 'episode-finished':
    case 'episode-failed':
      yield* requireEpisode(tables, event.runId, event.episodeId, where, 'running');
      return;
    default:
      return;
  }
}

/** The updates that record the event's seq. */
function* projectWithSeq(tables: ProjectionTables, event: RunEvent, seq: number): Projection<void> {
  switch (event.type) {
    case 'episode-started': {
      const row: EpisodeStartRow = {
        runId: event.runId,
        id: event.episodeId,
        iteration: event.iteration ?? null,
        phase: event.phase ?? null,
        unit: event.unit === undefined ? null : JSON.stringify(event.unit),
        problemId: event.problem.id,
        family: event.problem.family,
        split: event.problem.split,
        difficulty: event.problem.difficulty,
        problem: JSON.stringify(event.problem),
        scaffold: JSON.stringify(event.scaffold),
        policy: JSON.stringify(event.policy),
        startedAt: event.time,
        seq,
      };
      const existing = yield* settle(tables.episode(event.runId, event.episodeId));
      // A restart (after a failure or a crash): the log keeps the old attempt, the tables show
      // the new one.
      yield* settle(
        existing === undefined ? tables.insertEpisode(row) : tables.restartEpisode(row),
      );
      return;
    }
    case 'step-proposed': {
      const position = yield* settle(tables.stepCount(event.runId, event.episodeId));
      yield* settle(
        tables.insertStep({
          runId: event.runId,
          episodeId: event.episodeId,
          id: event.step.id,
          position,
          parentId: event.step.parentId,
          kind: event.step.kind,
          seq,
          body: JSON.stringify(event.step),
        }),
      );
      return;
    }
    case 'step-judged':
      yield* settle(
        tables.insertJudgment({
          runId: event.runId,
          seq,
          episodeId: event.episodeId,
          stepId: event.stepId,
          score: event.judgment.score,
          rating: event.judgment.rating ?? null,
          method: event.judgment.method,
          overseer: event.judgment.overseer.name,
          time: event.time,
          body: JSON.stringify(event.judgment),
        }),
      );
      return;
    case 'episode-finished': {
      const { outcome } = event;
      yield* settle(
        tables.finishEpisode({
          runId: event.runId,
          id: event.episodeId,
          answer: event.answer,
          outcome: JSON.stringify(outcome),
          correct: outcome.kind === 'grade' ? (outcome.correct ? 1 : 0) : null,
          reward: outcome.reward,
          cost: event.cost === undefined ? null : JSON.stringify(event.cost),
          finishedAt: event.time,
          seq,
        }),
      );
      return;
    }
    case 'episode-failed':
      yield* settle(
        tables.failEpisode(
          event.runId,
          event.episodeId,
          JSON.stringify(event.error),
          event.time,
          seq,
        ),
      );
      return;
    case 'metric':
      yield* settle(
        tables.insertMetric({
          runId: event.runId,
          seq,
          name: event.name,
          value: event.value,
          step: event.step,
          iteration: event.iteration ?? null,
          split: event.split ?? null,
          tags: event.tags === undefined ? null : JSON.stringify(event.tags),
          time: event.time,
        }),
      );
      return;
    case 'checkpoint-saved':
      yield* settle(
        tables.insertCheckpoint({
          runId: event.runId,
          seq,
          path: event.path,
          step: event.step,
          iteration: event.iteration ?? null,
          time: event.time,
        }),
      );
      return;
    default:
      return;
  }
}

function* requireEpisode(
  tables: ProjectionTables,
  runId: string,
  episodeId: string,
  where: string,
  status?: 'running',
): Projection<void> {
  const row = yield* settle(tables.episode(runId, episodeId));
  if (row === undefined) {
    throw inconsistent(
      where,
      `episodeId "${episodeId}" has not started in run "${runId}"`,
      'log episode-started before the episode’s other events',
    );
  }
  if (status !== undefined && row.status !== status) {
    throw inconsistent(where, `episode "${episodeId}" is already ${row.status}`);
  }
}

function inconsistent(where: string, message: string, hint?: string): OverseerError {
  return new OverseerError('store.inconsistent-event', `${where}: ${message}`, { hint });
}
