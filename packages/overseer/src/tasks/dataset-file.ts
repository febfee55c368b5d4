/**
 * Reading a dataset file — JSON Lines, JSON (a list of records) or CSV — into samples with
 * Inspect's field names (`inspect_ai.dataset.Sample`): `input` (a string or chat messages
 * `[{role, content}]`), `target` (a string or a list), `choices`, `id`, `metadata`. A field map
 * (Inspect's `FieldSpec`) names other columns. The whole file is checked before anything runs: a
 * bad record is an error naming its line and field, and every bad record is listed at once.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { JsonObject } from '../spec/index.ts';
import { formatPath, issueProblems } from '../util/zod-issues.ts';

/** Who speaks a chat message of an input. */
export const DatasetRole = z.enum(['system', 'user', 'assistant']);

/** One chat message of an input (other Inspect message fields are ignored). */
export const DatasetMessage = z.object({ role: DatasetRole, content: z.string() });
/** One chat message of an input. */
export type DatasetMessage = z.infer<typeof DatasetMessage>;

/** Which column holds each sample field (Inspect's `FieldSpec`); metadata may gather several. */
export const DatasetFields = z.strictObject({
  input: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
  choices: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  id: z.string().min(1).optional(),
  metadata: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});
/** Which column holds each sample field. */
export type DatasetFields = z.infer<typeof DatasetFields>;

/** One sample of a dataset, read and checked. */
export const DatasetSample = z.strictObject({
  /** The record's `id`, or its position (1, 2, …) when it has none. */
  id: z.string().min(1),
  input: z.union([z.string(), z.array(DatasetMessage)]),
  /** Every acceptable answer. */
  targets: z.array(z.string()),
  choices: z.array(z.string()).optional(),
  metadata: JsonObject,
  /** The line of the file the record starts on. */
  line: z.number().int().positive(),
});
/** One sample of a dataset. */
export type DatasetSample = z.infer<typeof DatasetSample>;

/** The formats a dataset file may have, by extension. */
export const DatasetFormat = z.enum(['jsonl', 'json', 'csv']);
/** The format of a dataset file. */
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** One bad record of a dataset file: where it is and what to change. */
export interface DatasetProblem {
  line: number;
  /** The sample field (and the column it was read from, when mapped), or none for a whole record. */
  field?: string;
  message: string;
}

/** A dataset file that cannot be read: every problem with its line and field. */
export class DatasetFileError extends OverseerError {
  readonly file: string;
  readonly problems: readonly DatasetProblem[];

  constructor(file: string, problems: readonly DatasetProblem[]) {
    const shown = problems
      .slice(0, 10)
      .map(
        (problem) =>
          `line ${problem.line}${problem.field === undefined ? '' : `, field ${problem.field}`}: ${problem.message}`,
      );
    const more =
      problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
    super(
      'task.bad-dataset',
      `Dataset ${file} has ${problems.length} bad record${problems.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}.`,
      {
        hint: 'Fix the named lines, or map other column names with --field (e.g. input=question,target=answer).',
      },
    );
    this.file = file;
    this.problems = problems;
  }
}

/** A target as written: numbers are read as their text (`42` → `"42"`). */
const TargetValue = z.union([z.string(), z.number().transform(String)]);

/** A record after its fields are mapped, before it becomes a sample. */
const MappedRecord = z.object({
  input: z.union([z.string().min(1), z.array(DatasetMessage).min(1)], {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : 'expected a non-empty string or a non-empty list of chat messages {role, content}',
  }),
  target: z.union([TargetValue, z.array(TargetValue).min(1)], {
    error: (issue) =>
      issue.input === undefined
        ? 'required (every grader compares the answer with a target)'
        : 'expected a string, a number or a non-empty list of them',
  }),
  choices: z.array(z.string()).min(2).optional(),
  id: z.union([z.string().min(1), z.number().transform(String)]).optional(),
  metadata: JsonObject.optional(),
});

/** The format of `file` by its extension. */
export function datasetFormat(file: string): DatasetFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  throw new OverseerError(
    'task.bad-dataset-format',
    `Dataset ${file}: cannot tell its format from the extension "${extension}"; name it .jsonl, .json or .csv.`,
    { hint: 'Or give the task option `format` (jsonl, json or csv).' },
  );
}

/** Reads and checks a dataset file; throws a DatasetFileError listing every bad record. */
export function readDatasetFile(
  file: string,
  options: { fields?: DatasetFields; format?: DatasetFormat } = {},
): DatasetSample[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OverseerError(
      'task.no-dataset',
      `Cannot read dataset ${file}: ${(error as Error).message}.`,
      {
        hint: 'Give the path of a .jsonl, .json or .csv file (relative to the working directory).',
      },
    );
  }
  return parseDataset(text, {
    file,
    format: options.format ?? datasetFormat(file),
    fields: options.fields ?? {},
  });
}

/** A record of a file and the line it starts on. */
interface LocatedRecord {
  line: number;
  value: unknown;
}

/** Parses a dataset's text; throws a DatasetFileError listing every bad record. */
export function parseDataset(
  text: string,
  options: { file: string; format: DatasetFormat; fields: DatasetFields },
): DatasetSample[] {
  const problems: DatasetProblem[] = [];
  const records =
    options.format === 'jsonl'
      ? jsonLines(text, problems)
      : options.format === 'json'
        ? jsonRecords(text, problems)
        : csvRecords(text, problems);
  const samples: DatasetSample[] = [];
  const lines = new Map<string, number>();
  records.forEach((record, index) => {
    const sample = toSample(record, index, options.fields, options.format, problems);
    if (sample === undefined) return;
    const earlier = lines.get(sample.id);
    if (earlier !== undefined) {
      problems.push({
        line: record.line,
        field: fieldLabel('id', options.fields),
        message: `id "${sample.id}" is already the id of line ${earlier}; ids must be unique`,
      });
      return;
    }
    lines.set(sample.id, record.line);
    samples.push(sample);
  });
  if (problems.length === 0 && samples.length === 0) {
    problems.push({ line: 1, message: 'the file holds no records' });
  }
  if (problems.length > 0) throw new DatasetFileError(options.file, problems);
  return samples;
}

/** `target` or `target (column "answer")` when the field is read from another column. */
function fieldLabel(field: keyof DatasetFields, fields: DatasetFields): string {
  const column = fields[field];
  if (column === undefined || column === field) return field;
  return `${field} (column ${Array.isArray(column) ? column.map((name) => `"${name}"`).join(', ') : `"${column}"`})`;
}

/** Maps a record's columns to the sample fields and checks them. */
function toSample(
  record: LocatedRecord,
  index: number,
  fields: DatasetFields,
  format: DatasetFormat,
  problems: DatasetProblem[],
): DatasetSample | undefined {
  const { line, value } = record;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ line, message: 'expected a record (a mapping of field names to values)' });
    return undefined;
  }
  const columns = value as Record<string, unknown>;
  const column = (name: string, field: keyof DatasetFields): unknown => {
    const raw = columns[name];
    // A CSV cell holds text; a list (of choices or targets) is written as a JSON list.
    if (format === 'csv' && typeof raw === 'string' && raw.trimStart().startsWith('[')) {
      if (field === 'choices' || field === 'target') {
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          return raw;
        }
      }
    }
    return raw;
  };
  const single = (field: 'input' | 'target' | 'id'): unknown =>
    column(fields[field] ?? field, field);
  const choiceColumns = fields.choices ?? 'choices';
  const metadataColumns = fields.metadata;
  const mapped: Record<string, unknown> = {
    input: single('input'),
    target: single('target'),
    id: format === 'csv' && single('id') === '' ? undefined : single('id'),
    choices: Array.isArray(choiceColumns)
      ? choiceColumns.map((name) => columns[name])
      : column(choiceColumns, 'choices'),
    metadata:
      metadataColumns === undefined
        ? columns.metadata
        : Object.fromEntries(
            (Array.isArray(metadataColumns) ? metadataColumns : [metadataColumns]).map((name) => [
              name,
              columns[name] ?? null,
            ]),
          ),
  };
  if (format === 'csv' && mapped.choices === '') delete mapped.choices;
  const result = MappedRecord.safeParse(mapped, { reportInput: true });
  if (!result.success) {
    for (const problem of issueProblems(result.error.issues, MappedRecord)) {
      const [field, ...rest] = problem.path;
      const missing = problem.message.startsWith('required') && rest.length === 0;
      problems.push({
        line,
        field:
          fieldLabel(field as keyof DatasetFields, fields) +
          (rest.length === 0 ? '' : ` at ${formatPath(rest)}`),
        message:
          missing && field === 'input'
            ? `${problem.message}; the record's fields are: ${Object.keys(columns).join(', ') || '(none)'}`
            : problem.message,
      });
    }
    return undefined;
  }
  const parsed = result.data;
  return {
    id: parsed.id ?? String(index + 1),
    input: parsed.input,
    targets: Array.isArray(parsed.target) ? parsed.target : [parsed.target],
    ...(parsed.choices === undefined ? {} : { choices: parsed.choices }),
    metadata: parsed.metadata ?? {},
    line,
  };
}

/** One JSON value per non-blank line. */
function jsonLines(text: string, problems: DatasetProblem[]): LocatedRecord[] {
  const records: LocatedRecord[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      records.push({ line: index + 1, value: JSON.parse(raw) as unknown });
    } catch (error) {
      problems.push({ line: index + 1, message: `not JSON (${(error as Error).message})` });
    }
  });
  return records;
}

/** The line (1-based) of character `offset` of `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text[index] === '\n') line += 1;
  }
  return line;
}

/** A JSON file holding a list of records, each with the line it starts on. */
function jsonRecords(text: string, problems: DatasetProblem[]): LocatedRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    problems.push({
      line: position === null ? firstBadElementLine(text) : lineAt(text, Number(position[1])),
      message: `not JSON (${message.split('\n')[0]})`,
    });
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push({ line: 1, message: 'expected a JSON list of records at the top level' });
    return [];
  }
  const starts = topLevelElementOffsets(text);
  return value.map((record: unknown, index) => ({
    line: lineAt(text, starts[index] ?? 0),
    value: record,
  }));
}

/**
 * The line of the first element of a top-level list that does not parse alone (Node's messages
 * do not always give a position); line 1 when the text is not a list.
 */
function firstBadElementLine(text: string): number {
  const starts = topLevelElementOffsets(text);
  for (let index = 0; index < starts.length; index += 1) {
    const end = index + 1 < starts.length ? starts[index + 1] : text.length;
    const element = text
      .slice(starts[index], end)
      .trim()
      .replace(/[,\]]$/, '');
    try {
      JSON.parse(element);
    } catch {
      return lineAt(text, starts[index]);
    }
  }
  return 1;
}

/** Where each element of a top-level JSON list starts. */
function topLevelElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
      continue;
    }
    if (/\s/.test(character)) continue;
    if (expectElement && character !== ']') {
      offsets.push(index);
      expectElement = false;
    }
    if (character === '"') inString = true;
    else if (character === '[' || character === '{') {
      depth += 1;
      if (depth === 1) expectElement = true;
    } else if (character === ']' || character === '}') depth -= 1;
    else if (character === ',' && depth === 1) expectElement = true;
  }
  return offsets;
}

/** CSV (RFC 4180: quoted fields may hold commas, quotes doubled, newlines), header first. */
function csvRecords(text: string, problems: DatasetProblem[]): LocatedRecord[] {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const body = text.replace(/^\uFEFF/, '');
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index];
    if (quoted) {
      if (character === '"' && body[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else {
        if (character === '\n') line += 1;
        cell += character;
      }
      continue;
    }
    if (character === '"' && cell === '') quoted = true;
    else if (character === ',') {
      cells.push(cell);
      cell = '';
    } else if (character === '\n') {
      endRow();
      line += 1;
      rowLine = line;
    } else if (character !== '\r') cell += character;
  }
  if (quoted) problems.push({ line: rowLine, message: 'a quoted field is never closed' });
  else if (cell !== '' || cells.length > 0) endRow();
  const [header, ...data] = rows;
  if (header === undefined) return [];
  return data.flatMap(({ line: at, cells: values }) => {
    if (values.length !== header.cells.length) {
      problems.push({
        line: at,
        message: `has ${values.length} cells but the header (line ${header.line}) names ${header.cells.length} columns`,
      });
      return [];
    }
    return [
      {
        line: at,
        value: Object.fromEntries(
          header.cells.map((name, column) => [name.trim(), values[column]]),
        ),
      },
    ];
  });
}
