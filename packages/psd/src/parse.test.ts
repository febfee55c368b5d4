import { describe, expect, it } from 'vitest';
import { isPsdError } from './errors.ts';
import {
  formatMatrixMarket,
  parseJsonMatrix,
  parseMatrixMarket,
  parsePartialMatrix,
} from './parse.ts';

const header = '%%MatrixMarket matrix coordinate real symmetric';

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isPsdError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a PsdError');
}

describe('parseMatrixMarket', () => {
  it('reads a lower-triangle symmetric matrix with comments', () => {
    const matrix = parseMatrixMarket(
      `${header}\n% a comment\n3 3 5\n1 1 2\n2 2 1.5\n3 3 1\n2 1 0.5\n3 2 -0.25\n`,
    );
    expect(matrix.n).toBe(3);
    expect(Array.from(matrix.diagonal)).toEqual([2, 1.5, 1]);
    expect(Array.from(matrix.rows)).toEqual([1, 2]);
    expect(Array.from(matrix.columns)).toEqual([0, 1]);
    expect(Array.from(matrix.values)).toEqual([0.5, -0.25]);
  });

  it('round-trips through formatMatrixMarket', () => {
    const matrix = parseMatrixMarket(`${header}\n2 2 3\n1 1 1\n2 2 1\n2 1 0.1234567890123456\n`);
    const again = parseMatrixMarket(formatMatrixMarket(matrix, 'round trip'));
    expect(Array.from(again.values)).toEqual(Array.from(matrix.values));
  });

  it('names the missing diagonal entry', () => {
    const error = errorOf(() => parseMatrixMarket(`${header}\n3 3 3\n1 1 1\n3 3 1\n2 1 0.5\n`));
    expect(error.code).toBe('parse.missing-diagonal');
    expect(error.message).toContain('(2, 2)');
  });

  it('rejects an upper-triangle entry with its line number', () => {
    const error = errorOf(() => parseMatrixMarket(`${header}\n2 2 3\n1 1 1\n2 2 1\n1 2 0.5\n`));
    expect(error.code).toBe('parse.upper-triangle');
    expect(error.message).toContain('input:5');
  });

  it('rejects a duplicated entry naming both lines', () => {
    const error = errorOf(() =>
      parseMatrixMarket(`${header}\n2 2 4\n1 1 1\n2 2 1\n2 1 0.5\n2 1 0.5\n`, 'a.mtx'),
    );
    expect(error.code).toBe('parse.duplicate');
    expect(error.message).toContain('a.mtx:6');
    expect(error.message).toContain('a.mtx:5');
  });

  it.each(['NaN', 'Inf', '-inf', 'Infinity', 'abc'])('rejects the value %s', (value) => {
    const error = errorOf(() =>
      parseMatrixMarket(`${header}\n2 2 3\n1 1 1\n2 2 1\n2 1 ${value}\n`),
    );
    expect(error.code).toBe('parse.not-finite');
    expect(error.message).toContain('input:5');
  });

  it('says an empty file is empty and that JSON is accepted too', () => {
    let hint: string | undefined;
    try {
      parsePartialMatrix(' \n', 'empty.json');
    } catch (error) {
      if (!isPsdError(error)) throw error;
      expect(error.code).toBe('parse.empty');
      expect(error.message).toBe('empty.json is empty');
      hint = error.hint;
    }
    expect(hint).toContain('JSON {"n", "entries"}');
  });

  it('rejects malformed headers and size lines', () => {
    expect(errorOf(() => parseMatrixMarket('%%MatrixMarket tensor\n1 1 1\n1 1 1\n')).code).toBe(
      'parse.header',
    );
    expect(
      errorOf(() =>
        parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n'),
      ).message,
    ).toContain('unsupported');
    expect(errorOf(() => parseMatrixMarket(`${header}\n2 3 1\n1 1 1\n`)).code).toBe(
      'parse.not-square',
    );
    expect(errorOf(() => parseMatrixMarket(`${header}\n2 x 1\n`)).code).toBe('parse.size-line');
    expect(errorOf(() => parseMatrixMarket(`${header}\n2 2 5\n1 1 1\n2 2 1\n`)).code).toBe(
      'parse.count',
    );
    expect(errorOf(() => parseMatrixMarket(`${header}\n2 2 2\n1 1 1\n3 3 1\n`)).code).toBe(
      'parse.index-range',
    );
  });
});

describe('parseJsonMatrix', () => {
  it('reads the JSON form and detects it automatically', () => {
    const text = JSON.stringify({
      n: 2,
      entries: [
        [1, 1, 1],
        [2, 2, 1],
        [2, 1, 0.3],
      ],
    });
    expect(Array.from(parsePartialMatrix(text).values)).toEqual([0.3]);
  });

  it('reports the offending entry index', () => {
    const error = errorOf(() =>
      parseJsonMatrix(
        JSON.stringify({
          n: 2,
          entries: [
            [1, 1, 1],
            [1, 2, 0.3],
            [2, 2, 1],
          ],
        }),
      ),
    );
    expect(error.code).toBe('parse.upper-triangle');
    expect(error.message).toContain('entries[1]');
    expect(
      errorOf(() => parseJsonMatrix('{"n": 2, "entries": [[1,1,1]], "extra": 1}')).message,
    ).toContain('extra');
    expect(errorOf(() => parseJsonMatrix('{"n": 2, "entries": [[1,1,1]]}')).code).toBe(
      'parse.missing-diagonal',
    );
    expect(errorOf(() => parseJsonMatrix('{"n": 1, "entries": [[1,1,"NaN"]]}')).code).toBe(
      'parse.not-finite',
    );
    expect(errorOf(() => parseJsonMatrix('{"n": 1,')).code).toBe('parse.json');
  });
});
