/**
 * Search across transcripts: a case-insensitive substring match over every episode's question,
 * steps, final answer, judgments' rationales and debate turns, streamed episode by episode from
 * the store so a large store is never all in memory; it stops at the hit limit.
 */
import type { EpisodeRecord, RunStore } from '../store/index.ts';
import type { SearchField, SearchHit, SearchResponse } from './api-types.ts';

/** Options of `searchTranscripts`. */
export interface SearchOptions {
  /** Only this run (default: every run, newest first). */
  runId?: string;
  /** Stop after this many hits (default 100). */
  limit?: number;
  /** Characters of context either side of a match in a snippet (default 60). */
  context?: number;
}

/** The text around the first match of `needle` (lower-case) in `text`, or null. */
export function snippetOf(text: string, needle: string, context = 60): string | null {
  const at = text.toLowerCase().indexOf(needle);
  if (at < 0) return null;
  const start = Math.max(0, at - context);
  const end = Math.min(text.length, at + needle.length + context);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/** The matches of `needle` (lower-case) in one episode, in reading order. */
export function searchEpisode(record: EpisodeRecord, needle: string, context = 60): SearchHit[] {
  const hits: SearchHit[] = [];
  const { episode } = record;
  const add = (stepId: string | null, field: SearchField, text: string | null | undefined) => {
    if (text === null || text === undefined) return;
    const snippet = snippetOf(text, needle, context);
    if (snippet !== null) {
      hits.push({ runId: record.runId, episodeId: episode.id, stepId, field, snippet });
    }
  };
  add(null, 'question', episode.problem.question);
  for (const step of episode.steps) {
    add(step.id, 'input', step.input);
    add(step.id, 'output', step.output);
  }
  for (const { stepId, judgment } of record.judgments) {
    add(stepId, 'rationale', judgment.rationale);
    for (const turn of judgment.transcript ?? []) add(stepId, 'turn', turn.text);
  }
  add(null, 'answer', episode.answer);
  return hits;
}

/** Searches the store's transcripts for `query` (case-insensitive, plain substring). */
export function searchTranscripts(
  store: RunStore,
  query: string,
  options: SearchOptions = {},
): SearchResponse {
  const needle = query.trim().toLowerCase();
  const limit = options.limit ?? 100;
  const response: SearchResponse = { query, hits: [], scannedEpisodes: 0, truncated: false };
  if (needle === '') return response;
  const runIds =
    options.runId === undefined
      ? store.listRuns().map((run) => run.id)
      : [store.requireRun(options.runId).id];
  for (const runId of runIds) {
    for (const record of store.episodeRecords(runId)) {
      response.scannedEpisodes += 1;
      for (const hit of searchEpisode(record, needle, options.context)) {
        if (response.hits.length >= limit) {
          response.truncated = true;
          return response;
        }
        response.hits.push(hit);
      }
    }
  }
  return response;
}
