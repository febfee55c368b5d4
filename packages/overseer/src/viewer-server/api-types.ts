/**
 * What the viewer's HTTP API answers, path by path (types only: the web UI in packages/viewer
 * imports them, so the server and the pages share one vocabulary). The same shapes are embedded
 * in a static HTML export, keyed by the path that would have answered them.
 */
import type {
  CheckpointRecord,
  EpisodeRecord,
  EpisodeSummary,
  MetricRecord,
  StoredEvent,
} from '../store/records.ts';
import type { RunListing } from '../store/run-overview.ts';
import type { QueueItem, QueueItemStatus } from '../store/human-queue-records.ts';

/** `GET /api/session`: what this viewer can do. */
export interface SessionResponse {
  /** `server` under `overseer view`; `static` in an HTML export (read-only, no search, no queue). */
  mode: 'server' | 'static';
  /** The store directory being shown (absent in an export). */
  store?: string;
  /** When the export was written (static mode). */
  exportedAt?: string;
}

/** `GET /api/runs`: every run with its overview (file, experiments, arms, headline), newest first. */
export type RunsResponse = RunListing[];

/** `GET /api/runs/:run`: one run with its metrics and checkpoints. */
export interface RunResponse {
  run: RunListing;
  metrics: MetricRecord[];
  checkpoints: CheckpointRecord[];
}

/** `GET /api/runs/:run/episodes`: the run's episodes (latest attempt each) without steps. */
export type EpisodesResponse = EpisodeSummary[];

/** `GET /api/runs/:run/episodes/:episode`: one episode with its steps, judgments and outcome. */
export type EpisodeResponse = EpisodeRecord;

/** `GET /api/runs/:run/events?after=&limit=`: a page of the run's event log. */
export interface EventsResponse {
  events: StoredEvent[];
  /** Pass as `after` to read on; null when this page reached the end. */
  next: number | null;
}

/** Where a search matched. */
export type SearchField = 'question' | 'input' | 'output' | 'rationale' | 'turn' | 'answer';

/** One match of a transcript search. */
export interface SearchHit {
  runId: string;
  episodeId: string;
  /** The step whose text (or whose judgment) matched; null for the problem or final answer. */
  stepId: string | null;
  field: SearchField;
  /** The matched text with some context either side (plain text). */
  snippet: string;
}

/** `GET /api/search?q=&run=&limit=`: matches across transcripts, runs newest first. */
export interface SearchResponse {
  query: string;
  hits: SearchHit[];
  /** Episodes read before stopping. */
  scannedEpisodes: number;
  /** True when the hit limit stopped the search before every episode was read. */
  truncated: boolean;
}

/** `GET /api/queue`: the human-overseer queue, pending items first, oldest first. */
export interface QueueResponse {
  /** False when no human overseer ever queued a step in this store. */
  exists: boolean;
  items: QueueItem[];
  counts: Record<QueueItemStatus, number>;
}

/** `POST /api/queue/:id/rating` body (with `Authorization: Bearer <token>`). */
export interface RatingRequest {
  rating: -1 | 0 | 1;
  note?: string;
  rater: string;
}

/** Any error answer: what went wrong and what to change. */
export interface ErrorResponse {
  error: { code: string; message: string; hint?: string };
}

/** A static export: the API answers it holds, keyed by path (e.g. `/api/runs/r1`). */
export interface StaticData {
  session: SessionResponse;
  responses: Record<string, unknown>;
}
