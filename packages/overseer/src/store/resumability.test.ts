import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureEpisode, fixtureKey, seededRandom } from './episode-fixtures.ts';
import type { EpisodeRecord } from './records.ts';
import { RunStore } from './run-store.ts';

const EPISODES = 80;
const KILLS = 5;
const writer = fileURLToPath(new URL('./resumable-writer-fixture.ts', import.meta.url));
// The same loader bin/overseer.js registers, passed to a plain `node` so the child is a real,
// separately killable process.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const directories: string[] = [];

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  recorded: string[];
  stderr: string;
}

/**
 * Runs the writer; when `killAfter` is given, SIGKILLs it `delayMs` after it reported that many
 * committed episodes (so the kill lands at an arbitrary point, often inside a transaction).
 */
function runWriter(
  directory: string,
  runId: string,
  kill?: { after: number; delayMs: number },
): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, writer, directory, runId, `${EPISODES}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const recorded: string[] = [];
    let stderr = '';
    let buffer = '';
    let killScheduled = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('recorded ')) recorded.push(line.slice('recorded '.length));
      }
      if (kill && !killScheduled && recorded.length >= kill.after) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, recorded, stderr }));
  });
}

/** Every committed episode must equal, field for field, the fixture the writer recorded. */
function expectIntact(record: EpisodeRecord, runId: string): void {
  const expected = fixtureEpisode(runId, record.episode.id, { maxThoughts: 40, lineLength: 400 });
  expect(record.episode).toEqual(expected.episode);
  expect(record.outcome).toEqual(expected.outcome);
  expect(record.iteration).toBe(0);
  expect(record.attempt).toBe(1);
  expect(
    record.judgments.map(({ stepId, judgment, time }) => ({ stepId, judgment, time })),
  ).toEqual(expected.judgments);
}

describe('run store resumability', () => {
  it('keeps every committed episode intact across SIGKILLs and resumes to exactly the full set', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'overseer-store-kill-'));
    directories.push(directory);
    const setup = RunStore.open(directory);
    const runId = setup.createRun({ experiment: 'resumability', episodes: EPISODES });
    setup.close();
    const random = seededRandom(20250131);

    // A concurrent reader polls the store while the writer runs and is killed: it must never
    // see part of an episode, only whole finished ones.
    const reader = RunStore.open(directory, { readOnly: true });
    let readerChecks = 0;
    let readerFailure: unknown;
    const poll = setInterval(() => {
      try {
        const seen = reader.episodes(runId);
        expect(seen.every((episode) => episode.status === 'finished')).toBe(true);
        const last = seen.at(-1);
        if (last) expectIntact(reader.episode(last.id, runId)!, runId);
        readerChecks += 1;
      } catch (error) {
        readerFailure ??= error;
      }
    }, 10);

    let committed = new Set<string>();
    try {
      for (let kill = 0; kill < KILLS; kill += 1) {
        const after = 1 + Math.floor(random() * 12);
        const delayMs = Math.floor(random() * 25);
        const result = await runWriter(directory, runId, { after, delayMs });
        expect(result.stderr).toBe('');
        expect(result.signal).toBe('SIGKILL');

        const store = RunStore.open(directory);
        const done = store.completedEpisodeKeys(runId);
        // Everything the writer reported committed survived the kill …
        for (const key of result.recorded) expect(done.has(key)).toBe(true);
        // … and earlier rounds' episodes are still there.
        for (const key of committed) expect(done.has(key)).toBe(true);
        // No partial episode: every episode row is finished and whole.
        const all = store.episodes(runId);
        expect(
          all.map((episode) => episode.status).filter((status) => status !== 'finished'),
        ).toEqual([]);
        for (const record of store.episodeRecords(runId)) expectIntact(record, runId);
        expect(store.requireRun(runId).status).toBe('running');
        committed = done;
        store.close();
      }
      expect(committed.size).toBeGreaterThan(KILLS);
      expect(committed.size).toBeLessThan(EPISODES);

      const final = await runWriter(directory, runId);
      expect(final.stderr).toBe('');
      expect(final.code).toBe(0);
      // The resumed writer skipped exactly what was done.
      expect(final.recorded.filter((key) => committed.has(key))).toEqual([]);
      expect(final.recorded.length + committed.size).toBe(EPISODES);
    } finally {
      clearInterval(poll);
    }

    expect(readerFailure).toBeUndefined();
    expect(readerChecks).toBeGreaterThan(0);
    reader.close();

    const store = RunStore.open(directory, { readOnly: true });
    const expectedKeys = Array.from({ length: EPISODES }, (_, index) => fixtureKey(index));
    expect([...store.completedEpisodeKeys(runId)].sort()).toEqual(expectedKeys);
    const records = [...store.episodeRecords(runId)];
    expect(records.map((record) => record.episode.id).sort()).toEqual(expectedKeys);
    for (const record of records) expectIntact(record, runId);
    // No duplicates in the log either: each episode started exactly once.
    const started = store
      .events(runId)
      .filter(({ event }) => event.type === 'episode-started')
      .map(({ event }) => (event as { episodeId: string }).episodeId);
    expect(started.length).toBe(EPISODES);
    expect(new Set(started).size).toBe(EPISODES);
    const run = store.requireRun(runId);
    expect(run.status).toBe('finished');
    expect(run.episodes).toEqual({ running: 0, finished: EPISODES, failed: 0 });
    expect(run.summary).toEqual({ episodes: EPISODES });
    store.close();
  });
});
