import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../store/index.ts';
import { inspectValidator, recordSmallRun, schemaInspectVersion } from './inspect-fixtures.ts';
import { inspectCheckedVersion, inspectLogs, writeInspectLogs } from './inspect-log.ts';
import { readZip } from './zip.ts';

let directory: string;
let store: RunStore;
let runId: string;
const validate = inspectValidator();

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'overseer-inspect-export-'));
  store = RunStore.open(join(directory, 'store'));
  runId = recordSmallRun(store);
});
afterAll(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The entries of the one log written for the small run, parsed. */
function writtenLog(): { name: string; files: Map<string, unknown> } {
  const out = join(directory, 'logs');
  writeInspectLogs(store, runId, out);
  const names = readdirSync(out).filter((name) => name.endsWith('.eval'));
  expect(names).toHaveLength(1);
  const name = names[0] as string;
  const entries = readZip(readFileSync(join(out, name)), name);
  return {
    name,
    files: new Map([...entries].map(([entry, data]) => [entry, JSON.parse(data.toString('utf8'))])),
  };
}

describe('the Inspect export', () => {
  it('is checked against the schema of the Inspect version the docs name', () => {
    expect(inspectCheckedVersion).toBe(schemaInspectVersion);
  });

  it('writes a log whose header and samples are valid EvalLog and EvalSample documents', () => {
    const { files } = writtenLog();
    const header = files.get('header.json');
    expect(validate('EvalLog', header)).toEqual([]);
    const samples = [...files].filter(([name]) => name.startsWith('samples/'));
    expect(samples).toHaveLength(5);
    for (const [, sample] of samples) expect(validate('EvalSample', sample)).toEqual([]);
    for (const summary of files.get('summaries.json') as unknown[]) {
      expect(validate('EvalSampleSummary', summary)).toEqual([]);
    }
    for (const reduction of files.get('reductions.json') as unknown[]) {
      expect(validate('EvalSampleReductions', reduction)).toEqual([]);
    }
    const start = files.get('_journal/start.json') as { version: number };
    expect(start.version).toBe(2);
  });

  it('has a validator that rejects what Inspect would not read', () => {
    const { files } = writtenLog();
    const sample = [...files].find(([name]) => name.startsWith('samples/'))?.[1] as object;
    const { events: _events, ...withoutEvents } = sample as { events: unknown };
    expect(validate('EvalSample', withoutEvents)).not.toEqual([]);
    const wrongEvent = { ...sample, events: [{ event: 'score', intermediate: 'yes' }] };
    expect(validate('EvalSample', wrongEvent)).not.toEqual([]);
  });

  it('names the log as Inspect does and lists it in listing.json', () => {
    const { name } = writtenLog();
    expect(name).toMatch(/^2025-01-31T11-59-00-00-00_fixture_[A-Za-z0-9]{22}\.eval$/);
    const listing = JSON.parse(readFileSync(join(directory, 'logs', 'listing.json'), 'utf8'));
    expect(Object.keys(listing)).toEqual([name]);
    expect(listing[name]).toMatchObject({ version: 2, status: 'success', task: 'fixture' });
    expect(listing[name].primary_metric).toMatchObject({ name: 'accuracy' });
  });

  it('turns the decomposition into nested spans, policy lines into model events and judgments into intermediate scores', () => {
    const [log] = inspectLogs(store, runId);
    const sample = log?.samples.find((candidate) => candidate.id === 'addition/test/2/0') as {
      events: Array<Record<string, unknown>>;
      scores: Record<string, { value: unknown }>;
      model_usage: Record<string, unknown>;
      role_usage: Record<string, unknown>;
    };
    const shape = sample.events.map((event) =>
      event.event === 'span_begin' || event.event === 'span_end'
        ? `${String(event.event)}:${String(event.id)}`
        : event.event === 'score'
          ? `score:${String(event.intermediate)}`
          : String(event.event),
    );
    expect(shape).toEqual([
      'span_begin:node-root',
      'span_begin:node-sub',
      'score:true',
      'model',
      'score:true',
      'info',
      'span_end:node-sub',
      'model',
      'score:true',
      'span_end:node-root',
      'score:false',
      'score:false',
    ]);
    const inner = sample.events.find(
      (event) => event.event === 'span_begin' && event.id === 'node-sub',
    );
    expect(inner?.parent_id).toBe('node-root');
    expect(sample.scores.outcome?.value).toBe('C');
    expect(sample.scores.process?.value).toBeCloseTo((1 + 0.5 - 0.25) / 3, 12);
    // The root, the sub-question and two lines were calls of 7 + 3 tokens; judges 3 × (20 + 5).
    expect(sample.model_usage).toEqual({
      'openai/gpt-4o-mini': { input_tokens: 28, output_tokens: 12, total_tokens: 40 },
    });
    expect(sample.role_usage).toEqual({
      overseer: { input_tokens: 60, output_tokens: 15, total_tokens: 75 },
    });
  });

  it('aggregates final grades in results.scores and token usage in stats', () => {
    const [log] = inspectLogs(store, runId);
    const header = log?.header as {
      results: { scores: Array<{ name: string; metrics: Record<string, { value: number }> }> };
      stats: { model_usage: Record<string, { total_tokens: number }> };
    };
    const graded = log?.samples.filter((sample) => 'outcome' in (sample.scores as object)) ?? [];
    const correct = graded.filter(
      (sample) => (sample.scores as Record<string, { value: unknown }>).outcome?.value === 'C',
    ).length;
    const outcome = header.results.scores.find((score) => score.name === 'outcome');
    expect(outcome?.metrics.accuracy?.value).toBeCloseTo(correct / graded.length, 12);
    expect(Object.keys(header.stats.model_usage).sort()).toEqual([
      'openai/gpt-4o-mini',
      'overseer/scripted',
    ]);
  });
});
