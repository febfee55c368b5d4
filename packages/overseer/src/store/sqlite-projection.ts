/** The projection's tables in SQLite: prepared statements, answered at once (materialise.ts). */
import type Database from 'better-sqlite3';
import type { RunEvent } from '../spec/index.ts';
import { materialise, projectNow } from './materialise.ts';
import type { ProjectedEpisode, ProjectedRun, ProjectionTables } from './materialise.ts';

/** Applies validated events to a SQLite store's tables; the caller holds the transaction. */
export class Materialiser {
  private readonly tables: ProjectionTables;

  constructor(database: Database.Database) {
    this.tables = sqliteTables(database);
  }

  /** Logs `event` as the next event of its run and updates the projections; returns its seq. */
  apply(event: RunEvent, where: string): number {
    return projectNow(materialise(this.tables, event, where));
  }
}

function sqliteTables(database: Database.Database): ProjectionTables {
  const prepare = (source: string) => database.prepare(source);
  const s = {
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
    failRun: prepare(`UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`),
    touchRun: prepare('UPDATE runs SET last_seq = ?, updated_at = ? WHERE id = ?'),
    lastSeq: prepare('SELECT last_seq FROM runs WHERE id = ?').pluck(),
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
      `UPDATE episodes SET status = 'finished', answer = @answer, outcome = @outcome,
         correct = @correct, reward = @reward, cost = @cost, finished_at = @finishedAt,
         finished_seq = @seq
       WHERE run_id = @runId AND id = @id`,
    ),
    failEpisode: prepare(
      `UPDATE episodes SET status = 'failed', error = ?, finished_at = ?, finished_seq = ?
       WHERE run_id = ? AND id = ?`,
    ),
    step: prepare('SELECT 1 FROM steps WHERE run_id = ? AND episode_id = ? AND id = ?'),
    rootCount: prepare(
      'SELECT count(*) FROM steps WHERE run_id = ? AND episode_id = ? AND parent_id IS NULL',
    ).pluck(),
    stepCount: prepare('SELECT count(*) FROM steps WHERE run_id = ? AND episode_id = ?').pluck(),
    insertStep: prepare(
      `INSERT INTO steps (run_id, episode_id, id, position, parent_id, kind, seq, body)
       VALUES (@runId, @episodeId, @id, @position, @parentId, @kind, @seq, @body)`,
    ),
    insertJudgment: prepare(
      `INSERT INTO judgments (run_id, seq, episode_id, step_id, score, rating, method, overseer,
         time, body)
       VALUES (@runId, @seq, @episodeId, @stepId, @score, @rating, @method, @overseer, @time,
         @body)`,
    ),
    insertMetric: prepare(
      `INSERT INTO metrics (run_id, seq, name, value, step, iteration, split, tags, time)
       VALUES (@runId, @seq, @name, @value, @step, @iteration, @split, @tags, @time)`,
    ),
    insertCheckpoint: prepare(
      `INSERT INTO checkpoints (run_id, seq, path, step, iteration, time)
       VALUES (@runId, @seq, @path, @step, @iteration, @time)`,
    ),
    insertEvent: prepare(
      `INSERT INTO events (run_id, seq, type, time, episode_id, body)
       VALUES (@runId, @seq, @type, @time, @episodeId, @body)`,
    ),
  };
  return {
    run: (runId) => s.run.get(runId) as ProjectedRun | undefined,
    insertRun: (runId, specVersion, config, time) => {
      s.insertRun.run(runId, specVersion, config, time, time);
    },
    reopenRun: (runId) => {
      s.reopenRun.run(runId);
    },
    finishRun: (runId, summary, time) => {
      s.finishRun.run(summary, time, runId);
    },
    failRun: (runId, error, time) => {
      s.failRun.run(error, time, runId);
    },
    lastSeq: (runId) => s.lastSeq.get(runId) as number,
    touchRun: (runId, seq, time) => {
      s.touchRun.run(seq, time, runId);
    },
    episode: (runId, episodeId) => s.episode.get(runId, episodeId) as ProjectedEpisode | undefined,
    insertEpisode: (row) => {
      s.insertEpisode.run(row);
    },
    restartEpisode: (row) => {
      s.deleteSteps.run(row.runId, row.id);
      s.deleteJudgments.run(row.runId, row.id);
      s.restartEpisode.run(row);
    },
    finishEpisode: (row) => {
      s.finishEpisode.run(row);
    },
    failEpisode: (runId, episodeId, error, time, seq) => {
      s.failEpisode.run(error, time, seq, runId, episodeId);
    },
    hasStep: (runId, episodeId, stepId) => s.step.get(runId, episodeId, stepId) !== undefined,
    rootCount: (runId, episodeId) => s.rootCount.get(runId, episodeId) as number,
    stepCount: (runId, episodeId) => s.stepCount.get(runId, episodeId) as number,
    insertStep: (row) => {
      s.insertStep.run(row);
    },
    insertJudgment: (row) => {
      s.insertJudgment.run(row);
    },
    insertMetric: (row) => {
      s.insertMetric.run(row);
    },
    insertCheckpoint: (row) => {
      s.insertCheckpoint.run(row);
    },
    insertEvent: (row) => {
      s.insertEvent.run(row);
    },
  };
}
