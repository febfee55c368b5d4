/**
 * The vocabulary the viewer reads, imported (types only) from the overseer package: the spec's
 * records, the store's answers and the viewer API's responses. Nothing here exists at run time.
 */
export type {
  Cost,
  Episode,
  ErrorRecord,
  JsonObject,
  JsonValue,
  Judgment,
  Outcome,
  Problem,
  ProposedStep,
  RegistryReference,
  RunEvent,
  RunEventOf,
  RunEventType,
  Step,
  Turn,
} from '../../overseer/src/spec/index.ts';
export type {
  CheckpointRecord,
  EpisodeRecord,
  EpisodeSummary,
  JudgmentRecord,
  MetricRecord,
  RunRecord,
  StoredEvent,
} from '../../overseer/src/store/records.ts';
export type { HeadlineMetric } from '../../overseer/src/store/headline.ts';
export type { RunListing, RunOverview } from '../../overseer/src/store/run-overview.ts';
export type {
  QueueAssistance,
  QueueItem,
  QueueRating,
} from '../../overseer/src/store/human-queue-records.ts';
export type {
  EpisodeResponse,
  EpisodesResponse,
  ErrorResponse,
  EventsResponse,
  QueueResponse,
  RatingRequest,
  RunResponse,
  RunsResponse,
  SearchHit,
  SearchResponse,
  SessionResponse,
  StaticData,
} from '../../overseer/src/viewer-server/api-types.ts';
