/**
 * The run store: one SQLite file per store directory (default `.overseer/`), an append-only log
 * of every RunEvent and the tables projected from it. One writer process appends; any number of
 * readers (the viewer, `overseer export`, reports) read consistent snapshots at the same time.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { OverseerError } from '../errors.ts';
import { SPEC_VERSION, toErrorRecord } from '../spec/index.ts';
import type { EpisodeStatus, JsonValue, RunEvent, RunUnit } from '../spec/index.ts';
import { Materialiser } from './sqlite-projection.ts';
import { runOverview } from './run-overview.ts';
import type { RunListing } from './run-overview.ts';
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
import { STORE_APPLICATION_ID, STORE_FILE_NAME, STORE_SCHEMA_VERSION, migrate } from './schema.ts';
import {
  EPISODE_COLUMNS,
  episodeConditions,
  episodeRecord,
  episodeSummary,
  metricRecord,
  runRecord,
} from './store-rows.ts';
import type { EpisodeRow, RunRow, StoredJudgmentRow, StoredMetricRow } from './store-rows.ts';

/** The store directory used when none is given: `.overseer/` in the working directory. */
export function defaultStoreDirectory(workingDirectory = process.cwd()): string {
  return join(workingDirectory, '.overseer');
}

/** Options of `RunStore.open`. */
export interface OpenStoreOptions {
  /** Open for reading only (viewers, exports): never creates, migrates or writes anything. */
  readOnly?: boolean;
  /**
   * `normal` (default) survives any crash of the writing process; `full` also survives a power
   * cut or kernel crash, at the cost of an fsync per appended batch.
   */
  durability?: 'normal' | 'full';
  /** How long a statement waits for a lock held by another connection, in ms. */
  busyTimeoutMs?: number;
}

/** A sortable, readable run id: `run-20250131-120000-3f9a1c`. */
export function newRunId(time = new Date()): string {
  const stamp = time.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The run store; open it with `RunStore.open(directory)`. */
export class RunStore {
  /** The store directory. */
  readonly directory: string;
  /** The SQLite file inside it. */
  readonly path: string;
  readonly readOnly: boolean;
  private readonly database: Database.Database;
  private materialiser: Materialiser | undefined;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    directory: string,
    path: string,
    database: Database.Database,
    readOnly: boolean,
  ) {
    this.directory = directory;
    this.path = path;
    this.database = database;
    this.readOnly = readOnly;
  }

  /**
   * Opens (and, unless read-only, creates or migrates) the store in `directory`. A missing,
   * corrupt, foreign or newer-version store is an OverseerError that says which.
   */
  static open(
    directory: string = defaultStoreDirectory(),
    options: OpenStoreOptions = {},
  ): RunStore {
    const readOnly = options.readOnly ?? false;
    const absolute = resolve(directory);
    const path = join(absolute, STORE_FILE_NAME);
    if (existsSync(absolute) && !statSync(absolute).isDirectory()) {
      throw new OverseerError(
        'store.not-a-directory',
        `${absolute} is a file, not a store directory`,
        {
          hint: `pass the directory that holds ${STORE_FILE_NAME} (the default is .overseer/)`,
        },
      );
    }
    if (readOnly && !existsSync(path)) {
      throw new OverseerError('store.missing', `no run store at ${absolute}`, {
        hint: 'run an experiment first, or pass --store with the directory that holds the runs',
      });
    }
    if (!readOnly) mkdirSync(absolute, { recursive: true });
    let database: Database.Database;
    try {
      database = new Database(path, {
        readonly: readOnly,
        fileMustExist: readOnly,
        timeout: options.busyTimeoutMs ?? 10_000,
      });
    } catch (error) {
      throw new OverseerError('store.cannot-open', `cannot open ${path}: ${String(error)}`, {
        cause: error,
      });
    }
    try {
      RunStore.prepare(database, path, readOnly, options.durability ?? 'normal');
    } catch (error) {
      database.close();
      throw translateSqliteError(error, path);
    }
    return new RunStore(absolute, path, database, readOnly);
  }

  /** Checks the file is ours and current; sets journal and durability; migrates. */
  private static prepare(
    database: Database.Database,
    path: string,
    readOnly: boolean,
    durability: 'normal' | 'full',
  ): void {
    const applicationId = database.pragma('application_id', { simple: true }) as number;
    const version = database.pragma('user_version', { simple: true }) as number;
    const tables = database
      .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .get() as number;
    const fresh = applicationId === 0 && version === 0 && tables === 0;
    if (!fresh && applicationId !== STORE_APPLICATION_ID) {
      throw new OverseerError(
        'store.foreign',
        `${path} is a SQLite database, but not an Overseer run store`,
        { hint: 'pass --store a directory of its own (the default is .overseer/)' },
      );
    }
    if (version > STORE_SCHEMA_VERSION) {
      throw new OverseerError(
        'store.newer-version',
        `${path} was written by a newer Overseer (store schema version ${version}; this version reads up to ${STORE_SCHEMA_VERSION})`,
        { hint: 'upgrade Overseer to read this store, or use another --store directory' },
      );
    }
    if (readOnly) {
      if (fresh) {
        throw new OverseerError('store.missing', `${path} is empty: no runs have been written`);
      }
      if (version < STORE_SCHEMA_VERSION) {
        throw new OverseerError(
          'store.needs-migration',
          `${path} has store schema version ${version}; this Overseer needs ${STORE_SCHEMA_VERSION}`,
          { hint: 'open it once for writing (e.g. run an experiment on it) to migrate it' },
        );
      }
      return;
    }
    // WAL: readers never block the writer and always see a whole committed transaction. With
    // WAL, synchronous = NORMAL writes each commit into the WAL file before the transaction
    // returns and only defers the fsync to checkpoints, so a killed process (SIGKILL, OOM, a
    // crash) loses nothing that committed: the bytes are in the OS page cache and the next
    // open replays them. Only a power cut or kernel crash can drop the last commits (never
    // corrupt the file); `durability: 'full'` closes that gap with an fsync per commit.
    const mode = database.pragma('journal_mode = WAL', { simple: true }) as string;
    if (mode !== 'wal') {
      throw new OverseerError(
        'store.journal',
        `${path} could not be switched to WAL (got ${mode})`,
      );
    }
    database.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    migrate(database, `overseer spec ${SPEC_VERSION}`);
  }

  /** A prepared statement for `source`, prepared once per store. */
  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (statement === undefined) {
      statement = this.database.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  private writer(): Materialiser {
    if (this.readOnly) {
      throw new OverseerError('store.read-only', `${this.path} was opened read-only`, {
        hint: 'open the store without readOnly to write to it',
      });
    }
    this.materialiser ??= new Materialiser(this.database);
    return this.materialiser;
  }

  // ───────────────────────────── writing ─────────────────────────────

  /**
   * Validates `events` against the spec and appends them in ONE transaction: either all are
   * logged and projected, or (on any invalid event) none. Returns each event's seq.
   */
  append(events: RunEvent | RunEvent[]): number[] {
    const parsed = parseRunEvents(events);
    const materialiser = this.writer();
    const write = this.database.transaction(() =>
      parsed.map((event, index) => materialiser.apply(event, eventPlace(event, index))),
    );
    try {
      return write.immediate();
    } catch (error) {
      throw translateSqliteError(error, this.path);
    }
  }

  /** Starts a new run with `config`; returns its id. */
  createRun(config: RunConfig, options: CreateRunOptions = {}): string {
    const id = options.id ?? newRunId();
    if (this.getRun(id) !== undefined) {
      throw new OverseerError(
        'store.run-exists',
        `run "${id}" already exists in ${this.directory}`,
        {
          hint: 'choose a new run id, or resume the run with RunStore.resumeRun',
        },
      );
    }
    this.append(runStartedEvent(id, config, options));
    return id;
  }

  /**
   * Reopens a run (running, cut off, finished or failed) to add to it, by logging its
   * run-started again with the same configuration. Fails if this Overseer speaks another spec
   * version than the one that started it.
   */
  resumeRun(runId: string, time = new Date().toISOString()): RunRecord {
    const run = this.requireRun(runId);
    this.append(runStartedEvent(runId, run.config, { time }));
    return this.requireRun(runId);
  }

  /** Marks the run finished with a summary. */
  finishRun(
    runId: string,
    summary: Record<string, JsonValue> = {},
    time = new Date().toISOString(),
  ): void {
    this.append({ type: 'run-finished', runId, time, summary });
  }

  /** Marks the run failed with the error (anything thrown). */
  failRun(runId: string, error: unknown, time = new Date().toISOString()): void {
    this.append({ type: 'run-failed', runId, time, error: toErrorRecord(error) });
  }

  /**
   * Records a whole finished or failed episode — episode-started, its steps, their judgments,
   * episode-finished or episode-failed — in one transaction, so no reader and no crash ever
   * sees part of it.
   */
  recordEpisode(recorded: RecordedEpisode): number[] {
    return this.append(episodeEvents(recorded));
  }

  /**
   * Records the episode unless it already finished in the run (then returns no seqs), checked
   * inside the write transaction, so an episode played twice (a re-run job) is recorded once.
   */
  recordEpisodeOnce(recorded: RecordedEpisode): number[] {
    const events = episodeEvents(recorded);
    const record = this.database.transaction(() =>
      this.isFinished(recorded.runId, recorded.episode.id) ? [] : this.append(events),
    );
    try {
      return record.immediate();
    } catch (error) {
      throw translateSqliteError(error, this.path);
    }
  }

  private isFinished(runId: string, episodeId: string): boolean {
    const status = this.sql('SELECT status FROM episodes WHERE run_id = ? AND id = ?')
      .pluck()
      .get(runId, episodeId);
    return status === 'finished';
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** Every run, newest first. */
  listRuns(): RunRecord[] {
    const rows = this.sql('SELECT * FROM runs ORDER BY started_at DESC, id DESC').all() as RunRow[];
    return rows.map((row) => this.runRecord(row));
  }

  /** Every run with what it is (its overview: file, experiments, arms, headline), newest first. */
  listRunListings(): RunListing[] {
    return this.listRuns().map((run) => this.listing(run));
  }

  /** A run with its overview, as `listRunListings` gives it. */
  listing(run: RunRecord): RunListing {
    return { ...run, overview: runOverview(run, this.latestMetrics(run.id)) };
  }

  /** One run, or undefined when the store has no run with that id. */
  getRun(runId: string): RunRecord | undefined {
    const row = this.sql('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row === undefined ? undefined : this.runRecord(row);
  }

  /** One run; an OverseerError naming the store when it does not exist. */
  requireRun(runId: string): RunRecord {
    const run = this.getRun(runId);
    if (run === undefined) {
      throw new OverseerError('store.unknown-run', `no run "${runId}" in ${this.directory}`, {
        hint: 'list the runs with `overseer runs` (and check --store)',
      });
    }
    return run;
  }

  private runRecord(row: RunRow): RunRecord {
    const counts = this.sql(
      'SELECT status, count(*) AS n FROM episodes WHERE run_id = ? GROUP BY status',
    ).all(row.id) as Array<{ status: EpisodeStatus; n: number }>;
    return runRecord(row, counts);
  }

  /** A run's episodes (latest attempt of each), in the order they started, without steps. */
  episodes(runId: string, filters: EpisodeFilters = {}): EpisodeSummary[] {
    const { where, parameters } = episodeConditions(runId, filters, sqliteUnitField);
    const rows = this.sql(
      `SELECT ${EPISODE_COLUMNS} FROM episodes e WHERE ${where} ORDER BY e.started_seq
         LIMIT ? OFFSET ?`,
    ).all(...parameters, filters.limit ?? -1, filters.offset ?? 0) as EpisodeRow[];
    return rows.map(episodeSummary);
  }

  /**
   * One episode with its steps, judgments and outcome. Episode ids are unique within a run;
   * without `runId`, an id used by several runs is an error asking for the run.
   */
  episode(episodeId: string, runId?: string): EpisodeRecord | undefined {
    let run = runId;
    if (run === undefined) {
      const runs = this.sql('SELECT run_id FROM episodes WHERE id = ? LIMIT 2')
        .pluck()
        .all(episodeId) as string[];
      if (runs.length === 0) return undefined;
      if (runs.length > 1) {
        throw new OverseerError(
          'store.ambiguous-episode',
          `episode "${episodeId}" exists in more than one run`,
          { hint: 'pass the run id as well' },
        );
      }
      run = runs[0];
    }
    const row = this.sql(
      `SELECT ${EPISODE_COLUMNS} FROM episodes e WHERE e.run_id = ? AND e.id = ?`,
    ).get(run, episodeId) as EpisodeRow | undefined;
    return row === undefined ? undefined : this.episodeRecord(row);
  }

  /**
   * Full records of a run's episodes matching `filters`, one at a time (exports stream these,
   * so a large run is never all in memory).
   */
  *episodeRecords(runId: string, filters: EpisodeFilters = {}): Generator<EpisodeRecord> {
    const { where, parameters } = episodeConditions(runId, filters, sqliteUnitField);
    const ids = this.sql(
      `SELECT e.id FROM episodes e WHERE ${where} ORDER BY e.started_seq LIMIT ? OFFSET ?`,
    )
      .pluck()
      .all(...parameters, filters.limit ?? -1, filters.offset ?? 0) as string[];
    for (const id of ids) {
      const record = this.episode(id, runId);
      if (record !== undefined) yield record;
    }
  }

  private episodeRecord(row: EpisodeRow): EpisodeRecord {
    const steps = this.sql(
      'SELECT body FROM steps WHERE run_id = ? AND episode_id = ? ORDER BY position',
    )
      .pluck()
      .all(row.run_id, row.id) as string[];
    const judgments = this.sql(
      `SELECT seq, step_id, time, body FROM judgments WHERE run_id = ? AND episode_id = ?
         ORDER BY seq`,
    ).all(row.run_id, row.id) as StoredJudgmentRow[];
    return episodeRecord(row, steps, judgments);
  }

  /**
   * Ids of the run's episodes that are done — finished, and failed unless `includeFailed` is
   * false — so a resumed run skips them. Episode ids are the resume keys: a resumable loop
   * derives them from its unit of work (iteration, problem, sample), never at random.
   */
  completedEpisodeKeys(runId: string, options: { includeFailed?: boolean } = {}): Set<string> {
    const statuses = options.includeFailed === false ? ['finished'] : ['finished', 'failed'];
    const ids = this.sql(
      `SELECT id FROM episodes WHERE run_id = ? AND status IN (${statuses.map(() => '?').join(', ')})`,
    )
      .pluck()
      .all(runId, ...statuses) as string[];
    return new Set(ids);
  }

  /** The units (experiment, arm, seed) a run's episodes were played in, in first-played order. */
  units(runId: string): RunUnit[] {
    return (
      this.sql(
        `SELECT unit FROM episodes WHERE run_id = ? AND unit IS NOT NULL
           GROUP BY unit ORDER BY min(started_seq)`,
      )
        .pluck()
        .all(runId) as string[]
    ).map((unit) => JSON.parse(unit) as RunUnit);
  }

  /** A run's metric values in the order they were logged, optionally of one name. */
  metrics(runId: string, filters: { name?: string } = {}): MetricRecord[] {
    const rows = this.sql(
      `SELECT * FROM metrics WHERE run_id = ? ${filters.name === undefined ? '' : 'AND name = ?'}
         ORDER BY seq`,
    ).all(runId, ...(filters.name === undefined ? [] : [filters.name])) as StoredMetricRow[];
    return rows.map(metricRecord);
  }

  /**
   * The last logged value of each of a run's metrics for each set of tags (an experiment's arm
   * and seed and phase), so a listing reads a run's final numbers without its whole history.
   */
  latestMetrics(runId: string): MetricRecord[] {
    const rows = this.sql(
      `SELECT seq, name, value, step, iteration, split, tags, time, max(seq) FROM metrics
         WHERE run_id = ? GROUP BY name, tags ORDER BY seq`,
    ).all(runId) as StoredMetricRow[];
    return rows.map(metricRecord);
  }

  /** A run's checkpoints in the order they were saved. */
  checkpoints(runId: string): CheckpointRecord[] {
    return this.sql(
      'SELECT seq, path, step, iteration, time FROM checkpoints WHERE run_id = ? ORDER BY seq',
    ).all(runId) as CheckpointRecord[];
  }

  /** The run's events after `afterSeq` (0: from the start), for replay or live tailing. */
  events(runId: string, afterSeq = 0, limit?: number): StoredEvent[] {
    const rows = this.sql(
      'SELECT seq, body FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ).all(runId, afterSeq, limit ?? -1) as Array<{ seq: number; body: string }>;
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body) as RunEvent }));
  }

  /** Closes the database; the store cannot be used afterwards. */
  close(): void {
    if (this.database.open) this.database.close();
  }
}

/** A key of an episode's JSON unit, in SQLite. */
function sqliteUnitField(key: string): string {
  return `json_extract(e.unit, '$.${key}')`;
}

/** Turns SQLite's "file is not a database" and friends into errors that say what to do. */
function translateSqliteError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new OverseerError(
      'store.corrupt',
      `${path} is not a readable Overseer run store (not a SQLite database, or damaged)`,
      {
        hint: 'pass --store a directory of its own; a damaged store may be restored from a backup',
        cause: error,
      },
    );
  }
  if (code === 'SQLITE_BUSY') {
    return new OverseerError('store.busy', `${path} stayed locked by another writer`, {
      hint: 'one process writes to a store at a time; wait for it or use another --store',
      cause: error,
    });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new OverseerError('store.cannot-open', `cannot write ${path}: ${String(error)}`, {
      hint: 'check the permissions of the store directory',
      cause: error,
    });
  }
  return error;
}
