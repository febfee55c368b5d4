/**
 * The run store as every backend offers it: asynchronous, so a store over the network (Postgres)
 * and the embedded SQLite store (`sqliteRunStore`) serve the same writers and readers.
 */
import type { JsonValue, RunEvent, RunUnit } from '../spec/index.ts';
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
import type { RunStore } from './run-store.ts';

/** A run store of any backend; the methods mean what `RunStore`'s of the same name mean. */
export interface AsyncRunStore {
  /** Where the store is: a directory, or a database URL without its password. */
  readonly location: string;
  /** Validates and appends `events` in one transaction; each event's seq within its run. */
  append(events: RunEvent | RunEvent[]): Promise<number[]>;
  /** Starts a new run with `config`; its id. */
  createRun(config: RunConfig, options?: CreateRunOptions): Promise<string>;
  /** Reopens a run to add to it (its run-started again, same configuration). */
  resumeRun(runId: string, time?: string): Promise<RunRecord>;
  /** Marks the run finished with a summary. */
  finishRun(runId: string, summary?: Record<string, JsonValue>, time?: string): Promise<void>;
  /** Marks the run failed with the error (anything thrown). */
  failRun(runId: string, error: unknown, time?: string): Promise<void>;
  /**
   * Records a whole finished or failed episode in one transaction. Idempotent: an episode that
   * already finished in the run is left as it is and no seqs are returned, so a re-run job
   * (at-least-once execution) records its episode once.
   */
  recordEpisode(recorded: RecordedEpisode): Promise<number[]>;
  /** Every run, newest first. */
  listRuns(): Promise<RunRecord[]>;
  /** One run, or undefined. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** A run's episodes (latest attempt of each), in the order they started, without steps. */
  episodes(runId: string, filters?: EpisodeFilters): Promise<EpisodeSummary[]>;
  /** One episode with its steps, judgments and outcome. */
  episode(episodeId: string, runId?: string): Promise<EpisodeRecord | undefined>;
  /** Ids of the run's done episodes (failed ones too unless `includeFailed` is false). */
  completedEpisodeKeys(runId: string, options?: { includeFailed?: boolean }): Promise<Set<string>>;
  /** The units a run's episodes were played in, in first-played order. */
  units(runId: string): Promise<RunUnit[]>;
  /** A run's metric values in logged order, optionally of one name. */
  metrics(runId: string, filters?: { name?: string }): Promise<MetricRecord[]>;
  /** The last value of each of a run's metrics for each set of tags. */
  latestMetrics(runId: string): Promise<MetricRecord[]>;
  /** A run's checkpoints in saved order. */
  checkpoints(runId: string): Promise<CheckpointRecord[]>;
  /** The run's events after `afterSeq`, in seq order (a tailing reader never misses one). */
  events(runId: string, afterSeq?: number, limit?: number): Promise<StoredEvent[]>;
  /** Closes the store. */
  close(): Promise<void>;
}

/** The embedded SQLite `RunStore` as an `AsyncRunStore` (its behaviour unchanged). */
export function sqliteRunStore(store: RunStore): AsyncRunStore {
  return {
    location: store.directory,
    append: async (events) => store.append(events),
    createRun: async (config, options) => store.createRun(config, options),
    resumeRun: async (runId, time) => store.resumeRun(runId, time),
    finishRun: async (runId, summary, time) => store.finishRun(runId, summary, time),
    failRun: async (runId, error, time) => store.failRun(runId, error, time),
    recordEpisode: async (recorded) => store.recordEpisodeOnce(recorded),
    listRuns: async () => store.listRuns(),
    getRun: async (runId) => store.getRun(runId),
    episodes: async (runId, filters) => store.episodes(runId, filters),
    episode: async (episodeId, runId) => store.episode(episodeId, runId),
    completedEpisodeKeys: async (runId, options) => store.completedEpisodeKeys(runId, options),
    units: async (runId) => store.units(runId),
    metrics: async (runId, filters) => store.metrics(runId, filters),
    latestMetrics: async (runId) => store.latestMetrics(runId),
    checkpoints: async (runId) => store.checkpoints(runId),
    events: async (runId, afterSeq, limit) => store.events(runId, afterSeq, limit),
    close: async () => store.close(),
  };
}
