/** The run store: runs, their event log and the episodes, steps, judgments and metrics in it. */
export { RunStore, defaultStoreDirectory, newRunId } from './run-store.ts';
export { describeIssues } from './run-events.ts';
export type { OpenStoreOptions } from './run-store.ts';
export { sqliteRunStore } from './async-run-store.ts';
export type { AsyncRunStore } from './async-run-store.ts';
export { PostgresRunStore, isPostgresUrl } from './postgres-run-store.ts';
export type { PostgresStoreOptions } from './postgres-run-store.ts';
export { openRunStore, readableStore, writableStore } from './open-run-store.ts';
export type { LocalStore } from './open-run-store.ts';
export { copyNewEvents } from './copy-events.ts';
export type { CopyEventsOptions } from './copy-events.ts';
export { formatHeadline } from './headline.ts';
export type { HeadlineMetric } from './headline.ts';
export { runOverview } from './run-overview.ts';
export type { RunListing, RunOverview } from './run-overview.ts';
export { STORE_SCHEMA_VERSION, STORE_FILE_NAME } from './schema.ts';
export type {
  CheckpointRecord,
  CreateRunOptions,
  EpisodeFilters,
  EpisodeRecord,
  EpisodeSummary,
  JudgmentRecord,
  MetricRecord,
  RecordedEpisode,
  RunConfig,
  RunRecord,
  StoredEvent,
} from './records.ts';
