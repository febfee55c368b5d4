/**
 * The run store contract: the assertions every `AsyncRunStore` backend passes, run against
 * SQLite (async-run-store.test.ts) and Postgres (postgres-run-store.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import type { RunEvent } from '../spec/index.ts';
import type { AsyncRunStore } from './async-run-store.ts';
import { fixtureEpisode, fixtureKey } from './episode-fixtures.ts';
import type { RecordedEpisode } from './records.ts';

/** How the contract reaches a backend: each call a new connection to the same store. */
export interface ContractBackend {
  open(): Promise<AsyncRunStore>;
}

const time = '2025-01-31T12:00:00.000Z';

/** A run id no other test of the file uses (the store may be shared by the whole file). */
function freshRunId(label: string): string {
  return `run-${label}-${randomBytes(4).toString('hex')}`;
}

/** The OverseerError code `action` rejects with. */
async function errorCode(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (isOverseerError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an OverseerError');
}

function metric(runId: string, name: string, value: number, tags?: Record<string, string>) {
  return {
    type: 'metric',
    runId,
    time,
    name,
    value,
    step: 0,
    ...(tags === undefined ? {} : { tags }),
  } satisfies RunEvent;
}

/** Opens a store for the test, closes it after. */
async function withStore(
  backend: ContractBackend,
  test: (store: AsyncRunStore) => Promise<void>,
): Promise<void> {
  const store = await backend.open();
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

/** Declares the contract's tests for `backend` (call inside a describe, or at the top level). */
export function runStoreContract(backend: ContractBackend): void {
  describe('run store contract', () => {
    it('creates, lists, finishes, resumes and fails runs', () =>
      withStore(backend, async (store) => {
        const older = await store.createRun(
          { task: 'addition' },
          { id: freshRunId('older'), time: '2025-01-30T00:00:00.000Z' },
        );
        const newer = await store.createRun(
          { task: 'parity', n: 2 },
          { id: freshRunId('newer'), time: '2025-01-31T00:00:00.000Z' },
        );
        expect(await errorCode(() => store.createRun({}, { id: older }))).toBe('store.run-exists');
        const listed = (await store.listRuns()).map((run) => run.id);
        expect(listed.filter((id) => id === older || id === newer)).toEqual([newer, older]);
        expect(await store.getRun(newer)).toMatchObject({
          id: newer,
          status: 'running',
          config: { task: 'parity', n: 2 },
          episodes: { running: 0, finished: 0, failed: 0 },
          eventCount: 1,
        });
        await store.finishRun(newer, { accuracy: 0.5 }, time);
        expect(await store.getRun(newer)).toMatchObject({
          status: 'finished',
          summary: { accuracy: 0.5 },
          finishedAt: time,
        });
        expect(await errorCode(() => store.append(metric(newer, 'late', 1)))).toBe(
          'store.run-closed',
        );
        expect((await store.resumeRun(newer)).status).toBe('running');
        await store.failRun(newer, new Error('out of memory'));
        const failed = await store.getRun(newer);
        expect(failed?.status).toBe('failed');
        expect(failed?.error?.message).toBe('out of memory');
        expect(failed?.eventCount).toBe(4);
        expect(await store.getRun('no-such-run')).toBeUndefined();
      }));

    it('records an episode whole and reads it back the same', () =>
      withStore(backend, async (store) => {
        const runId = await store.createRun({}, { id: freshRunId('episode') });
        const unit = { experiment: 'main', arm: 'process', seed: 1 };
        const recorded: RecordedEpisode = {
          ...fixtureEpisode(runId, fixtureKey(0)),
          phase: 'evaluation',
          unit,
        };
        const seqs = await store.recordEpisode(recorded);
        const steps = recorded.episode.steps.length;
        expect(seqs).toEqual(Array.from({ length: steps * 2 + 1 }, (_, index) => index + 2));
        const record = await store.episode(recorded.episode.id, runId);
        expect(record?.episode).toEqual(recorded.episode);
        expect(record?.outcome).toEqual(recorded.outcome);
        expect(record?.judgments.map(({ stepId, judgment }) => ({ stepId, judgment }))).toEqual(
          recorded.judgments?.map(({ stepId, judgment }) => ({ stepId, judgment })),
        );
        expect(record).toMatchObject({
          runId,
          attempt: 1,
          iteration: 0,
          phase: 'evaluation',
          unit,
        });
        expect(await store.episode(recorded.episode.id)).toEqual(record);
        const [summary] = await store.episodes(runId);
        expect(summary).toMatchObject({
          id: recorded.episode.id,
          status: 'finished',
          stepCount: steps,
          judgmentCount: steps - 1,
          unit,
        });
        expect(await store.units(runId)).toEqual([unit]);
        expect(await store.completedEpisodeKeys(runId)).toEqual(new Set([recorded.episode.id]));
        expect((await store.getRun(runId))?.episodes).toEqual({
          running: 0,
          finished: 1,
          failed: 0,
        });
      }));

    it('records an episode key once, however often it is recorded', () =>
      withStore(backend, async (store) => {
        const runId = await store.createRun({}, { id: freshRunId('once') });
        const recorded = fixtureEpisode(runId, fixtureKey(1));
        const first = await store.recordEpisode(recorded);
        expect(first.length).toBeGreaterThan(0);
        expect(await store.recordEpisode(recorded)).toEqual([]);
        expect((await store.getRun(runId))?.eventCount).toBe(1 + first.length);
        expect((await store.episode(recorded.episode.id, runId))?.attempt).toBe(1);
      }));

    it('restarts a failed episode as its next attempt', () =>
      withStore(backend, async (store) => {
        const runId = await store.createRun({}, { id: freshRunId('retry') });
        const finished = fixtureEpisode(runId, fixtureKey(2));
        const failed: RecordedEpisode = {
          runId,
          episode: {
            ...finished.episode,
            status: 'failed',
            steps: finished.episode.steps.slice(0, 1),
            answer: null,
            error: { name: 'Error', message: 'timed out' },
          },
        };
        await store.recordEpisode(failed);
        expect(await store.completedEpisodeKeys(runId, { includeFailed: false })).toEqual(
          new Set(),
        );
        expect((await store.episodes(runId, { status: 'failed' })).map((e) => e.id)).toEqual([
          finished.episode.id,
        ]);
        await store.recordEpisode(finished);
        const record = await store.episode(finished.episode.id, runId);
        expect(record?.attempt).toBe(2);
        expect(record?.episode.steps).toEqual(finished.episode.steps);
        expect(record?.episode.error).toBeUndefined();
      }));

    it('rejects an invalid or inconsistent batch whole', () =>
      withStore(backend, async (store) => {
        const runId = await store.createRun({}, { id: freshRunId('batch') });
        expect(
          await errorCode(() =>
            store.append([metric(runId, 'ok', 1), { type: 'nonsense' } as unknown as RunEvent]),
          ),
        ).toBe('store.invalid-event');
        expect(
          await errorCode(() =>
            store.append([
              metric(runId, 'ok', 1),
              {
                type: 'episode-finished',
                runId,
                time,
                episodeId: 'never',
                answer: 'x',
                outcome: {
                  kind: 'grade',
                  answer: 'x',
                  expected: 'x',
                  correct: true,
                  reward: 1,
                  info: {},
                },
              },
            ]),
          ),
        ).toBe('store.inconsistent-event');
        expect(await errorCode(() => store.append(metric('no-such-run', 'x', 1)))).toBe(
          'store.unknown-run',
        );
        expect((await store.events(runId)).map((stored) => stored.event.type)).toEqual([
          'run-started',
        ]);
        expect(await store.metrics(runId)).toEqual([]);
      }));

    it('keeps metrics, the latest of each, checkpoints and the event log in order', () =>
      withStore(backend, async (store) => {
        const runId = await store.createRun({}, { id: freshRunId('metrics') });
        await store.append([
          metric(runId, 'accuracy', 0.1, { arm: 'a' }),
          metric(runId, 'accuracy', 0.2, { arm: 'b' }),
          metric(runId, 'loss', 3),
          metric(runId, 'accuracy', 0.3, { arm: 'a' }),
          { type: 'checkpoint-saved', runId, time, path: 'ckpt/1', step: 10, iteration: 1 },
        ]);
        expect((await store.metrics(runId, { name: 'accuracy' })).map((m) => m.value)).toEqual([
          0.1, 0.2, 0.3,
        ]);
        expect(
          (await store.latestMetrics(runId)).map((m) => [m.name, m.value, m.tags, m.seq]),
        ).toEqual([
          ['accuracy', 0.2, { arm: 'b' }, 3],
          ['loss', 3, {}, 4],
          ['accuracy', 0.3, { arm: 'a' }, 5],
        ]);
        expect(await store.checkpoints(runId)).toEqual([
          { seq: 6, path: 'ckpt/1', step: 10, iteration: 1, time },
        ]);
        const all = await store.events(runId);
        expect(all.map((stored) => stored.seq)).toEqual([1, 2, 3, 4, 5, 6]);
        expect((await store.events(runId, 4)).map((stored) => stored.seq)).toEqual([5, 6]);
        expect((await store.events(runId, 1, 2)).map((stored) => stored.event)).toEqual(
          all.slice(1, 3).map((stored) => stored.event),
        );
      }));

    it('filters and pages episodes', () =>
      withStore(backend, async (store) => {
        const runId = await store.createRun({}, { id: freshRunId('filters') });
        for (let index = 0; index < 6; index += 1) {
          await store.recordEpisode({
            ...fixtureEpisode(runId, fixtureKey(index)),
            phase: index % 2 === 0 ? 'amplify' : 'evaluation',
            unit: { experiment: 'main', arm: index < 3 ? 'process' : 'outcome', seed: 0 },
          });
        }
        const ids = async (filters: Parameters<AsyncRunStore['episodes']>[1]) =>
          (await store.episodes(runId, filters)).map((episode) => episode.id);
        expect(await ids({ phase: 'amplify' })).toEqual([0, 2, 4].map(fixtureKey));
        expect(await ids({ arm: 'outcome' })).toEqual([3, 4, 5].map(fixtureKey));
        expect(await ids({ experiment: 'main', limit: 2, offset: 1 })).toEqual(
          [1, 2].map(fixtureKey),
        );
        const correct = await store.episodes(runId, { correct: true });
        expect(
          correct.every((episode) => episode.outcome?.kind === 'grade' && episode.outcome.correct),
        ).toBe(true);
        expect(correct.length + (await store.episodes(runId, { correct: false })).length).toBe(6);
      }));

    it('numbers concurrent appends from two connections 1, 2, … and a tailing reader sees every seq in order', async () => {
      const first = await backend.open();
      const second = await backend.open();
      const reader = await backend.open();
      let writing = true;
      let tailing: Promise<void> = Promise.resolve();
      try {
        const runId = await first.createRun({}, { id: freshRunId('concurrent') });
        const perWriter = 30;
        const writer = async (store: AsyncRunStore, name: string) => {
          const seqs: number[] = [];
          for (let index = 0; index < perWriter; index += 2) {
            seqs.push(
              ...(await store.append([metric(runId, name, index), metric(runId, name, index + 1)])),
            );
          }
          return seqs;
        };
        const seen: number[] = [];
        const tail = async () => {
          let last = 0;
          for (;;) {
            const done = !writing;
            for (const stored of await reader.events(runId, last)) {
              seen.push(stored.seq);
              last = stored.seq;
            }
            if (done) return;
            await new Promise((resolve) => setImmediate(resolve));
          }
        };
        tailing = tail();
        const written = await Promise.all([writer(first, 'first'), writer(second, 'second')]);
        writing = false;
        await tailing;
        const total = 1 + 2 * perWriter;
        const expected = Array.from({ length: total }, (_, index) => index + 1);
        expect([...written.flat(), 1].sort((a, b) => a - b)).toEqual(expected);
        expect(seen).toEqual(expected);
        expect((await reader.getRun(runId))?.eventCount).toBe(total);
        // Each writer's own events keep its order.
        const values = (name: string) =>
          reader.metrics(runId, { name }).then((rows) => rows.map((row) => row.value));
        const ordered = Array.from({ length: perWriter }, (_, index) => index);
        expect(await values('first')).toEqual(ordered);
        expect(await values('second')).toEqual(ordered);
      } finally {
        // A failed writer must not leave the reader polling a closed store.
        writing = false;
        await tailing.catch(() => undefined);
        await Promise.all([first.close(), second.close(), reader.close()]);
      }
    });

    it('records an episode once when two connections record it at the same time', async () => {
      const first = await backend.open();
      const second = await backend.open();
      try {
        const runId = await first.createRun({}, { id: freshRunId('race') });
        const recorded = fixtureEpisode(runId, fixtureKey(7));
        const results = await Promise.all([
          first.recordEpisode(recorded),
          second.recordEpisode(recorded),
        ]);
        expect(results.filter((seqs) => seqs.length === 0)).toHaveLength(1);
        const events = await first.events(runId);
        expect(events.filter((stored) => stored.event.type === 'episode-started')).toHaveLength(1);
        expect((await first.episode(recorded.episode.id, runId))?.attempt).toBe(1);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
  });
}
