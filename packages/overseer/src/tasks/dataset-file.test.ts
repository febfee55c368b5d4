import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFileError, datasetFormat, parseDataset, readDatasetFile } from './dataset-file.ts';
import type { DatasetFields, DatasetFormat } from './dataset-file.ts';

const parse = (text: string, format: DatasetFormat, fields: DatasetFields = {}) =>
  parseDataset(text, { file: `data.${format}`, format, fields });

/** The DatasetFileError a parse throws. */
function failure(
  text: string,
  format: DatasetFormat,
  fields: DatasetFields = {},
): DatasetFileError {
  try {
    parse(text, format, fields);
  } catch (error) {
    if (error instanceof DatasetFileError) return error;
    throw error;
  }
  throw new Error('expected the parse to fail');
}

describe('dataset files', () => {
  it('reads every Inspect field shape from JSON Lines', () => {
    const samples = parse(
      [
        '{"input": "What is 2+2?", "target": "4", "id": "q1", "metadata": {"source": "sums"}}',
        '',
        '{"input": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}], "target": ["Paris", "paris, France"]}',
        '{"input": "Which is a prime?", "choices": ["4", "6", "7"], "target": "C", "id": 9}',
        '{"input": "Seven times six?", "target": 42}',
      ].join('\n'),
      'jsonl',
    );
    expect(samples).toEqual([
      { id: 'q1', input: 'What is 2+2?', targets: ['4'], metadata: { source: 'sums' }, line: 1 },
      {
        id: '2',
        input: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Capital of France?' },
        ],
        targets: ['Paris', 'paris, France'],
        metadata: {},
        line: 3,
      },
      {
        id: '9',
        input: 'Which is a prime?',
        targets: ['C'],
        choices: ['4', '6', '7'],
        metadata: {},
        line: 4,
      },
      { id: '4', input: 'Seven times six?', targets: ['42'], metadata: {}, line: 5 },
    ]);
  });

  it('reads a JSON list, placing each record at its line', () => {
    const samples = parse(
      '[\n  {"input": "a?", "target": "1"},\n  {\n    "input": "b, [c]?",\n    "target": ["2", "two"]\n  }\n]\n',
      'json',
    );
    expect(samples.map((sample) => [sample.id, sample.line, sample.targets])).toEqual([
      ['1', 2, ['1']],
      ['2', 3, ['2', 'two']],
    ]);
  });

  it('reads CSV with quoted cells, JSON-list choices and mapped columns', () => {
    const text = [
      'question,answer,options,source,year',
      '"Say ""hi"", then stop",hi,,web,2024',
      '"Pick one:\nwhich?",B,"[""x"", ""y""]",book,1999',
    ].join('\n');
    const samples = parse(text, 'csv', {
      input: 'question',
      target: 'answer',
      choices: 'options',
      metadata: ['source', 'year'],
    });
    expect(samples).toEqual([
      {
        id: '1',
        input: 'Say "hi", then stop',
        targets: ['hi'],
        metadata: { source: 'web', year: '2024' },
        line: 2,
      },
      {
        id: '2',
        input: 'Pick one:\nwhich?',
        targets: ['B'],
        choices: ['x', 'y'],
        metadata: { source: 'book', year: '1999' },
        line: 3,
      },
    ]);
  });

  it('names the line and field of every bad record, and reads nothing', () => {
    const error = failure(
      [
        '{"input": "ok", "target": "1"}',
        '{"input": "no target"}',
        '{"input": "", "target": "x"}',
        'not json',
        '{"input": [{"role": "robot", "content": "hi"}], "target": "x"}',
        '{"input": "dup", "target": "1", "id": "1"}',
      ].join('\n'),
      'jsonl',
    );
    expect(error.code).toBe('task.bad-dataset');
    expect(error.problems.map(({ line, field }) => [line, field])).toEqual([
      [4, undefined],
      [2, 'target'],
      [3, 'input'],
      [5, 'input'],
      [6, 'id'],
    ]);
    expect(error.message).toMatch(/line 2, field target: required/);
    expect(error.message).toMatch(/line 4: not JSON/);
    expect(error.message).toMatch(
      /line 5, field input: expected .* chat messages \{role, content\}/,
    );
    expect(error.message).toMatch(/line 6, field id: id "1" is already the id of line 1/);
  });

  it('names the mapped column and lists the columns when input is missing', () => {
    const error = failure('prompt,answer\nhello,1\n', 'csv', {
      input: 'question',
      target: 'answer',
    });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(
      /line 2, field input \(column "question"\): required; the record's fields are: prompt, answer/,
    );
  });

  it('refuses ragged CSV rows, JSON that is not a list, and bad JSON at its line', () => {
    expect(failure('input,target\na,1,extra\n', 'csv').message).toMatch(
      /line 2: has 3 cells but the header \(line 1\) names 2 columns/,
    );
    expect(failure('{"input": "a"}', 'json').message).toMatch(/line 1: expected a JSON list/);
    expect(
      failure('[\n{"input": "a", "target": "1"},\n{"input": }\n]', 'json').problems[0].line,
    ).toBe(3);
    expect(failure('', 'jsonl').message).toMatch(/no records/);
  });

  it('tells the format from the extension and reads files', async () => {
    expect(datasetFormat('a/b.JSONL')).toBe('jsonl');
    expect(datasetFormat('b.csv')).toBe('csv');
    expect(() => datasetFormat('b.txt')).toThrow(/\.jsonl, \.json or \.csv/);
    const directory = await mkdtemp(join(tmpdir(), 'overseer-dataset-'));
    afterAll(() => rm(directory, { recursive: true, force: true }));
    const file = join(directory, 'tiny.json');
    await writeFile(file, '[{"input": "x?", "target": "y"}]');
    expect(readDatasetFile(file)).toHaveLength(1);
    expect(() => readDatasetFile(join(directory, 'missing.jsonl'))).toThrow(/Cannot read dataset/);
  });
});
