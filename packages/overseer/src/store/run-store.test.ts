import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { OverseerError } from '../errors.ts';
import type { Judgment, RunEvent, Step } from '../spec/index.ts';
import { SPEC_VERSION } from '../spec/index.ts';
import { fixtureEpisode } from './episode-fixtures.ts';
import { RunStore, defaultStoreDirectory } from './run-store.ts';
import { STORE_FILE_NAME, STORE_SCHEMA_VERSION } from './schema.ts';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'overseer-store-'));
  directories.push(directory);
  return directory;
}

/** Runs `action` and returns the OverseerError it throws (failing the test if it does not). */
function overseerError(action: () => unknown): OverseerError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(OverseerError);
    return error as OverseerError;
  }
  throw new Error('expected an OverseerError');
}

const time = '2025-01-31T12:00:00.000Z';
const problem = {
  id: 'addition/train/3/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'train' as const,
  metadata: {},
};
const reference = { name: 'snap', options: {} };

function step(
  id: string,
  parentId: string | null,
  output: string,
  kind: Step['kind'] = 'thought',
): Step {
  return {
    id,
    parentId,
    kind,
    index: 0,
    input: '',
    output,
    producer: 'policy',
    timing: { startedAt: time, durationMs: 1 },
    cost: { calls: 1, inputTokens: 1, outputTokens: 1 },
    metadata: {},
  };
}

const judgment: Judgment = {
  score: 0.5,
  rating: 1,
  rationale: 'fine',
  overseer: { name: 'program', options: {} },
  method: 'program',
};

function started(runId: string, episodeId: string, iteration = 0): RunEvent {
  return {
    type: 'episode-started',
    runId,
    time,
    episodeId,
    iteration,
    problem,
    scaffold: reference,
    policy: reference,
  };
}

describe('RunStore', () => {
  it('creates, lists and reads runs', () => {
    const store = RunStore.open(temporaryDirectory());
    const first = store.createRun({ task: 'addition', seed: 1 }, { time });
    const second = store.createRun({ task: 'addition', seed: 2 }, { id: 'chosen-id' });
    expect(first).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(second).toBe('chosen-id');
    expect(store.listRuns().map((run) => run.id)).toEqual([second, first]);
    expect(store.getRun(first)).toEqual({
      id: first,
      specVersion: SPEC_VERSION,
      status: 'running',
      config: { task: 'addition', seed: 1 },
      startedAt: time,
      summary: {},
      episodes: { running: 0, finished: 0, failed: 0 },
      eventCount: 1,
      updatedAt: time,
    });
    expect(store.getRun('nope')).toBeUndefined();
    expect(overseerError(() => store.requireRun('nope')).code).toBe('store.unknown-run');
    expect(overseerError(() => store.createRun({}, { id: first })).code).toBe('store.run-exists');
    store.close();
  });

  it('records an episode atomically and reads it back whole', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({});
    const recorded = fixtureEpisode(runId, 'e1');
    const seqs = store.recordEpisode({
      ...recorded,
      cost: { calls: 3, inputTokens: 4, outputTokens: 5 },
    });
    const steps = recorded.episode.steps.length;
    expect(seqs).toEqual(Array.from({ length: 2 * steps + 1 }, (_, index) => index + 2));
    const record = store.episode('e1')!;
    expect(record.episode).toEqual(recorded.episode);
    expect(record.outcome).toEqual(recorded.outcome);
    expect(record.cost).toEqual({ calls: 3, inputTokens: 4, outputTokens: 5 });
    expect(record.judgments.map(({ stepId, judgment: j }) => ({ stepId, judgment: j }))).toEqual(
      recorded.judgments?.map(({ stepId, judgment: j }) => ({ stepId, judgment: j })),
    );
    expect(record).toMatchObject({ runId, attempt: 1, iteration: 0 });
    const [summary] = store.episodes(runId);
    expect(summary).toMatchObject({
      id: 'e1',
      status: 'finished',
      stepCount: steps,
      judgmentCount: steps - 1,
      answer: 'final',
    });
    expect(store.getRun(runId)?.episodes).toEqual({ running: 0, finished: 1, failed: 0 });
    expect(store.completedEpisodeKeys(runId)).toEqual(new Set(['e1']));
    store.close();
  });

  it('keeps untrusted text exactly', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({ note: 'quote " backslash \\ nul \u0000' });
    const nasty = `"}\n{"type":"run-finished"} \u0000 \u2028 \ud800 🙂 '; DROP TABLE runs; --`;
    store.append([
      started(runId, 'e1'),
      {
        type: 'step-proposed',
        runId,
        time,
        episodeId: 'e1',
        step: step('root', null, nasty, 'question'),
      },
    ]);
    expect(store.episode('e1')?.episode.steps[0].output).toBe(nasty);
    expect(store.getRun(runId)?.config).toEqual({ note: 'quote " backslash \\ nul \u0000' });
    expect(store.listRuns()).toHaveLength(1);
    store.close();
  });

  it('rejects invalid events, naming the field, and writes nothing of the batch', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({});
    const badStep = {
      ...step('root', null, 'x'),
      timing: { startedAt: 'yesterday', durationMs: 1 },
    };
    const invalid = overseerError(() =>
      store.append([
        started(runId, 'e1'),
        { type: 'step-proposed', runId, time, episodeId: 'e1', step: badStep } as RunEvent,
      ]),
    );
    expect(invalid.code).toBe('store.invalid-event');
    expect(invalid.message).toContain('event 1 (step-proposed)');
    expect(invalid.message).toContain('step.timing.startedAt');
    const score = overseerError(() =>
      store.append({
        type: 'step-judged',
        runId,
        time,
        episodeId: 'e1',
        stepId: 'root',
        judgment: { ...judgment, score: 2 },
      }),
    );
    expect(score.message).toContain('judgment.score');
    expect(overseerError(() => store.append({ type: 'nonsense' } as never)).message).toContain(
      'type',
    );
    // An inconsistent event late in a batch rolls back the whole batch.
    const inconsistent = overseerError(() =>
      store.append([
        started(runId, 'e1'),
        { type: 'step-proposed', runId, time, episodeId: 'e1', step: step('a', 'missing', 'x') },
      ]),
    );
    expect(inconsistent.code).toBe('store.inconsistent-event');
    expect(inconsistent.message).toContain('parentId "missing"');
    expect(store.episodes(runId)).toEqual([]);
    expect(store.events(runId).map(({ seq }) => seq)).toEqual([1]);
    store.close();
  });

  it('checks that events fit what came before', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({});
    const codeOf = (events: RunEvent | RunEvent[]) =>
      overseerError(() => store.append(events)).code;
    expect(codeOf({ ...started('other-run', 'e'), runId: 'other-run' })).toBe('store.unknown-run');
    expect(
      codeOf({ type: 'step-proposed', runId, time, episodeId: 'ghost', step: step('s', null, '') }),
    ).toBe('store.inconsistent-event');
    store.append([
      started(runId, 'e1'),
      {
        type: 'step-proposed',
        runId,
        time,
        episodeId: 'e1',
        step: step('root', null, 'q', 'question'),
      },
    ]);
    const secondRoot = overseerError(() =>
      store.append({
        type: 'step-proposed',
        runId,
        time,
        episodeId: 'e1',
        step: step('r2', null, ''),
      }),
    );
    expect(secondRoot.message).toContain('already has a root step');
    const duplicateStep = overseerError(() =>
      store.append({
        type: 'step-proposed',
        runId,
        time,
        episodeId: 'e1',
        step: step('root', null, ''),
      }),
    );
    expect(duplicateStep.message).toContain('already in episode');
    const unknownStep = overseerError(() =>
      store.append({ type: 'step-judged', runId, time, episodeId: 'e1', stepId: 'zz', judgment }),
    );
    expect(unknownStep.message).toContain('stepId "zz"');
    store.append({
      type: 'episode-failed',
      runId,
      time,
      episodeId: 'e1',
      error: { name: 'Error', message: 'policy timed out' },
    });
    expect(
      codeOf({ type: 'step-proposed', runId, time, episodeId: 'e1', step: step('x', 'root', '') }),
    ).toBe('store.inconsistent-event');
    store.finishRun(runId, { accuracy: 0.5 });
    expect(codeOf({ type: 'iteration-started', runId, time, iteration: 1 })).toBe(
      'store.run-closed',
    );
    store.close();
  });

  it('incremental episodes are visible while running and finish in place', () => {
    const directory = temporaryDirectory();
    const store = RunStore.open(directory);
    const reader = RunStore.open(directory, { readOnly: true });
    const runId = store.createRun({});
    store.append(started(runId, 'e1'));
    store.append({
      type: 'step-proposed',
      runId,
      time,
      episodeId: 'e1',
      step: step('root', null, '', 'question'),
    });
    expect(reader.episodes(runId)).toMatchObject([{ id: 'e1', status: 'running', stepCount: 1 }]);
    expect(reader.episodes(runId, { status: 'finished' })).toEqual([]);
    store.append([
      { type: 'step-proposed', runId, time, episodeId: 'e1', step: step('t', 'root', '3+6=9') },
      { type: 'step-judged', runId, time, episodeId: 'e1', stepId: 't', judgment },
      {
        type: 'episode-finished',
        runId,
        time,
        episodeId: 'e1',
        answer: '579',
        outcome: {
          kind: 'grade',
          answer: '579',
          expected: '579',
          correct: true,
          reward: 1,
          info: {},
        },
      },
    ]);
    const record = reader.episode('e1', runId)!;
    expect(record.episode.status).toBe('finished');
    expect(record.episode.steps.map((s) => s.id)).toEqual(['root', 't']);
    expect(record.judgments).toMatchObject([{ stepId: 't', judgment }]);
    // A late judgment (e.g. a human's) may still arrive after the episode finished.
    store.append({ type: 'step-judged', runId, time, episodeId: 'e1', stepId: 'root', judgment });
    expect(reader.episode('e1', runId)?.judgments).toHaveLength(2);
    reader.close();
    store.close();
  });

  it('records failed episodes, refuses duplicates and retries failures as a new attempt', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({});
    const finished = fixtureEpisode(runId, 'done');
    store.recordEpisode(finished);
    const duplicate = overseerError(() => store.recordEpisode(finished));
    expect(duplicate.code).toBe('store.duplicate-episode');
    expect(duplicate.hint).toContain('completedEpisodeKeys');

    const failing = fixtureEpisode(runId, 'flaky');
    const error = { name: 'OverseerError', code: 'policy.timeout', message: 'timed out' };
    store.recordEpisode({
      ...failing,
      episode: { ...failing.episode, status: 'failed', answer: null, error },
      outcome: undefined,
    });
    expect(store.episode('flaky')?.episode).toMatchObject({ status: 'failed', error });
    expect(store.episode('flaky')?.outcome).toBeNull();
    expect(store.completedEpisodeKeys(runId)).toEqual(new Set(['done', 'flaky']));
    expect(store.completedEpisodeKeys(runId, { includeFailed: false })).toEqual(new Set(['done']));

    store.recordEpisode(failing);
    const retried = store.episode('flaky')!;
    expect(retried.attempt).toBe(2);
    expect(retried.episode).toEqual(failing.episode);
    expect(retried.judgments).toHaveLength(failing.judgments!.length);
    const starts = store.events(runId).filter(({ event }) => event.type === 'episode-started');
    expect(starts).toHaveLength(3);
    store.close();
  });

  it('refuses episodes that are not finished, lack an outcome or are not trees', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({});
    const recorded = fixtureEpisode(runId, 'e');
    const running = overseerError(() =>
      store.recordEpisode({ ...recorded, episode: { ...recorded.episode, status: 'running' } }),
    );
    expect(running.message).toContain('still running');
    expect(
      overseerError(() => store.recordEpisode({ ...recorded, outcome: undefined })).message,
    ).toContain('no outcome');
    const orphan = { ...recorded.episode.steps[1], id: 'orphan', parentId: 'nowhere' };
    const notTree = overseerError(() =>
      store.recordEpisode({
        ...recorded,
        episode: { ...recorded.episode, steps: [...recorded.episode.steps, orphan] },
      }),
    );
    expect(notTree.code).toBe('store.invalid-episode');
    expect(notTree.message).toMatch(/episode\.steps\[\d+\]\.parentId/);
    const badJudgment = overseerError(() =>
      store.recordEpisode({ ...recorded, judgments: [{ stepId: 'nope', judgment }] }),
    );
    expect(badJudgment.message).toContain('stepId "nope"');
    expect(store.episodes(runId)).toEqual([]);
    store.close();
  });

  it('filters episodes and pages through them', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({});
    const keys = Array.from({ length: 12 }, (_, index) => `e${String(index).padStart(2, '0')}`);
    for (const [index, key] of keys.entries()) {
      store.recordEpisode({ ...fixtureEpisode(runId, key), iteration: index % 3 });
    }
    const all = store.episodes(runId);
    expect(all.map((episode) => episode.id)).toEqual(keys);
    const correct = all.filter(
      (episode) => episode.outcome?.kind === 'grade' && episode.outcome.correct,
    );
    expect(correct.length).toBeGreaterThan(0);
    expect(correct.length).toBeLessThan(12);
    expect(store.episodes(runId, { correct: true }).map((e) => e.id)).toEqual(
      correct.map((e) => e.id),
    );
    expect(store.episodes(runId, { correct: false })).toHaveLength(12 - correct.length);
    expect(store.episodes(runId, { iteration: 1 }).map((e) => e.id)).toEqual([
      'e01',
      'e04',
      'e07',
      'e10',
    ]);
    expect(store.episodes(runId, { limit: 5, offset: 10 }).map((e) => e.id)).toEqual([
      'e10',
      'e11',
    ]);
    expect(store.episodes(runId, { family: 'fixture', split: 'train' })).toHaveLength(12);
    expect(store.episodes(runId, { split: 'test' })).toEqual([]);
    expect(store.episodes(runId, { status: ['failed', 'running'] })).toEqual([]);
    expect(
      [...store.episodeRecords(runId, { iteration: 2, limit: 2 })].map((r) => r.episode.id),
    ).toEqual(['e02', 'e05']);
    store.close();
  });

  it('logs metrics, checkpoints and run status, and replays events', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({ seed: 3 });
    store.append([
      { type: 'iteration-started', runId, time, iteration: 0 },
      { type: 'metric', runId, time, name: 'loss', value: 2.5, step: 1 },
      {
        type: 'metric',
        runId,
        time,
        name: 'accuracy',
        value: 0.25,
        step: 1,
        split: 'test',
        tags: { family: 'addition' },
      },
      { type: 'metric', runId, time, name: 'loss', value: 1.5, step: 2, iteration: 0 },
      { type: 'checkpoint-saved', runId, time, path: 'checkpoints/2', step: 2, iteration: 0 },
      { type: 'iteration-finished', runId, time, iteration: 0 },
    ]);
    expect(
      store.metrics(runId, { name: 'loss' }).map((m) => [m.step, m.value, m.iteration]),
    ).toEqual([
      [1, 2.5, null],
      [2, 1.5, 0],
    ]);
    expect(store.metrics(runId)[1]).toMatchObject({ split: 'test', tags: { family: 'addition' } });
    expect(store.checkpoints(runId)).toEqual([
      { seq: 6, path: 'checkpoints/2', step: 2, iteration: 0, time },
    ]);
    expect(store.events(runId, 4).map(({ seq, event }) => [seq, event.type])).toEqual([
      [5, 'metric'],
      [6, 'checkpoint-saved'],
      [7, 'iteration-finished'],
    ]);
    expect(store.events(runId, 0, 2).map(({ seq }) => seq)).toEqual([1, 2]);

    store.failRun(
      runId,
      new OverseerError('train.diverged', 'loss is NaN', { hint: 'lower --lr' }),
    );
    expect(store.getRun(runId)).toMatchObject({
      status: 'failed',
      error: {
        name: 'OverseerError',
        code: 'train.diverged',
        message: 'loss is NaN',
        hint: 'lower --lr',
      },
    });
    // Resuming reopens it (same configuration), and it can then finish.
    expect(store.resumeRun(runId)).toMatchObject({ status: 'running' });
    expect(store.getRun(runId)?.error).toBeUndefined();
    store.finishRun(runId, { accuracy: 0.9 });
    expect(store.getRun(runId)).toMatchObject({ status: 'finished', summary: { accuracy: 0.9 } });
    const otherConfig = overseerError(() =>
      store.append({
        type: 'run-started',
        runId,
        time,
        specVersion: SPEC_VERSION,
        config: { seed: 4 },
      }),
    );
    expect(otherConfig.message).toContain('different configuration');
    // The same configuration with keys in another order is the same configuration.
    store.append({
      type: 'run-started',
      runId,
      time,
      specVersion: SPEC_VERSION,
      config: { seed: 3 },
    });
    expect(store.getRun(runId)?.status).toBe('running');
    store.close();
  });

  it('rebuilds the same tables by replaying the event log into another store', () => {
    const store = RunStore.open(temporaryDirectory());
    const runId = store.createRun({ seed: 1 });
    store.recordEpisode(fixtureEpisode(runId, 'a'));
    const failing = fixtureEpisode(runId, 'b');
    store.recordEpisode({
      ...failing,
      episode: {
        ...failing.episode,
        status: 'failed',
        answer: null,
        error: { name: 'E', message: 'x' },
      },
      outcome: undefined,
    });
    store.recordEpisode({ ...failing, iteration: 1 });
    store.append({ type: 'metric', runId, time, name: 'loss', value: 1, step: 1 });
    store.failRun(runId, new Error('stopped'));
    store.resumeRun(runId, time);
    store.finishRun(runId, { done: true }, time);

    const replica = RunStore.open(temporaryDirectory());
    replica.append(store.events(runId).map(({ event }) => event));
    expect(replica.getRun(runId)).toEqual(store.getRun(runId));
    expect([...replica.episodeRecords(runId)]).toEqual([...store.episodeRecords(runId)]);
    expect(replica.metrics(runId)).toEqual(store.metrics(runId));
    expect(replica.events(runId)).toEqual(store.events(runId));
    replica.close();
    store.close();
  });

  it('asks for the run when an episode id is used by several runs', () => {
    const store = RunStore.open(temporaryDirectory());
    const first = store.createRun({});
    const second = store.createRun({});
    store.recordEpisode(fixtureEpisode(first, 'same'));
    store.recordEpisode(fixtureEpisode(second, 'same'));
    expect(overseerError(() => store.episode('same')).code).toBe('store.ambiguous-episode');
    expect(store.episode('same', second)?.runId).toBe(second);
    expect(store.episode('missing')).toBeUndefined();
    store.close();
  });

  it('opens read-only for viewers, and never writes through such a store', () => {
    const directory = temporaryDirectory();
    expect(overseerError(() => RunStore.open(directory, { readOnly: true })).code).toBe(
      'store.missing',
    );
    const writer = RunStore.open(directory);
    const runId = writer.createRun({});
    const reader = RunStore.open(directory, { readOnly: true });
    expect(reader.readOnly).toBe(true);
    expect(overseerError(() => reader.createRun({})).code).toBe('store.read-only');
    expect(overseerError(() => reader.finishRun(runId)).code).toBe('store.read-only');
    writer.recordEpisode(fixtureEpisode(runId, 'e1'));
    expect(reader.completedEpisodeKeys(runId)).toEqual(new Set(['e1']));
    writer.close();
    expect(reader.getRun(runId)?.episodes.finished).toBe(1);
    reader.close();
  });

  it('names missing, corrupt, foreign and newer stores clearly', () => {
    const file = join(temporaryDirectory(), 'plain-file');
    writeFileSync(file, 'hello');
    expect(overseerError(() => RunStore.open(file)).code).toBe('store.not-a-directory');

    const corrupt = temporaryDirectory();
    writeFileSync(
      join(corrupt, STORE_FILE_NAME),
      'this is not SQLite at all, just text '.repeat(200),
    );
    for (const readOnly of [false, true]) {
      const error = overseerError(() => RunStore.open(corrupt, { readOnly }));
      expect(error.code).toBe('store.corrupt');
      expect(error.message).toContain(STORE_FILE_NAME);
    }

    const foreign = temporaryDirectory();
    const other = new Database(join(foreign, STORE_FILE_NAME));
    other.exec('CREATE TABLE customers (name TEXT)');
    other.close();
    const foreignError = overseerError(() => RunStore.open(foreign));
    expect(foreignError.code).toBe('store.foreign');
    expect(foreignError.message).toContain('not an Overseer run store');

    const newer = temporaryDirectory();
    RunStore.open(newer).close();
    const raw = new Database(join(newer, STORE_FILE_NAME));
    raw.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
    raw.close();
    for (const readOnly of [false, true]) {
      const error = overseerError(() => RunStore.open(newer, { readOnly }));
      expect(error.code).toBe('store.newer-version');
      expect(error.message).toContain('newer Overseer');
      expect(error.hint).toContain('upgrade');
    }
  });

  it('records the loop phase and unit of an episode, and migrates a version-1 store by id', () => {
    const directory = temporaryDirectory();
    const store = RunStore.open(directory);
    const runId = store.createRun({});
    const unit = { experiment: 'ida', arm: 'imitation', seed: 1 };
    const recorded = fixtureEpisode(runId, 'ida/imitation/s1/eval@0/0');
    store.recordEpisode({ ...recorded, phase: 'evaluation', unit });
    const other = fixtureEpisode(runId, 'ida/imitation/s1/round0/amplify/3');
    store.recordEpisode(other);
    expect(store.episodes(runId).map((episode) => [episode.phase, episode.unit])).toEqual([
      ['evaluation', unit],
      [null, null],
    ]);
    expect(store.episodes(runId, { phase: 'evaluation' }).map((episode) => episode.id)).toEqual([
      recorded.episode.id,
    ]);
    // The full record carries them too (the viewer's episode page reads the arm's λ by unit).
    const full = store.episode(recorded.episode.id, runId);
    expect([full?.phase, full?.unit]).toEqual(['evaluation', unit]);
    const outside = store.episode(other.episode.id, runId);
    expect(outside !== undefined && 'unit' in outside).toBe(false);
    store.close();

    // The same store as version 1 wrote it: no phase or unit columns.
    const raw = new Database(join(directory, STORE_FILE_NAME));
    raw.exec(`DROP INDEX episodes_by_phase;
      ALTER TABLE episodes DROP COLUMN phase;
      ALTER TABLE episodes DROP COLUMN unit;`);
    raw.pragma('user_version = 1');
    raw.close();
    const migrated = RunStore.open(directory);
    expect(migrated.episodes(runId).map((episode) => [episode.phase, episode.unit])).toEqual([
      ['evaluation', null],
      ['amplify', null],
    ]);
    migrated.close();
  });

  it('reopens an existing store without migrating it again, and defaults to .overseer/', () => {
    const directory = temporaryDirectory();
    const store = RunStore.open(directory, { durability: 'full' });
    const runId = store.createRun({ a: 1 });
    store.close();
    const again = RunStore.open(directory);
    expect(again.getRun(runId)?.config).toEqual({ a: 1 });
    again.close();
    expect(defaultStoreDirectory('/somewhere')).toBe('/somewhere/.overseer');
  });
});
