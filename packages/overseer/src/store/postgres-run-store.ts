/**
 * The run store in Postgres, for runs written from several processes or machines: the same
 * tables and projection as the SQLite store (materialise.ts, store-rows.ts), each append one
 * transaction that first locks the run's row, so a run's seqs are assigned and committed in
 * order. Open it with `PostgresRunStore.open('postgres://…')`.
 */
import pg from 'pg';
import { OverseerError } from '../errors.ts';
import { SPEC_VERSION, toErrorRecord } from '../spec/index.ts';
import type { JsonValue, RunEvent, RunUnit } from '../spec/index.ts';
import type { AsyncRunStore } from './async-run-store.ts';
import { materialise, projectLater } from './materialise.ts';
import { postgresTables } from './postgres-projection.ts';
import {
  POSTGRES_SCHEMA_VERSION,
  migratePostgres,
  newerVersion,
  storeVersion,
} from './postgres-schema.ts';
import type {
  CheckpointRecord,
  CreateRunOptions,
  EpisodeFilters,
  EpisodeRecord,
  EpisodeSummary,
  MetricRecord,
  RecordedEpisode,
  RunConfig,
  RunRecord,
  StoredEvent,
} from './records.ts';
import { episodeEvents, eventPlace, parseRunEvents, runStartedEvent } from './run-events.ts';
import { newRunId } from './run-store.ts';
import {
  EPISODE_COLUMNS,
  episodeConditions,
  episodeRecord,
  episodeSummary,
  metricRecord,
  runRecord,
} from './store-rows.ts';
import type { EpisodeRow, RunRow, StoredJudgmentRow, StoredMetricRow } from './store-rows.ts';

/** Options of `PostgresRunStore.open`. */
export interface PostgresStoreOptions {
  /** Open for reading only: never creates the tables or writes. */
  readOnly?: boolean;
  /** Connections kept open at most (default 4). */
  maxConnections?: number;
}

/** True when `location` names a Postgres database rather than a store directory. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

/** The run store in a Postgres database. */
export class PostgresRunStore implements AsyncRunStore {
  readonly location: string;
  readonly readOnly: boolean;
  private readonly pool: pg.Pool;

  private constructor(location: string, pool: pg.Pool, readOnly: boolean) {
    this.location = location;
    this.pool = pool;
    this.readOnly = readOnly;
  }

  /**
   * Connects to the database at `url` (`postgres://user:password@host:port/db`, or a unix socket:
   * `postgres:///db?host=/run/postgresql`) and, unless read-only, creates the store's tables.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresRunStore> {
    const location = redactedUrl(url);
    const readOnly = options.readOnly ?? false;
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4 });
    // An idle connection the server drops must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      await pool.end();
      throw new OverseerError(
        'store.cannot-open',
        `cannot connect to ${location}: ${String(error)}`,
        {
          hint: 'check the URL, that the server runs and that the database exists (createdb NAME)',
          cause: error,
        },
      );
    }
    try {
      if (readOnly) {
        const version = await storeVersion(client);
        if (version === 0) {
          throw new OverseerError('store.missing', `no run store in ${location}`, {
            hint: 'run an experiment with --store pointing at this database first',
          });
        }
        if (version > POSTGRES_SCHEMA_VERSION) throw newerVersion(location, version);
      } else {
        await migratePostgres(client, location, `overseer spec ${SPEC_VERSION}`);
      }
    } catch (error) {
      client.release();
      await pool.end();
      throw error;
    }
    client.release();
    return new PostgresRunStore(location, pool, readOnly);
  }

  /** Runs `work` in one transaction on one connection; rolls back on any error. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.readOnly) {
      throw new OverseerError('store.read-only', `${this.location} was opened read-only`, {
        hint: 'open the store without readOnly to write to it',
      });
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async applyAll(client: pg.PoolClient, events: RunEvent[]): Promise<number[]> {
    const tables = postgresTables(client);
    const seqs: number[] = [];
    for (const [index, event] of events.entries()) {
      seqs.push(await projectLater(materialise(tables, event, eventPlace(event, index))));
    }
    return seqs;
  }

  /** A query with `?` placeholders (the SQLite store's), numbered for Postgres. */
  private async rows<T extends object>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    let position = 0;
    const numbered = sql.replace(/\?/g, () => `$${(position += 1)}`);
    return (await this.pool.query<T>(numbered, parameters)).rows;
  }

  // ───────────────────────────── writing ─────────────────────────────

  async append(events: RunEvent | RunEvent[]): Promise<number[]> {
    const parsed = parseRunEvents(events);
    return this.transaction((client) => this.applyAll(client, parsed));
  }

  async createRun(config: RunConfig, options: CreateRunOptions = {}): Promise<string> {
    const id = options.id ?? newRunId();
    if ((await this.getRun(id)) !== undefined) {
      throw new OverseerError(
        'store.run-exists',
        `run "${id}" already exists in ${this.location}`,
        {
          hint: 'choose a new run id, or resume the run',
        },
      );
    }
    await this.append(runStartedEvent(id, config, options));
    return id;
  }

  async resumeRun(runId: string, time = new Date().toISOString()): Promise<RunRecord> {
    const run = await this.requireRun(runId);
    await this.append(runStartedEvent(runId, run.config, { time }));
    return this.requireRun(runId);
  }

  async finishRun(
    runId: string,
    summary: Record<string, JsonValue> = {},
    time = new Date().toISOString(),
  ): Promise<void> {
    await this.append({ type: 'run-finished', runId, time, summary });
  }

  async failRun(runId: string, error: unknown, time = new Date().toISOString()): Promise<void> {
    await this.append({ type: 'run-failed', runId, time, error: toErrorRecord(error) });
  }

  async recordEpisode(recorded: RecordedEpisode): Promise<number[]> {
    const events = parseRunEvents(episodeEvents(recorded));
    return this.transaction(async (client) => {
      // The run's row lock first: a second writer of the same episode waits here, then sees it
      // finished and records nothing.
      await client.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [recorded.runId]);
      const done = await client.query(
        "SELECT 1 FROM episodes WHERE run_id = $1 AND id = $2 AND status = 'finished'",
        [recorded.runId, recorded.episode.id],
      );
      return done.rows.length > 0 ? [] : this.applyAll(client, events);
    });
  }

  // ───────────────────────────── reading ─────────────────────────────

  async listRuns(): Promise<RunRecord[]> {
    const rows = await this.rows<RunRow>(
      'SELECT * FROM runs ORDER BY started_at COLLATE "C" DESC, id COLLATE "C" DESC',
    );
    return Promise.all(rows.map((row) => this.runRecord(row)));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.rows<RunRow>('SELECT * FROM runs WHERE id = ?', [runId]);
    return row === undefined ? undefined : this.runRecord(row);
  }

  /** One run; an OverseerError naming the store when it does not exist. */
  async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.getRun(runId);
    if (run === undefined) {
      throw new OverseerError('store.unknown-run', `no run "${runId}" in ${this.location}`, {
        hint: 'list the runs with `overseer runs` (and check --store)',
      });
    }
    return run;
  }

  private async runRecord(row: RunRow): Promise<RunRecord> {
    const counts = await this.rows<{ status: RunRecord['status']; n: number }>(
      'SELECT status, count(*)::int AS n FROM episodes WHERE run_id = ? GROUP BY status',
      [row.id],
    );
    return runRecord(row, counts);
  }

  async episodes(runId: string, filters: EpisodeFilters = {}): Promise<EpisodeSummary[]> {
    const { where, parameters } = episodeConditions(runId, filters, postgresUnitField);
    const rows = await this.rows<EpisodeRow>(
      `SELECT ${EPISODE_COLUMNS} FROM episodes e WHERE ${where} ORDER BY e.started_seq
         LIMIT ? OFFSET ?`,
      [...parameters, filters.limit ?? null, filters.offset ?? 0],
    );
    return rows.map(episodeSummary);
  }

  async episode(episodeId: string, runId?: string): Promise<EpisodeRecord | undefined> {
    let run = runId;
    if (run === undefined) {
      const runs = await this.rows<{ run_id: string }>(
        'SELECT run_id FROM episodes WHERE id = ? LIMIT 2',
        [episodeId],
      );
      if (runs.length === 0) return undefined;
      if (runs.length > 1) {
        throw new OverseerError(
          'store.ambiguous-episode',
          `episode "${episodeId}" exists in more than one run`,
          { hint: 'pass the run id as well' },
        );
      }
      run = runs[0].run_id;
    }
    const [row] = await this.rows<EpisodeRow>(
      `SELECT ${EPISODE_COLUMNS} FROM episodes e WHERE e.run_id = ? AND e.id = ?`,
      [run, episodeId],
    );
    if (row === undefined) return undefined;
    const steps = await this.rows<{ body: string }>(
      'SELECT body FROM steps WHERE run_id = ? AND episode_id = ? ORDER BY position',
      [row.run_id, row.id],
    );
    const judgments = await this.rows<StoredJudgmentRow>(
      `SELECT seq, step_id, time, body FROM judgments WHERE run_id = ? AND episode_id = ?
         ORDER BY seq`,
      [row.run_id, row.id],
    );
    return episodeRecord(
      row,
      steps.map((step) => step.body),
      judgments,
    );
  }

  async completedEpisodeKeys(
    runId: string,
    options: { includeFailed?: boolean } = {},
  ): Promise<Set<string>> {
    const statuses = options.includeFailed === false ? ['finished'] : ['finished', 'failed'];
    const rows = await this.rows<{ id: string }>(
      'SELECT id FROM episodes WHERE run_id = ? AND status = ANY(?)',
      [runId, statuses],
    );
    return new Set(rows.map((row) => row.id));
  }

  async units(runId: string): Promise<RunUnit[]> {
    const rows = await this.rows<{ unit: string }>(
      `SELECT unit FROM episodes WHERE run_id = ? AND unit IS NOT NULL
         GROUP BY unit ORDER BY min(started_seq)`,
      [runId],
    );
    return rows.map((row) => JSON.parse(row.unit) as RunUnit);
  }

  async metrics(runId: string, filters: { name?: string } = {}): Promise<MetricRecord[]> {
    const rows = await this.rows<StoredMetricRow>(
      `SELECT * FROM metrics WHERE run_id = ? ${filters.name === undefined ? '' : 'AND name = ?'}
         ORDER BY seq`,
      [runId, ...(filters.name === undefined ? [] : [filters.name])],
    );
    return rows.map(metricRecord);
  }

  async latestMetrics(runId: string): Promise<MetricRecord[]> {
    const rows = await this.rows<StoredMetricRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (name, tags) seq, name, value, step, iteration, split, tags, time
           FROM metrics WHERE run_id = ? ORDER BY name, tags, seq DESC
       ) latest ORDER BY seq`,
      [runId],
    );
    return rows.map(metricRecord);
  }

  async checkpoints(runId: string): Promise<CheckpointRecord[]> {
    return this.rows<CheckpointRecord>(
      'SELECT seq, path, step, iteration, time FROM checkpoints WHERE run_id = ? ORDER BY seq',
      [runId],
    );
  }

  async events(runId: string, afterSeq = 0, limit?: number): Promise<StoredEvent[]> {
    const rows = await this.rows<{ seq: number; body: string }>(
      'SELECT seq, body FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [runId, afterSeq, limit ?? null],
    );
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body) as RunEvent }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A key of an episode's JSON unit, in Postgres. */
function postgresUnitField(key: string): string {
  return `(e.unit::jsonb ->> '${key}')`;
}
