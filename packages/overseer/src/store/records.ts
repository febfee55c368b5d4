/**
 * What the run store hands back: the spec's vocabulary plus what only the store knows (sequence
 * numbers, attempts, counts). Read these; write through `RunStore.append` and its helpers.
 */
import type {
  Cost,
  Episode,
  EpisodeStatus,
  ErrorRecord,
  JsonObject,
  JsonValue,
  Judgment,
  LoopPhase,
  Outcome,
  Problem,
  RegistryReference,
  Run,
  RunUnit,
  RunEvent,
  Split,
} from '../spec/index.ts';

/** A run as listed: the spec's `Run` plus its summary, episode counts and event count. */
export type RunRecord = Run & {
  /** The `run-finished` summary; `{}` while the run is going or after it failed. */
  summary: Record<string, JsonValue>;
  /** Episodes by status (the latest attempt of each). */
  episodes: Record<EpisodeStatus, number>;
  /** How many events the run has logged (the `seq` of the last one). */
  eventCount: number;
  /** Time of the last event written. */
  updatedAt: string;
};

/** One logged event with its position in the run's log (1, 2, …). */
export interface StoredEvent {
  seq: number;
  event: RunEvent;
}

/** Which episodes `RunStore.episodes` returns; every field narrows, none is required. */
export interface EpisodeFilters {
  status?: EpisodeStatus | EpisodeStatus[];
  iteration?: number;
  /** Only episodes the experiment loop played in this phase. */
  phase?: LoopPhase;
  family?: string;
  split?: Split;
  /** Only episodes of this experiment of an `overseer run` (its unit's experiment). */
  experiment?: string;
  /** Only episodes of arms of this name (in any experiment, unless `experiment` is given too). */
  arm?: string;
  /** Only graded episodes whose answer was (or was not) correct; environment returns never match. */
  correct?: boolean;
  /** At most this many, in the order the episodes started. */
  limit?: number;
  /** Skip this many first (for paging). */
  offset?: number;
}

/** An episode as listed, without its steps. */
export interface EpisodeSummary {
  runId: string;
  id: string;
  /** 1 for the first attempt; a resumed run that restarts a failed or cut-off episode adds one. */
  attempt: number;
  iteration: number | null;
  /** The loop phase that played it and its unit (null for episodes recorded outside the loop). */
  phase: LoopPhase | null;
  unit: RunUnit | null;
  problem: Problem;
  scaffold: RegistryReference;
  policy: RegistryReference;
  status: EpisodeStatus;
  answer: string | null;
  error: ErrorRecord | null;
  outcome: Outcome | null;
  cost: Cost | null;
  startedAt: string;
  finishedAt: string | null;
  stepCount: number;
  judgmentCount: number;
}

/** A judgment with the step it judges and where it sits in the log. */
export interface JudgmentRecord {
  seq: number;
  stepId: string;
  time: string;
  judgment: Judgment;
}

/** An episode in full: the spec's `Episode` (steps included), its judgments and its outcome. */
export interface EpisodeRecord {
  runId: string;
  attempt: number;
  iteration: number | null;
  /** The loop phase and unit that played it (absent for episodes recorded outside the loop). */
  phase?: LoopPhase;
  unit?: RunUnit;
  episode: Episode;
  /** In the order they were logged; a step may have several (different overseers). */
  judgments: JudgmentRecord[];
  /** Null until the episode finished (and always for a failed one). */
  outcome: Outcome | null;
  cost: Cost | null;
}

/** A logged metric value. */
export interface MetricRecord {
  seq: number;
  name: string;
  value: number;
  step: number;
  iteration: number | null;
  split: Split | null;
  tags: Record<string, string>;
  time: string;
}

/** A logged checkpoint. */
export interface CheckpointRecord {
  seq: number;
  path: string;
  step: number;
  iteration: number | null;
  time: string;
}

/** A finished or failed episode to record in one transaction with `RunStore.recordEpisode`. */
export interface RecordedEpisode {
  runId: string;
  iteration?: number;
  /** The loop phase that played it, and its unit (experiment loop episodes only). */
  phase?: LoopPhase;
  unit?: RunUnit;
  /** Status `finished` (then `outcome` is required) or `failed` (then `episode.error` is set). */
  episode: Episode;
  /** Judgments of the episode's steps, in the order they were made. */
  judgments?: Array<{ stepId: string; judgment: Judgment; time?: string }>;
  outcome?: Outcome;
  cost?: Cost;
}

/** Options of `RunStore.createRun`. */
export interface CreateRunOptions {
  /** A chosen id (must be new); by default a sortable time-based id. */
  id?: string;
  time?: string;
  specVersion?: number;
}

/** A run's configuration as stored: any JSON object. */
export type RunConfig = JsonObject;
