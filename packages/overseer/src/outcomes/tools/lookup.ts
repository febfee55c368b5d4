/**
 * `lookup`: searches a local document set given with the dataset — a JSONL file of
 * `{ id, title, text }`, one document a line — ranking documents by how many of the query's terms
 * they contain (each term weighted by its rarity across the set, a title match counting twice).
 * No network: the documents are all there is.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import type { JsonObject } from '../../spec/index.ts';
import type { Tool } from './tool.ts';
import { oneStringParameter, stringArgument } from './tool.ts';

/** One document of a lookup set. */
export const LookupDocument = z.strictObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().default(''),
  text: z.string(),
});
/** One document of a lookup set. */
export type LookupDocument = z.infer<typeof LookupDocument>;

/** Options of `lookup`. */
export interface LookupOptions {
  documents: readonly LookupDocument[];
  /** Documents returned per query (default 3). */
  results?: number;
  /** Characters of each document's text shown (default 600). */
  excerpt?: number;
}

/** Reads a JSONL document set; a bad line is an error naming its line and field. */
export function readDocuments(file: string): LookupDocument[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OverseerError('tools.documents', `Cannot read the documents file ${file}.`, {
      hint: 'Give --documents a JSONL file of {"id","title","text"} objects.',
      cause: error,
    });
  }
  const documents: LookupDocument[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new OverseerError('tools.documents', `${where} is not a JSON object.`, {
        hint: 'Each line of the documents file is one {"id","title","text"} object.',
      });
    }
    const parsed = LookupDocument.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OverseerError(
        'tools.documents',
        `${where}: ${issue?.path.join('.') || 'the line'} ${issue?.message ?? 'is malformed'}.`,
        { hint: 'Each document has a string "text", an "id" and optionally a "title".' },
      );
    }
    documents.push(parsed.data);
  });
  return documents;
}

/** The lower-case word terms of a text. */
export function terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The documents best matching `query`, best first (ties by their order in the set). */
export function rankDocuments(
  documents: readonly LookupDocument[],
  query: string,
  results: number,
): LookupDocument[] {
  const wanted = [...new Set(terms(query))];
  const indexed = documents.map((document) => ({
    document,
    title: new Set(terms(document.title)),
    body: new Set(terms(document.text)),
  }));
  const weight = new Map(
    wanted.map((term) => {
      const holding = indexed.filter(({ title, body }) => title.has(term) || body.has(term)).length;
      return [term, Math.log(1 + documents.length / (1 + holding))];
    }),
  );
  return indexed
    .map(({ document, title, body }, order) => ({
      document,
      order,
      score: wanted.reduce(
        (sum, term) =>
          sum + (weight.get(term) ?? 0) * ((body.has(term) ? 1 : 0) + (title.has(term) ? 2 : 0)),
        0,
      ),
    }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, results)
    .map(({ document }) => document);
}

/** The lookup tool over a document set. */
export function lookup(options: LookupOptions): Tool {
  const results = options.results ?? 3;
  const excerpt = options.excerpt ?? 600;
  return {
    name: 'lookup',
    description: `Searches ${options.documents.length} local documents by the words of a query and returns the best matches (id, title and text).`,
    parameters: oneStringParameter('query', 'Words to search for.'),
    textName: 'lookup',
    textArgument: 'query',
    async run(arguments_: JsonObject) {
      const query = stringArgument('lookup', arguments_, 'query');
      if (!query.ok) return query.result;
      const found = rankDocuments(options.documents, query.value, results);
      if (found.length === 0) return { ok: true, output: 'no document matches' };
      const shown = found.map((document) => {
        const text =
          document.text.length > excerpt ? `${document.text.slice(0, excerpt)}…` : document.text;
        return `[${document.id}] ${document.title}\n${text}`.replace(/\] \n/, ']\n');
      });
      return { ok: true, output: shown.join('\n\n') };
    },
  };
}
