import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeRecord, RunRecord } from '../store/index.ts';
import { RunStore } from '../store/index.ts';
import { HumanQueue } from '../store/human-queue.ts';
import type { QueueItem } from '../store/human-queue-records.ts';
import { ViewerApi, tokensMatch } from './api.ts';
import { apiPaths } from './api-paths.ts';
import type {
  ErrorResponse,
  EventsResponse,
  QueueResponse,
  RunResponse,
  SearchResponse,
} from './api-types.ts';
import { searchEpisode, snippetOf } from './search.ts';
import { FIXTURE_RUN_ID, HOSTILE_TEXT, writeViewerFixture } from './viewer-fixture.ts';

const TOKEN = 'test-token';

describe('viewer API', () => {
  let directory: string;
  let store: RunStore;
  let api: ViewerApi;
  const get = (url: string) => api.handle({ method: 'GET', url });
  const rate = (id: string, body: unknown, authorization = `Bearer ${TOKEN}`) =>
    api.handle({
      method: 'POST',
      url: apiPaths.rating(id),
      authorization,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'overseer-viewer-api-'));
    writeViewerFixture(directory);
    store = RunStore.open(directory, { readOnly: true });
    api = new ViewerApi(store, TOKEN);
  });
  afterAll(() => {
    api.close();
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('lists runs and answers a run with its metrics and checkpoints', () => {
    const runs = get(apiPaths.runs());
    expect(runs.status).toBe(200);
    expect((runs.body as RunRecord[]).map((run) => run.id)).toEqual([FIXTURE_RUN_ID]);
    const run = get(apiPaths.run(FIXTURE_RUN_ID));
    const body = run.body as RunResponse;
    expect(body.run.summary).toEqual({ accuracy: 0.5, calls: 5 });
    expect(body.metrics).toHaveLength(6);
    expect(body.checkpoints.map((checkpoint) => checkpoint.path)).toEqual(['checkpoints/step-20']);
    expect(get(apiPaths.session()).body).toEqual({ mode: 'server', store: store.directory });
  });

  it('answers episodes, one episode in full, and 404s for unknown ones', () => {
    const episodes = get(apiPaths.episodes(FIXTURE_RUN_ID)).body as Array<{ id: string }>;
    expect(episodes.map((episode) => episode.id)).toEqual(['e-hostile', 'e-failed']);
    const record = get(apiPaths.episode(FIXTURE_RUN_ID, 'e-hostile')).body as EpisodeRecord;
    expect(record.episode.steps).toHaveLength(5);
    expect(record.judgments[0].judgment.transcript).toHaveLength(3);
    expect(record.outcome?.kind).toBe('grade');
    const missing = get(apiPaths.episode(FIXTURE_RUN_ID, 'nope'));
    expect(missing.status).toBe(404);
    expect((missing.body as ErrorResponse).error.code).toBe('viewer.unknown-episode');
    const unknownRun = get(apiPaths.run('no-such-run'));
    expect(unknownRun.status).toBe(404);
    expect((unknownRun.body as ErrorResponse).error.hint).toMatch(/overseer runs/);
    expect(get('/api/nothing').status).toBe(404);
    expect(api.handle({ method: 'DELETE', url: apiPaths.runs() }).status).toBe(405);
  });

  it('pages through the event log', () => {
    const first = get(`${apiPaths.events(FIXTURE_RUN_ID)}?limit=5`).body as EventsResponse;
    expect(first.events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(first.next).toBe(5);
    const rest = get(apiPaths.events(FIXTURE_RUN_ID, 5)).body as EventsResponse;
    expect(rest.events[0].seq).toBe(6);
    expect(rest.next).toBeNull();
    const bad = get(`${apiPaths.events(FIXTURE_RUN_ID)}?after=-1`);
    expect(bad.status).toBe(400);
  });

  it('searches transcripts: steps, rationales and debate turns, case-insensitively', () => {
    const result = get(apiPaths.search('JUDGE SIDED')).body as SearchResponse;
    expect(result.hits).toEqual([
      expect.objectContaining({ episodeId: 'e-hostile', stepId: 'sq1', field: 'rationale' }),
    ]);
    const hostile = get(apiPaths.search('__pwned', FIXTURE_RUN_ID)).body as SearchResponse;
    expect(new Set(hostile.hits.map((hit) => hit.field))).toEqual(
      new Set(['question', 'input', 'output', 'rationale', 'turn']),
    );
    const limited = get(`${apiPaths.search('__pwned')}&limit=2`).body as SearchResponse;
    expect(limited.hits).toHaveLength(2);
    expect(limited.truncated).toBe(true);
    expect((get(apiPaths.search('   ')).body as SearchResponse).hits).toEqual([]);
    expect(get(apiPaths.search('x', 'no-such-run')).status).toBe(404);
  });

  it('cuts snippets around the match', () => {
    expect(snippetOf('abcdefghij', 'e', 2)).toBe('…cdefg…');
    expect(snippetOf('abc', 'z')).toBeNull();
    const record = store.episode('e-hostile', FIXTURE_RUN_ID)!;
    expect(searchEpisode(record, 'what is 2+2')[0]).toMatchObject({
      stepId: 'sq1',
      field: 'input',
      snippet: 'What is 2+2?',
    });
    expect(HOSTILE_TEXT).toContain('<script>');
  });

  it('shows an empty queue until a human overseer creates one, then takes ratings with the token', () => {
    expect(get(apiPaths.queue()).body).toEqual({
      exists: false,
      items: [],
      counts: { pending: 0, rated: 0 },
    });
    expect(rate('a', { rating: 1, rater: 'ann' }).status).toBe(404);

    const queue = HumanQueue.open(directory);
    const proposal = {
      family: 'fixture',
      question: 'q',
      kind: 'answer' as const,
      previous: [],
      context: 'q',
      action: 'a',
    };
    queue.enqueue({ id: 'first', label: 'l', proposal });
    queue.enqueue({ id: 'second', label: 'l', proposal });
    queue.close();

    const body = get(apiPaths.queue()).body as QueueResponse;
    expect(body.exists).toBe(true);
    expect(body.items.map((item) => item.id)).toEqual(['first', 'second']);

    expect(rate('first', { rating: 1, rater: 'ann' }, '').status).toBe(401);
    expect(rate('first', { rating: 1, rater: 'ann' }, 'Bearer wrong').status).toBe(401);
    expect(rate('first', 'not json').status).toBe(400);
    expect(rate('first', [1]).status).toBe(400);
    expect(rate('first', { rating: 5, rater: 'ann' }).status).toBe(400);
    expect(rate('first', { rating: 1 }).status).toBe(400);
    const rated = rate('first', { rating: 1, rater: 'ann', note: 'ok' });
    expect(rated.status).toBe(200);
    expect((rated.body as QueueItem).rating).toMatchObject({ rating: 1, rater: 'ann', note: 'ok' });
    expect(rate('first', { rating: -1, rater: 'bob' }).status).toBe(409);
    expect(rate('missing', { rating: -1, rater: 'bob' }).status).toBe(404);
    // Pending items first, then rated ones.
    const after = get(apiPaths.queue()).body as QueueResponse;
    expect(after.items.map((item) => [item.id, item.status])).toEqual([
      ['second', 'pending'],
      ['first', 'rated'],
    ]);
    expect(after.counts).toEqual({ pending: 1, rated: 1 });
  });

  it('compares tokens exactly', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abd')).toBe(false);
    expect(tokensMatch('', 'abc')).toBe(false);
  });
});
