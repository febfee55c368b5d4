/**
 * The rows every store's tables hold (the same columns in SQLite and Postgres, JSON kept as
 * text) and how they read back as records, so both stores answer with the same records.
 */
import type {
  Cost,
  Episode,
  EpisodeStatus,
  LoopPhase,
  Outcome,
  RunStatus,
  RunUnit,
  Step,
} from '../spec/index.ts';
import type {
  EpisodeFilters,
  EpisodeRecord,
  EpisodeSummary,
  JudgmentRecord,
  MetricRecord,
  RunRecord,
} from './records.ts';

/** A row of `runs`. */
export interface RunRow {
  id: string;
  spec_version: number;
  config: string;
  status: RunStatus;
  error: string | null;
  summary: string | null;
  started_at: string;
  finished_at: string | null;
  updated_at: string;
  last_seq: number;
}

/** A row of `episodes` with its step and judgment counts (`EPISODE_COLUMNS`). */
export interface EpisodeRow {
  run_id: string;
  id: string;
  attempt: number;
  iteration: number | null;
  phase: string | null;
  unit: string | null;
  problem: string;
  scaffold: string;
  policy: string;
  status: EpisodeStatus;
  answer: string | null;
  error: string | null;
  outcome: string | null;
  cost: string | null;
  started_at: string;
  finished_at: string | null;
  step_count: number;
  judgment_count: number;
}

/** A row of `metrics` as read. */
export interface StoredMetricRow {
  seq: number;
  name: string;
  value: number;
  step: number;
  iteration: number | null;
  split: MetricRecord['split'];
  tags: string | null;
  time: string;
}

/** A row of `judgments` as an episode reads it. */
export interface StoredJudgmentRow {
  seq: number;
  step_id: string;
  time: string;
  body: string;
}

/** The select list of an `EpisodeRow` from `episodes e`. */
export const EPISODE_COLUMNS = `e.run_id, e.id, e.attempt, e.iteration, e.phase, e.unit, e.problem, e.scaffold, e.policy,
  e.status, e.answer, e.error, e.outcome, e.cost, e.started_at, e.finished_at,
  (SELECT count(*) FROM steps s WHERE s.run_id = e.run_id AND s.episode_id = e.id) AS step_count,
  (SELECT count(*) FROM judgments j WHERE j.run_id = e.run_id AND j.episode_id = e.id)
    AS judgment_count`;

/** A run's record from its row and its episodes' counts by status. */
export function runRecord(
  row: RunRow,
  counts: ReadonlyArray<{ status: EpisodeStatus; n: number }>,
): RunRecord {
  const episodes: Record<EpisodeStatus, number> = { running: 0, finished: 0, failed: 0 };
  for (const { status, n } of counts) episodes[status] = Number(n);
  return {
    id: row.id,
    specVersion: row.spec_version,
    status: row.status,
    config: JSON.parse(row.config),
    startedAt: row.started_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.error === null ? {} : { error: JSON.parse(row.error) }),
    summary: row.summary === null ? {} : JSON.parse(row.summary),
    episodes,
    eventCount: row.last_seq,
    updatedAt: row.updated_at,
  };
}

/**
 * The WHERE clause (with `?` placeholders) of a run's episodes matching `filters`; `unitField`
 * reads a key of the JSON `e.unit` in the database's own dialect.
 */
export function episodeConditions(
  runId: string,
  filters: EpisodeFilters,
  unitField: (key: string) => string,
): { where: string; parameters: unknown[] } {
  const conditions = ['e.run_id = ?'];
  const parameters: unknown[] = [runId];
  if (filters.status !== undefined) {
    const statuses = Array.isArray(filters.status) ? filters.status : [filters.status];
    conditions.push(`e.status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
    parameters.push(...statuses);
  }
  if (filters.iteration !== undefined) {
    conditions.push('e.iteration = ?');
    parameters.push(filters.iteration);
  }
  if (filters.phase !== undefined) {
    conditions.push('e.phase = ?');
    parameters.push(filters.phase);
  }
  if (filters.family !== undefined) {
    conditions.push('e.family = ?');
    parameters.push(filters.family);
  }
  if (filters.split !== undefined) {
    conditions.push('e.split = ?');
    parameters.push(filters.split);
  }
  if (filters.experiment !== undefined) {
    conditions.push(`${unitField('experiment')} = ?`);
    parameters.push(filters.experiment);
  }
  if (filters.arm !== undefined) {
    conditions.push(`${unitField('arm')} = ?`);
    parameters.push(filters.arm);
  }
  if (filters.correct !== undefined) {
    conditions.push('e.correct = ?');
    parameters.push(filters.correct ? 1 : 0);
  }
  return { where: conditions.join(' AND '), parameters };
}

/** A metric's record from its row. */
export function metricRecord(row: StoredMetricRow): MetricRecord {
  return {
    seq: row.seq,
    name: row.name,
    value: row.value,
    step: row.step,
    iteration: row.iteration,
    split: row.split,
    tags: row.tags === null ? {} : JSON.parse(row.tags),
    time: row.time,
  };
}

/** An episode as listed, from its row. */
export function episodeSummary(row: EpisodeRow): EpisodeSummary {
  return {
    runId: row.run_id,
    id: row.id,
    attempt: row.attempt,
    iteration: row.iteration,
    phase: row.phase as LoopPhase | null,
    unit: row.unit === null ? null : (JSON.parse(row.unit) as RunUnit),
    problem: JSON.parse(row.problem),
    scaffold: JSON.parse(row.scaffold),
    policy: JSON.parse(row.policy),
    status: row.status,
    answer: row.answer,
    error: row.error === null ? null : JSON.parse(row.error),
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as Outcome),
    cost: row.cost === null ? null : (JSON.parse(row.cost) as Cost),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    stepCount: Number(row.step_count),
    judgmentCount: Number(row.judgment_count),
  };
}

/** An episode in full, from its row, its steps' bodies in order and its judgments' rows. */
export function episodeRecord(
  row: EpisodeRow,
  stepBodies: readonly string[],
  judgmentRows: readonly StoredJudgmentRow[],
): EpisodeRecord {
  const steps = stepBodies.map((body) => JSON.parse(body) as Step);
  const judgments = judgmentRows.map((judgment): JudgmentRecord => ({
    seq: judgment.seq,
    stepId: judgment.step_id,
    time: judgment.time,
    judgment: JSON.parse(judgment.body),
  }));
  const summary = episodeSummary(row);
  const episode: Episode = {
    id: summary.id,
    problem: summary.problem,
    scaffold: summary.scaffold,
    policy: summary.policy,
    status: summary.status,
    steps,
    answer: summary.answer,
    ...(summary.error === null ? {} : { error: summary.error }),
    startedAt: summary.startedAt,
    ...(summary.finishedAt === null ? {} : { finishedAt: summary.finishedAt }),
  };
  return {
    runId: summary.runId,
    attempt: summary.attempt,
    iteration: summary.iteration,
    ...(summary.phase === null ? {} : { phase: summary.phase }),
    ...(summary.unit === null ? {} : { unit: summary.unit }),
    episode,
    judgments,
    outcome: summary.outcome,
    cost: summary.cost,
  };
}
