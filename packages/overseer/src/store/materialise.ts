/**
 * The projection of the event log onto the queryable tables (runs, episodes, steps, judgments,
 * metrics, checkpoints). It also checks that each event makes sense given what came before — a
 * step of an episode that never started, a second root, a judgment of an unknown step — because
 * the log is the source of truth and must stay replayable.
 */
import type Database from 'better-sqlite3';
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

interface RunRow {
  status: string;
  config: string;
  spec_version: number;
}

interface EpisodeRow {
  status: string;
  attempt: number;
}

/** Applies validated events to the projection tables; the caller holds the transaction. */
export class Materialiser {
  private readonly statements;

  constructor(private readonly database: Database.Database) {
    const prepare = (source: string) => database.prepare(source);
    this.statements = {
      run: prepare('SELECT status, config, spec_version FROM runs WHERE id = ?'),
      insertRun: prepare(
        `INSERT INTO runs (id, spec_version, config, status, started_at, updated_at)
         VALUES (?, ?, ?, 'running', ?, ?)`,
      ),
      reopenRun: prepare(
        `UPDATE runs SET status = 'running', error = NULL, summary = NULL, finished_at = NULL
         WHERE id = ?`,
      ),
      finishRun: prepare(
        `UPDATE runs SET status = 'finished', summary = ?, finished_at = ? WHERE id = ?`,
      ),
      failRun: prepare(
        `UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`,
      ),
      touchRun: prepare('UPDATE runs SET last_seq = ?, updated_at = ? WHERE id = ?'),
      episode: prepare('SELECT status, attempt FROM episodes WHERE run_id = ? AND id = ?'),
      insertEpisode: prepare(
        `INSERT INTO episodes (run_id, id, attempt, iteration, phase, unit, problem_id, family,
           split, difficulty, problem, scaffold, policy, status, started_at, started_seq)
         VALUES (@runId, @id, 1, @iteration, @phase, @unit, @problemId, @family, @split,
           @difficulty, @problem, @scaffold, @policy, 'running', @startedAt, @seq)`,
      ),
      restartEpisode: prepare(
        `UPDATE episodes SET attempt = attempt + 1, iteration = @iteration, phase = @phase,
           unit = @unit, problem_id = @problemId,
           family = @family, split = @split, difficulty = @difficulty, problem = @problem,
           scaffold = @scaffold, policy = @policy, status = 'running', answer = NULL, error = NULL,
           outcome = NULL, correct = NULL, reward = NULL, cost = NULL, started_at = @startedAt,
           finished_at = NULL, started_seq = @seq, finished_seq = NULL
         WHERE run_id = @runId AND id = @id`,
      ),
      deleteSteps: prepare('DELETE FROM steps WHERE run_id = ? AND episode_id = ?'),
      deleteJudgments: prepare('DELETE FROM judgments WHERE run_id = ? AND episode_id = ?'),
      finishEpisode: prepare(
        `UPDATE episodes SET status = 'finished', answer = ?, outcome = ?, correct = ?, reward = ?,
           cost = ?, finished_at = ?, finished_seq = ?
         WHERE run_id = ? AND id = ?`,
      ),
      failEpisode: prepare(
        `UPDATE episodes SET status = 'failed', error = ?, finished_at = ?, finished_seq = ?
         WHERE run_id = ? AND id = ?`,
      ),
      step: prepare('SELECT 1 FROM steps WHERE run_id = ? AND episode_id = ? AND id = ?'),
      rootCount: prepare(
        'SELECT count(*) FROM steps WHERE run_id = ? AND episode_id = ? AND parent_id IS NULL',
      ),
      stepCount: prepare('SELECT count(*) FROM steps WHERE run_id = ? AND episode_id = ?'),
      insertStep: prepare(
        `INSERT INTO steps (run_id, episode_id, id, position, parent_id, kind, seq, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertJudgment: prepare(
        `INSERT INTO judgments (run_id, seq, episode_id, step_id, score, rating, method, overseer,
           time, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMetric: prepare(
        `INSERT INTO metrics (run_id, seq, name, value, step, iteration, split, tags, time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertCheckpoint: prepare(
        `INSERT INTO checkpoints (run_id, seq, path, step, iteration, time)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      insertEvent: prepare(
        `INSERT INTO events (run_id, seq, type, time, episode_id, body) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      lastSeq: prepare('SELECT last_seq FROM runs WHERE id = ?'),
    };
    this.statements.rootCount.pluck();
    this.statements.stepCount.pluck();
    this.statements.lastSeq.pluck();
  }

  /** Logs `event` as the next event of its run and updates the projections; returns its seq. */
  apply(event: RunEvent, where: string): number {
    const s = this.statements;
    const run = s.run.get(event.runId) as RunRow | undefined;
    if (event.type === 'run-started') {
      if (run === undefined) {
        s.insertRun.run(
          event.runId,
          event.specVersion,
          JSON.stringify(event.config),
          event.time,
          event.time,
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
        s.reopenRun.run(event.runId);
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
      this.project(event, where);
    }
    const seq = (s.lastSeq.get(event.runId) as number) + 1;
    this.projectWithSeq(event, seq);
    s.insertEvent.run(
      event.runId,
      seq,
      event.type,
      event.time,
      'episodeId' in event ? event.episodeId : null,
      JSON.stringify(event),
    );
    s.touchRun.run(seq, event.time, event.runId);
    return seq;
  }

  /** The checks and updates that do not need the event's seq. */
  private project(event: Exclude<RunEvent, { type: 'run-started' }>, where: string): void {
    const s = this.statements;
    switch (event.type) {
      case 'run-finished':
        s.finishRun.run(JSON.stringify(event.summary), event.time, event.runId);
        return;
      case 'run-failed':
        s.failRun.run(JSON.stringify(event.error), event.time, event.runId);
        return;
      case 'episode-started': {
        const existing = s.episode.get(event.runId, event.episodeId) as EpisodeRow | undefined;
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
        this.requireEpisode(event.runId, event.episodeId, where, 'running');
        const { step } = event;
        if (s.step.get(event.runId, event.episodeId, step.id) !== undefined) {
          throw inconsistent(where, `step "${step.id}" is already in episode "${event.episodeId}"`);
        }
        if (step.parentId === null) {
          if ((s.rootCount.get(event.runId, event.episodeId) as number) > 0) {
            throw inconsistent(
              where,
              `episode "${event.episodeId}" already has a root step; only one step has parentId null`,
            );
          }
        } else if (s.step.get(event.runId, event.episodeId, step.parentId) === undefined) {
          throw inconsistent(
            where,
            `step.parentId "${step.parentId}" is not an earlier step of episode "${event.episodeId}"`,
            'log a parent step before its children',
          );
        }
        return;
      }
      case 'step-judged':
        this.requireEpisode(event.runId, event.episodeId, where);
        if (s.step.get(event.runId, event.episodeId, event.stepId) === undefined) {
          throw inconsistent(
            where,
            `stepId "${event.stepId}" is not a step of episode "${event.episodeId}"`,
            'log the step (step-proposed) before judging it',
          );
        }
        return;
      case 'episode-finished':
      case 'episode-failed':
        this.requireEpisode(event.runId, event.episodeId, where, 'running');
        return;
      default:
        return;
    }
  }

  /** The updates that record the event's seq. */
  private projectWithSeq(event: RunEvent, seq: number): void {
    const s = this.statements;
    switch (event.type) {
      case 'episode-started': {
        const parameters = {
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
        const existing = s.episode.get(event.runId, event.episodeId) as EpisodeRow | undefined;
        if (existing === undefined) {
          s.insertEpisode.run(parameters);
        } else {
          // A restart (after a failure or a crash): the log keeps the old attempt, the tables
          // show the new one.
          s.deleteSteps.run(event.runId, event.episodeId);
          s.deleteJudgments.run(event.runId, event.episodeId);
          s.restartEpisode.run(parameters);
        }
        return;
      }
      case 'step-proposed': {
        const position = s.stepCount.get(event.runId, event.episodeId) as number;
        s.insertStep.run(
          event.runId,
          event.episodeId,
          event.step.id,
          position,
          event.step.parentId,
          event.step.kind,
          seq,
          JSON.stringify(event.step),
        );
        return;
      }
      case 'step-judged':
        s.insertJudgment.run(
          event.runId,
          seq,
          event.episodeId,
          event.stepId,
          event.judgment.score,
          event.judgment.rating ?? null,
          event.judgment.method,
          event.judgment.overseer.name,
          event.time,
          JSON.stringify(event.judgment),
        );
        return;
      case 'episode-finished': {
        const { outcome } = event;
        s.finishEpisode.run(
          event.answer,
          JSON.stringify(outcome),
          outcome.kind === 'grade' ? (outcome.correct ? 1 : 0) : null,
          outcome.reward,
          event.cost === undefined ? null : JSON.stringify(event.cost),
          event.time,
          seq,
          event.runId,
          event.episodeId,
        );
        return;
      }
      case 'episode-failed':
        s.failEpisode.run(
          JSON.stringify(event.error),
          event.time,
          seq,
          event.runId,
          event.episodeId,
        );
        return;
      case 'metric':
        s.insertMetric.run(
          event.runId,
          seq,
          event.name,
          event.value,
          event.step,
          event.iteration ?? null,
          event.split ?? null,
          event.tags === undefined ? null : JSON.stringify(event.tags),
          event.time,
        );
        return;
      case 'checkpoint-saved':
        s.insertCheckpoint.run(
          event.runId,
          seq,
          event.path,
          event.step,
          event.iteration ?? null,
          event.time,
        );
        return;
      default:
        return;
    }
  }

  private requireEpisode(
    runId: string,
    episodeId: string,
    where: string,
    status?: 'running',
  ): void {
    const row = this.statements.episode.get(runId, episodeId) as EpisodeRow | undefined;
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
}

function inconsistent(where: string, message: string, hint?: string): OverseerError {
  return new OverseerError('store.inconsistent-event', `${where}: ${message}`, { hint });
}
