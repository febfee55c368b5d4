/**
 * The projection's tables in Postgres (materialise.ts), on one connection inside the caller's
 * transaction. Reading the run's row takes its row lock (`FOR UPDATE`), which every write to the
 * run does first, so a run's seqs are handed out and committed one writer at a time, in order:
 * a reader tailing `seq > n` never sees seq n + 2 before n + 1.
 */
import type pg from 'pg';
import type {
  EpisodeStartRow,
  ProjectedEpisode,
  ProjectedRun,
  ProjectionTables,
} from './materialise.ts';

/** The projection's tables on `client` (which holds an open transaction). */
export function postgresTables(client: pg.ClientBase): ProjectionTables {
  const run = async (sql: string, parameters: unknown[]): Promise<void> => {
    await client.query(sql, parameters);
  };
  const rows = async <T extends object>(sql: string, parameters: unknown[]): Promise<T[]> =>
    (await client.query<T>(sql, parameters)).rows;
  const count = async (sql: string, parameters: unknown[]): Promise<number> =>
    (await rows<{ n: number }>(sql, parameters))[0].n;
  return {
    run: async (runId) =>
      (
        await rows<ProjectedRun>(
          'SELECT status, config, spec_version FROM runs WHERE id = $1 FOR UPDATE',
          [runId],
        )
      )[0],
    insertRun: (runId, specVersion, config, time) =>
      run(
        `INSERT INTO runs (id, spec_version, config, status, started_at, updated_at)
         VALUES ($1, $2, $3, 'running', $4, $4)`,
        [runId, specVersion, config, time],
      ),
    reopenRun: (runId) =>
      run(
        `UPDATE runs SET status = 'running', error = NULL, summary = NULL, finished_at = NULL
         WHERE id = $1`,
        [runId],
      ),
    finishRun: (runId, summary, time) =>
      run(`UPDATE runs SET status = 'finished', summary = $1, finished_at = $2 WHERE id = $3`, [
        summary,
        time,
        runId,
      ]),
    failRun: (runId, error, time) =>
      run(`UPDATE runs SET status = 'failed', error = $1, finished_at = $2 WHERE id = $3`, [
        error,
        time,
        runId,
      ]),
    lastSeq: (runId) => count('SELECT last_seq AS n FROM runs WHERE id = $1', [runId]),
    touchRun: (runId, seq, time) =>
      run('UPDATE runs SET last_seq = $1, updated_at = $2 WHERE id = $3', [seq, time, runId]),
    episode: async (runId, episodeId) =>
      (
        await rows<ProjectedEpisode>(
          'SELECT status, attempt FROM episodes WHERE run_id = $1 AND id = $2',
          [runId, episodeId],
        )
      )[0],
    insertEpisode: (row) =>
      run(
        `INSERT INTO episodes (run_id, id, attempt, iteration, phase, unit, problem_id, family,
           split, difficulty, problem, scaffold, policy, status, started_at, started_seq)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'running', $13, $14)`,
        episodeStartParameters(row),
      ),
    restartEpisode: async (row) => {
      await run('DELETE FROM steps WHERE run_id = $1 AND episode_id = $2', [row.runId, row.id]);
      await run('DELETE FROM judgments WHERE run_id = $1 AND episode_id = $2', [row.runId, row.id]);
      await run(
        `UPDATE episodes SET attempt = attempt + 1, iteration = $3, phase = $4, unit = $5,
           problem_id = $6, family = $7, split = $8, difficulty = $9, problem = $10,
           scaffold = $11, policy = $12, status = 'running', answer = NULL, error = NULL,
           outcome = NULL, correct = NULL, reward = NULL, cost = NULL, started_at = $13,
           finished_at = NULL, started_seq = $14, finished_seq = NULL
         WHERE run_id = $1 AND id = $2`,
        episodeStartParameters(row),
      );
    },
    finishEpisode: (row) =>
      run(
        `UPDATE episodes SET status = 'finished', answer = $3, outcome = $4, correct = $5,
           reward = $6, cost = $7, finished_at = $8, finished_seq = $9
         WHERE run_id = $1 AND id = $2`,
        [
          row.runId,
          row.id,
          row.answer,
          row.outcome,
          row.correct,
          row.reward,
          row.cost,
          row.finishedAt,
          row.seq,
        ],
      ),
    failEpisode: (runId, episodeId, error, time, seq) =>
      run(
        `UPDATE episodes SET status = 'failed', error = $3, finished_at = $4, finished_seq = $5
         WHERE run_id = $1 AND id = $2`,
        [runId, episodeId, error, time, seq],
      ),
    hasStep: async (runId, episodeId, stepId) =>
      (
        await rows('SELECT 1 FROM steps WHERE run_id = $1 AND episode_id = $2 AND id = $3', [
          runId,
          episodeId,
          stepId,
        ])
      ).length > 0,
    rootCount: (runId, episodeId) =>
      count(
        `SELECT count(*)::int AS n FROM steps
         WHERE run_id = $1 AND episode_id = $2 AND parent_id IS NULL`,
        [runId, episodeId],
      ),
    stepCount: (runId, episodeId) =>
      count('SELECT count(*)::int AS n FROM steps WHERE run_id = $1 AND episode_id = $2', [
        runId,
        episodeId,
      ]),
    insertStep: (row) =>
      run(
        `INSERT INTO steps (run_id, episode_id, id, position, parent_id, kind, seq, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [row.runId, row.episodeId, row.id, row.position, row.parentId, row.kind, row.seq, row.body],
      ),
    insertJudgment: (row) =>
      run(
        `INSERT INTO judgments (run_id, seq, episode_id, step_id, score, rating, method,
           overseer, time, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.runId,
          row.seq,
          row.episodeId,
          row.stepId,
          row.score,
          row.rating,
          row.method,
          row.overseer,
          row.time,
          row.body,
        ],
      ),
    insertMetric: (row) =>
      run(
        `INSERT INTO metrics (run_id, seq, name, value, step, iteration, split, tags, time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          row.runId,
          row.seq,
          row.name,
          row.value,
          row.step,
          row.iteration,
          row.split,
          row.tags,
          row.time,
        ],
      ),
    insertCheckpoint: (row) =>
      run(
        `INSERT INTO checkpoints (run_id, seq, path, step, iteration, time)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.runId, row.seq, row.path, row.step, row.iteration, row.time],
      ),
    insertEvent: (row) =>
      run(
        `INSERT INTO events (run_id, seq, type, time, episode_id, body)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.runId, row.seq, row.type, row.time, row.episodeId, row.body],
      ),
  };
}

/** An episode-started row as the positional parameters $1 … $14 of the insert and the restart. */
function episodeStartParameters(row: EpisodeStartRow): unknown[] {
  return [
    row.runId,
    row.id,
    row.iteration,
    row.phase,
    row.unit,
    row.problemId,
    row.family,
    row.split,
    row.difficulty,
    row.problem,
    row.scaffold,
    row.policy,
    row.startedAt,
    row.seq,
  ];
}
