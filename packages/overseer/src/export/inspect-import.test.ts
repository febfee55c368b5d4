import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverseerError } from '../errors.ts';
import { RunStore } from '../store/index.ts';
import { recordSmallRun } from './inspect-fixtures.ts';
import { importInspectLog } from './inspect-import.ts';
import { inspectLogs, writeInspectLogs } from './inspect-log.ts';
import { writeZip } from './zip.ts';

let directory: string;
let store: RunStore;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'overseer-inspect-import-'));
  store = RunStore.open(join(directory, 'store'));
});
afterAll(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A log as Inspect writes it, by hand: one sample, condensed, with a tool call and two scores. */
function handWrittenLog(): Buffer {
  const eval_ = {
    eval_id: 'e1',
    run_id: 'r1',
    created: '2025-03-01T10:00:00+00:00',
    task: 'gsm8k',
    task_id: 't1',
    task_version: 0,
    model: 'openai/gpt-4o',
    solver: 'generate',
    packages: { inspect_ai: '0.3.260' },
  };
  const question =
    'Natalia sold clips to 48 of her friends in April, and then half as many in May. '.repeat(4);
  const sample = {
    id: 7,
    epoch: 1,
    input: 'attachment://q',
    target: ['72'],
    messages: [],
    output: { model: 'openai/gpt-4o', choices: [], completion: 'The answer is 72.' },
    scores: { match: { value: 'C', answer: '72', explanation: 'matched' } },
    metadata: {},
    store: {},
    events: [
      { event: 'span_begin', timestamp: '2025-03-01T10:00:01+00:00', id: 's1', name: 'solvers' },
      {
        event: 'model',
        timestamp: '2025-03-01T10:00:02+00:00',
        working_time: 1.5,
        model: 'openai/gpt-4o',
        input: [],
        input_refs: [[0, 2]],
        output: {
          completion: 'I will compute 48/2.',
          usage: { input_tokens: 100, output_tokens: 8, total_tokens: 108 },
        },
      },
      {
        event: 'tool',
        timestamp: '2025-03-01T10:00:04+00:00',
        id: 'call-1',
        function: 'calculator',
        arguments: { expression: '48+48/2' },
        result: '72',
      },
      {
        event: 'score',
        timestamp: '2025-03-01T10:00:05+00:00',
        score: { value: 1, explanation: 'a sound step' },
        scorer: 'step-judge',
        intermediate: true,
      },
      { event: 'span_end', timestamp: '2025-03-01T10:00:06+00:00', id: 's1' },
    ],
    events_data: {
      messages: [
        { role: 'system', content: 'Solve it.' },
        { role: 'user', content: [{ type: 'text', text: 'attachment://q' }] },
      ],
      calls: [],
    },
    attachments: { q: question },
    model_usage: {},
    role_usage: {},
  };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  return writeZip([
    { name: '_journal/start.json', data: json({ version: 2, eval: eval_, plan: {} }) },
    { name: 'samples/7_epoch_1.json', data: json(sample) },
    {
      name: 'header.json',
      data: json({
        version: 2,
        status: 'success',
        eval: eval_,
        stats: { completed_at: '2025-03-01T10:01:00+00:00' },
      }),
    },
  ]);
}

describe('overseer import --format inspect', () => {
  it('gives back exactly the episodes an export wrote (import → export round trip)', () => {
    const runId = recordSmallRun(store);
    const out = join(directory, 'round-trip');
    writeInspectLogs(store, runId, out);
    const [file] = readdirSync(out).filter((name) => name.endsWith('.eval'));
    const imported = importInspectLog(store, join(out, file as string));
    expect(imported.episodes).toBe(5);
    // The store lists episodes in the order they were recorded; an import records samples by id.
    const records = (id: string) =>
      [...store.episodeRecords(id)]
        .map(({ runId: _run, judgments, ...record }) => ({
          ...record,
          judgments: judgments.map(({ seq: _seq, ...judgment }) => judgment),
        }))
        .sort((a, b) => a.episode.id.localeCompare(b.episode.id));
    expect(records(imported.runId)).toEqual(records(runId));
    expect(store.requireRun(imported.runId).config).toEqual(store.requireRun(runId).config);
    // And exported again, the samples are the same but for the run they name.
    const samples = (id: string) =>
      (
        JSON.parse(
          JSON.stringify(inspectLogs(store, id)[0]?.samples).replaceAll(id, 'RUN'),
        ) as Array<{
          uuid: string;
        }>
      ).sort((a, b) => a.uuid.localeCompare(b.uuid));
    expect(samples(imported.runId)).toEqual(samples(runId));
  });

  it('reads a log Inspect wrote, resolving attachments and condensed inputs', () => {
    const path = join(directory, 'inspect.eval');
    writeFileSync(path, handWrittenLog());
    const { runId, episodes } = importInspectLog(store, path);
    expect(episodes).toBe(1);
    const run = store.requireRun(runId);
    expect(run.status).toBe('finished');
    expect(run.config).toMatchObject({ imported: { task: 'gsm8k', inspectVersion: '0.3.260' } });
    const [record] = [...store.episodeRecords(runId)];
    const episode = record?.episode;
    expect(episode?.id).toBe('7_epoch_1');
    expect(episode?.problem.question).toContain('Natalia sold clips');
    expect(episode?.problem.answer).toBe('72');
    expect(episode?.policy.name).toBe('openai:gpt-4o');
    expect(episode?.answer).toBe('The answer is 72.');
    expect(
      episode?.steps.map((step) => [step.kind, step.parentId, step.input, step.output]),
    ).toEqual([
      ['question', null, episode?.problem.question, 'The answer is 72.'],
      ['thought', 'root', episode?.problem.question, 'I will compute 48/2.'],
      ['action', 'root', 'calculator({"expression":"48+48/2"})', '72'],
    ]);
    expect(episode?.steps[1]?.cost).toEqual({ calls: 1, inputTokens: 100, outputTokens: 8 });
    expect(record?.judgments.map(({ stepId, judgment }) => [stepId, judgment.score])).toEqual([
      ['step-2', 1],
    ]);
    expect(record?.outcome).toMatchObject({
      kind: 'grade',
      correct: true,
      expected: '72',
      answer: '72',
    });
  });

  it('refuses a file that is not an Inspect log, saying what to give', () => {
    const path = join(directory, 'not-a-log.eval');
    writeFileSync(path, '{"version": 2}');
    expect(() => importInspectLog(store, path)).toThrow(OverseerError);
    expect(() => importInspectLog(store, path)).toThrow(/not a readable zip archive/);
    const noHeader = join(directory, 'no-header.eval');
    writeFileSync(
      noHeader,
      writeZip([{ name: 'header.json', data: Buffer.from('{"version": 1}') }]),
    );
    expect(() => importInspectLog(store, noHeader)).toThrow(/not what Inspect writes/);
  });
});
