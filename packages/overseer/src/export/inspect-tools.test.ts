import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gradeEpisode } from '../outcomes/grade.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { tools } from '../scaffolds/tools.ts';
import { RunStore } from '../store/index.ts';
import { addition } from '../tasks/addition.ts';
import { inspectValidator } from './inspect-fixtures.ts';
import { importInspectLog } from './inspect-import.ts';
import { inspectLogs, writeInspectLogs } from './inspect-log.ts';

const directory = mkdtempSync(join(tmpdir(), 'overseer-inspect-tools-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const validate = inspectValidator();

describe('the Inspect export of a tools episode', () => {
  it('writes each tool call as a valid ToolEvent after the model event that made it', async () => {
    const family = addition();
    const problem = family.generate({ seed: 3, count: 1, split: 'test', difficulty: 4 })[0]!;
    const policy = scriptedPolicy((_request, index) =>
      index === 0
        ? `calc: ${problem.question}`
        : index === 1
          ? 'calc: 1/0'
          : `answer: ${problem.answer}`,
    );
    const episode = await tools({ instructions: false }).run({ problem, family, policy });
    const store = RunStore.open(join(directory, 'store'));
    try {
      const runId = store.createRun({ experiment: 'inspect-tools-test' });
      store.recordEpisode({ runId, episode, outcome: gradeEpisode(family, episode) });
      store.finishRun(runId, {});
      const [log] = inspectLogs(store, runId);
      const sample = log?.samples[0] as { events: Array<Record<string, unknown>> };
      expect(validate('EvalSample', sample)).toEqual([]);
      const shape = sample.events
        .map((event) => String(event.event))
        .filter((name) => name === 'model' || name === 'tool');
      expect(shape).toEqual(['model', 'tool', 'model', 'tool', 'model']);
      const calls = sample.events.filter((event) => event.event === 'tool');
      expect(calls).toEqual([
        expect.objectContaining({
          type: 'function',
          id: 'call-1',
          function: 'calculator',
          arguments: { expression: problem.question },
          result: problem.answer,
          events: [],
        }),
        expect.objectContaining({
          id: 'call-2',
          result: '',
          error: { type: 'parsing', message: 'division by zero' },
        }),
      ]);
      expect(calls[0]).not.toHaveProperty('error');
      const broken = { ...sample, events: [{ ...calls[1], error: { type: 'oops', message: '' } }] };
      expect(validate('EvalSample', broken)).not.toEqual([]);
      const written = writeInspectLogs(store, runId, join(directory, 'logs'));
      const imported = importInspectLog(store, join(directory, 'logs', written.files[0]!));
      const [record] = [...store.episodeRecords(imported.runId)];
      expect(record?.episode.steps).toEqual(episode.steps);
    } finally {
      store.close();
    }
  });
});
