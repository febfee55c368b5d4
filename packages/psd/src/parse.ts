import { PsdError } from './errors.ts';
import type { PartialMatrix } from './partial-matrix.ts';

function parseError(code: string, message: string, hint?: string): PsdError {
  return new PsdError(code, message, hint === undefined ? {} : { hint });
}

function finiteNumber(text: string, where: string): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value) || !Number.isFinite(value)) {
    throw parseError(
      'parse.not-finite',
      `${where}: value "${text}" is not a finite number`,
      'every specified entry must be a finite real number (no NaN or Inf)',
    );
  }
  return value;
}

/** Collects entries, rejecting duplicates and checking the diagonal is complete. */
class EntryCollector {
  private readonly seen = new Map<number, string>();
  private readonly rows: number[] = [];
  private readonly columns: number[] = [];
  private readonly values: number[] = [];
  private readonly diagonal: Float64Array;
  private readonly diagonalSet: Uint8Array;

  constructor(private readonly n: number) {
    this.diagonal = new Float64Array(n);
    this.diagonalSet = new Uint8Array(n);
  }

  add(i: number, j: number, value: number, where: string): void {
    const n = this.n;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 1 || j < 1 || i > n || j > n) {
      throw parseError('parse.index-range', `${where}: index (${i}, ${j}) is outside 1..${n}`);
    }
    if (i < j) {
      throw parseError(
        'parse.upper-triangle',
        `${where}: entry (${i}, ${j}) is in the upper triangle`,
        'a symmetric matrix lists each entry once, in the lower triangle (row ≥ column)',
      );
    }
    const key = (i - 1) * n + (j - 1);
    const previous = this.seen.get(key);
    if (previous !== undefined) {
      throw parseError(
        'parse.duplicate',
        `${where}: entry (${i}, ${j}) is specified twice (first at ${previous})`,
        'list each entry once',
      );
    }
    this.seen.set(key, where);
    if (i === j) {
      this.diagonal[i - 1] = value;
      this.diagonalSet[i - 1] = 1;
    } else {
      this.rows.push(i - 1);
      this.columns.push(j - 1);
      this.values.push(value);
    }
  }

  finish(): PartialMatrix {
    const missing: number[] = [];
    for (let v = 0; v < this.n; v++) if (!this.diagonalSet[v]) missing.push(v + 1);
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map((v) => `(${v}, ${v})`);
      throw parseError(
        'parse.missing-diagonal',
        `diagonal entr${missing.length === 1 ? 'y' : 'ies'} ${shown.join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} missing`,
        'the problem requires the whole diagonal to be specified',
      );
    }
    return {
      n: this.n,
      diagonal: this.diagonal,
      rows: Int32Array.from(this.rows),
      columns: Int32Array.from(this.columns),
      values: Float64Array.from(this.values),
    };
  }
}

/** Parses a Matrix Market `coordinate real symmetric` file (1-based, lower triangle, whole diagonal). */
export function parseMatrixMarket(text: string, source = 'input'): PartialMatrix {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim() ?? '';
  const words = header.toLowerCase().split(/\s+/);
  if (words[0] !== '%%matrixmarket' || words[1] !== 'matrix') {
    throw parseError(
      'parse.header',
      `${source}:1: malformed header "${header}"`,
      'the first line must be "%%MatrixMarket matrix coordinate real symmetric"',
    );
  }
  if (
    words[2] !== 'coordinate' ||
    (words[3] !== 'real' && words[3] !== 'integer') ||
    words[4] !== 'symmetric'
  ) {
    throw parseError(
      'parse.header',
      `${source}:1: unsupported Matrix Market kind "${words.slice(2).join(' ')}"`,
      'psd reads "coordinate real symmetric" (or "coordinate integer symmetric") matrices',
    );
  }
  let lineIndex = 1;
  while (
    lineIndex < lines.length &&
    (lines[lineIndex].startsWith('%') || lines[lineIndex].trim() === '')
  ) {
    lineIndex++;
  }
  if (lineIndex >= lines.length) {
    throw parseError(
      'parse.size-line',
      `${source}: the size line "rows columns entries" is missing`,
    );
  }
  const sizeParts = lines[lineIndex].trim().split(/\s+/);
  const [rowsText, columnsText, countText] = sizeParts;
  const rowsCount = Number(rowsText);
  const columnsCount = Number(columnsText);
  const count = Number(countText);
  if (
    sizeParts.length !== 3 ||
    !Number.isInteger(rowsCount) ||
    !Number.isInteger(columnsCount) ||
    !Number.isInteger(count) ||
    rowsCount < 1 ||
    count < 0
  ) {
    throw parseError(
      'parse.size-line',
      `${source}:${lineIndex + 1}: malformed size line "${lines[lineIndex].trim()}"`,
      'expected three integers: rows columns entries',
    );
  }
  if (rowsCount !== columnsCount) {
    throw parseError(
      'parse.not-square',
      `${source}:${lineIndex + 1}: matrix is ${rowsCount}×${columnsCount}, not square`,
    );
  }
  const collector = new EntryCollector(rowsCount);
  let read = 0;
  for (lineIndex++; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex].trim();
    if (line === '' || line.startsWith('%')) continue;
    const where = `${source}:${lineIndex + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length !== 3) {
      throw parseError('parse.entry', `${where}: expected "row column value", got "${line}"`);
    }
    const i = Number(parts[0]);
    const j = Number(parts[1]);
    if (!Number.isInteger(i) || !Number.isInteger(j)) {
      throw parseError(
        'parse.entry',
        `${where}: indices must be integers, got "${parts[0]} ${parts[1]}"`,
      );
    }
    collector.add(i, j, finiteNumber(parts[2], where), where);
    read++;
  }
  if (read !== count) {
    throw parseError(
      'parse.count',
      `${source}: the size line announces ${count} entries but ${read} were found`,
    );
  }
  return collector.finish();
}

/** Parses the JSON form `{"n": N, "entries": [[i, j, value], ...]}` (1-based, lower triangle, whole diagonal). */
export function parseJsonMatrix(text: string, source = 'input'): PartialMatrix {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw parseError('parse.json', `${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw parseError('parse.json', `${source}: expected an object {"n": ..., "entries": [...]}`);
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'n' && key !== 'entries') {
      throw parseError(
        'parse.json',
        `${source}: unknown key "${key}"`,
        'allowed keys are "n" and "entries"',
      );
    }
  }
  const n = record.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw parseError('parse.json', `${source}: "n" must be a positive integer`);
  }
  if (!Array.isArray(record.entries)) {
    throw parseError('parse.json', `${source}: "entries" must be an array of [i, j, value]`);
  }
  const collector = new EntryCollector(n);
  record.entries.forEach((entry: unknown, k: number) => {
    const where = `${source}: entries[${k}]`;
    if (!Array.isArray(entry) || entry.length !== 3) {
      throw parseError('parse.entry', `${where}: expected [i, j, value]`);
    }
    const [i, j, value] = entry as unknown[];
    if (typeof i !== 'number' || typeof j !== 'number') {
      throw parseError('parse.entry', `${where}: indices must be integers`);
    }
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw parseError('parse.not-finite', `${where}: value must be a finite number`);
    }
    collector.add(i, j, finiteNumber(String(value), where), where);
  });
  return collector.finish();
}

/** Parses either format, chosen by the first non-blank character (`{` means JSON). */
export function parsePartialMatrix(text: string, source = 'input'): PartialMatrix {
  if (text.trim() === '') {
    throw parseError(
      'parse.empty',
      `${source} is empty`,
      'give a Matrix Market coordinate real symmetric file or JSON {"n", "entries"}',
    );
  }
  return text.trimStart().startsWith('{')
    ? parseJsonMatrix(text, source)
    : parseMatrixMarket(text, source);
}

/** Writes a PartialMatrix as Matrix Market `coordinate real symmetric` (full double precision). */
export function formatMatrixMarket(matrix: PartialMatrix, comment?: string): string {
  const out: string[] = ['%%MatrixMarket matrix coordinate real symmetric'];
  if (comment) for (const line of comment.split('\n')) out.push(`% ${line}`);
  out.push(`${matrix.n} ${matrix.n} ${matrix.n + matrix.values.length}`);
  for (let v = 0; v < matrix.n; v++) out.push(`${v + 1} ${v + 1} ${matrix.diagonal[v]}`);
  for (let e = 0; e < matrix.values.length; e++) {
    out.push(`${matrix.rows[e] + 1} ${matrix.columns[e] + 1} ${matrix.values[e]}`);
  }
  return out.join('\n') + '\n';
}
