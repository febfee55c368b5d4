/**
 * `overseer export --format html`: a run's viewer pages as ONE self-contained file (OUT/index.html)
 * that opens from disk with no server — the built viewer's script and styles inlined, and the
 * run's API answers (run, metrics, episodes with their traces and judgments, event log) embedded
 * as JSON that the viewer reads instead of fetching. Transcripts are untrusted text: the JSON is
 * escaped so no text can close its script element, the viewer renders it only as text, and a
 * Content-Security-Policy lets only the viewer's own script (by hash) run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OverseerError } from '../errors.ts';
import { RunStore } from '../store/index.ts';
import { apiPaths, STATIC_DATA_ELEMENT_ID } from './api-paths.ts';
import type {
  EventsResponse,
  RunResponse,
  RunsResponse,
  SessionResponse,
  StaticData,
} from './api-types.ts';
import { requireViewerBuild } from './static-files.ts';

/** What an HTML export wrote. */
export interface HtmlExportResult {
  /** The file written: OUT/index.html. */
  path: string;
  episodes: number;
  events: number;
  bytes: number;
}

/** The API answers of one run, keyed by the paths the viewer requests. */
export function runStaticData(store: RunStore, runId: string, time = new Date()): StaticData {
  const run = store.listing(store.requireRun(runId));
  const episodes = store.episodes(runId);
  const responses: Record<string, unknown> = {};
  const session: SessionResponse = { mode: 'static', exportedAt: time.toISOString() };
  responses[apiPaths.session()] = session;
  const runs: RunsResponse = [run];
  responses[apiPaths.runs()] = runs;
  const detail: RunResponse = {
    run,
    metrics: store.metrics(runId),
    checkpoints: store.checkpoints(runId),
  };
  responses[apiPaths.run(runId)] = detail;
  responses[apiPaths.episodes(runId)] = episodes;
  for (const record of store.episodeRecords(runId)) {
    responses[apiPaths.episode(runId, record.episode.id)] = record;
  }
  const events: EventsResponse = { events: store.events(runId), next: null };
  responses[apiPaths.events(runId)] = events;
  return { session, responses };
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: every `<` escaped, so no
 * text (a model writing `</script>`) can end the element early.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The viewer's script made safe to inline: `</script` and `<!--` cannot occur in it outside
 * string or regular-expression literals, where the escaped forms mean the same.
 */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Reads the built viewer's script and stylesheet named in its index.html. */
function viewerAssets(directory: string): { script: string; styles: string } {
  const index = readFileSync(join(directory, 'index.html'), 'utf8');
  const script = /<script[^>]*\bsrc="\.?\/?([^"]+)"[^>]*><\/script>/.exec(index);
  const styles = [...index.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="\.?\/?([^"]+)"[^>]*>/g)];
  if (script === null) {
    throw new OverseerError(
      'viewer.not-built',
      `${directory}/index.html names no script: the viewer build is broken`,
      {
        hint: 'rebuild it with `npm run build -w @overseer/viewer`',
      },
    );
  }
  return {
    script: readFileSync(join(directory, script[1]), 'utf8'),
    styles: styles.map((match) => readFileSync(join(directory, match[1]), 'utf8')).join('\n'),
  };
}

/** Escapes text for an HTML text node or attribute. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The whole page for `data`, with the viewer built in `viewerDirectory`. */
export function staticPage(data: StaticData, title: string, viewerDirectory?: string): string {
  const directory = requireViewerBuild(viewerDirectory);
  const { script, styles } = viewerAssets(directory);
  const code = inlineScript(script);
  const hash = createHash('sha256').update(code, 'utf8').digest('base64');
  const policy = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    `<meta http-equiv="Content-Security-Policy" content="${policy}" />`,
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${styles.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body>',
    '<div id="root"></div>',
    `<script type="application/json" id="${STATIC_DATA_ELEMENT_ID}">${scriptSafeJson(data)}</script>`,
    `<script type="module">${code}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes run `runId` of the store in `storeDirectory` as OUT/index.html. */
export function exportRunHtml(
  storeDirectory: string,
  runId: string,
  outDirectory: string,
  options: { viewerDirectory?: string; time?: Date } = {},
): HtmlExportResult {
  const store = RunStore.open(storeDirectory, { readOnly: true });
  let page: string;
  let data: StaticData;
  try {
    data = runStaticData(store, runId, options.time);
    page = staticPage(data, `Overseer run ${runId}`, options.viewerDirectory);
  } finally {
    store.close();
  }
  const out = resolve(outDirectory);
  mkdirSync(out, { recursive: true });
  const path = join(out, 'index.html');
  const temporary = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(temporary, page);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const events = (data.responses[apiPaths.events(runId)] as EventsResponse).events.length;
  const episodes = Object.keys(data.responses).filter((key) =>
    key.startsWith(`${apiPaths.episodes(runId)}/`),
  ).length;
  return { path, episodes, events, bytes: Buffer.byteLength(page) };
}

/** `overseer export --format html --run ID --out DIR [--store S]`, as the export verb calls it. */
export async function exportHtmlVerb(options: Record<string, unknown>): Promise<void> {
  const out = options.out as string | undefined;
  if (out === undefined) {
    throw new OverseerError(
      'export.html-needs-out',
      '--format html writes a directory: pass --out DIR',
      {
        hint: 'e.g. overseer export --run ID --format html --out published/ID',
      },
    );
  }
  const result = exportRunHtml(options.store as string, options.run as string, out);
  process.stderr.write(
    `wrote run ${options.run as string} (${result.episodes} episodes, ${result.events} events, ${result.bytes} bytes) to ${result.path}\n`,
  );
}
