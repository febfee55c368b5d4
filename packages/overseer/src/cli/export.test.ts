import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { runCli } from './run-cli-fixture.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEpisode, fixtureKey } from '../store/episode-fixtures.ts';
import { RunStore } from '../store/index.ts';

let directory: string;
let runId: string;
let failedRunId: string;
let correctCount: number;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'overseer-cli-export-'));
  const store = RunStore.open(directory);
  runId = store.createRun({ experiment: 'cli' }, { time: '2025-01-31T12:00:00.000Z' });
  for (let index = 0; index < 6; index += 1) {
    store.recordEpisode(fixtureEpisode(runId, fixtureKey(index), { maxThoughts: 3 }));
  }
  correctCount = store.episodes(runId, { correct: true }).length;
  failedRunId = store.createRun({ experiment: 'broken' }, { time: '2025-02-01T12:00:00.000Z' });
  store.failRun(failedRunId, new Error('out of memory\nat step 3'));
  store.close();
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Runs the CLI, capturing what it writes. */
const run = runCli;

describe('overseer runs', () => {
  it('lists the runs newest first, as a table or as JSON', async () => {
    const table = await run(['runs', '--store', directory]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^RUN\s+STATUS\s+STARTED/);
    expect(lines[1]).toContain(failedRunId);
    expect(lines[1]).toContain('out of memory\\nat step 3');
    expect(lines[2]).toMatch(
      new RegExp(`^${runId}\\s+running\\s+2025-01-31T12:00:00.000Z\\s+6/0/0`),
    );

    const json = await run(['runs', '--store', directory, '--json']);
    const runs = JSON.parse(json.stdout) as Array<{ id: string; status: string }>;
    expect(runs.map(({ id, status }) => [id, status])).toEqual([
      [failedRunId, 'failed'],
      [runId, 'running'],
    ]);
  });

  it('says when there is no store', async () => {
    const missing = await run(['runs', '--store', join(directory, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run store at');
    expect(missing.stderr).toContain('hint:');
  });
});

describe('overseer export', () => {
  it('writes a JSONL file whole, and reports the count', async () => {
    const out = join(directory, 'sft.jsonl');
    const result = await run([
      'export',
      '--store',
      directory,
      '--run',
      runId,
      '--format',
      'trl-sft',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`wrote 6 trl-sft lines to ${out}\n`);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('messages');
    expect(readdirSync(directory).filter((name) => name.includes('.partial-'))).toEqual([]);
  });

  it('writes to standard output and passes the filters on', async () => {
    const all = await run(['export', '--store', directory, '--run', runId, '--format', 'prm800k']);
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(6);
    const correct = await run([
      'export',
      '--store',
      directory,
      '--run',
      runId,
      '--format',
      'openai-sft',
      '--only-correct',
      '--answer-only',
      '--system',
      'Be brief.',
    ]);
    const rows = correct.stdout
      .trimEnd()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string }> });
    expect(rows).toHaveLength(correctCount);
    for (const row of rows) {
      expect(row.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
      expect(row.messages[2].content).toBe('final');
    }
    const none = await run([
      'export',
      '--store',
      directory,
      '--run',
      runId,
      '--format',
      'trl-sft',
      '--iteration',
      '7',
    ]);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('wrote 0 trl-sft lines\n');
  });

  it('fails clearly on an unknown format, run or store, or a bad flag', async () => {
    const out = join(directory, 'never.jsonl');
    const format = await run([
      'export',
      '--store',
      directory,
      '--run',
      runId,
      '--format',
      'csv',
      '--out',
      out,
    ]);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('unknown export format "csv"');
    expect(format.stderr).toContain(
      'valid formats: trl-sft, trl-dpo, trl-prm, openai-sft, prm800k',
    );
    expect(existsSync(out)).toBe(false);
    const unknownRun = await run([
      'export',
      '--store',
      directory,
      '--run',
      'nope',
      '--format',
      'trl-sft',
    ]);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toContain('no run "nope"');
    const store = await run([
      'export',
      '--store',
      join(directory, 'x'),
      '--run',
      runId,
      '--format',
      'trl-sft',
    ]);
    expect(store.stderr).toContain('no run store at');
    const pairs = await run([
      'export',
      '--store',
      directory,
      '--run',
      runId,
      '--format',
      'trl-dpo',
      '--max-pairs',
      '0',
    ]);
    expect(pairs.code).not.toBe(0);
    expect(pairs.stderr).toContain('--max-pairs');
  });

  it('exports only the experiment and arm asked for, and names the ones a run has', async () => {
    const unitStore = join(directory, 'units');
    const store = RunStore.open(unitStore);
    const unitRun = store.createRun({ experiment: 'units' });
    const units = [
      { experiment: 'ida', arm: 'supervised', seed: 1 },
      { experiment: 'ida', arm: 'ida-imitation', seed: 1 },
      { experiment: 'tampering', arm: 'supervised', seed: 1 },
    ];
    units.forEach((unit, index) => {
      for (let copy = 0; copy <= index; copy += 1) {
        const key = `${unit.experiment}/${unit.arm}/${copy}`;
        store.recordEpisode({ ...fixtureEpisode(unitRun, key), phase: 'evaluation', unit });
      }
    });
    store.close();
    const prm800k = (store: string, id: string, ...filters: string[]) =>
      run(['export', '--store', store, '--run', id, '--format', 'prm800k', ...filters]);
    const lines = async (...filters: string[]) => {
      const result = await prm800k(unitStore, unitRun, ...filters);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout
        .trimEnd()
        .split('\n')
        .filter((line) => line !== '').length;
    };
    expect(await lines()).toBe(6);
    expect(await lines('--experiment', 'ida')).toBe(3);
    expect(await lines('--experiment', 'tampering')).toBe(3);
    expect(await lines('--arm', 'supervised')).toBe(4);
    expect(await lines('--experiment', 'ida', '--arm', 'supervised')).toBe(1);

    const typo = await prm800k(unitStore, unitRun, '--experiment', 'idea');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('has no experiment "idea"; it has ida, tampering');
    const wrongArm = await prm800k(
      unitStore,
      unitRun,
      '--experiment',
      'tampering',
      '--arm',
      'ida-imitation',
    );
    expect(wrongArm.stderr).toContain(
      'has no arm "ida-imitation" in experiment "tampering"; it has supervised',
    );
    const unitless = await prm800k(directory, runId, '--arm', 'a');
    expect(unitless.stderr).toContain('records no experiment or arm with its episodes');
  });

  it('says in --help that html is a format too', async () => {
    const { stdout } = await run(['export', '--help']);
    expect(stdout).toMatch(/self-contained HTML page/);
    expect(stdout).toMatch(/--format <name>\s+one of: [\w\s,-]*\bhtml\b/);
  });
});
