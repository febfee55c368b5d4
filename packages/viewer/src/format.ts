/** Small formatting helpers shared by the pages (numbers, durations, dates, config fields). */
import type { JsonValue, RunRecord } from './types.ts';

/** A number with at most 4 significant decimals; integers as they are. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4).replace(/\.?0+$/, '');
}

/** Milliseconds as `850 ms`, `2.4 s` or `3 min 5 s`. */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined) return '—';
  if (milliseconds < 1000)
    return `${milliseconds < 10 ? milliseconds.toFixed(1) : Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** An ISO time as `2025-01-31 12:00:05` (UTC, as stored). */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace('Z', '');
}

/** A signed number with fixed digits: `+0.93`, `−1.010`. */
export function formatSigned(value: number, digits = 2): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 ? `−${text}` : `+${text}`;
}

/** A PRM800K rating as `+1`, `0` or `−1`. */
export function formatRating(rating: number | undefined): string {
  if (rating === undefined) return '—';
  return rating > 0 ? '+1' : rating < 0 ? '−1' : '0';
}

/** The value at a dotted path of a JSON object, e.g. `task.name`. */
export function pick(value: JsonValue | undefined, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, JsonValue>)[key];
  }
  return current;
}

/** A registry reference or plain name in a run config as its name (`decompose`), or ''. */
export function nameAt(config: RunRecord['config'], key: string): string {
  const value = config[key];
  if (typeof value === 'string') return value;
  const name = pick(value, 'name');
  return typeof name === 'string' ? name : '';
}

/** The first number found at any of `paths` in a run's summary or config. */
export function runNumber(run: RunRecord, paths: string[]): number | undefined {
  for (const path of paths) {
    for (const source of [run.summary as JsonValue, run.config as JsonValue]) {
      const value = pick(source, path);
      if (typeof value === 'number') return value;
    }
  }
  return undefined;
}

/** Flattens a JSON object into `a.b.c` → value pairs (arrays as JSON text), sorted by key. */
export function flatten(value: JsonValue, prefix = ''): Array<[string, string]> {
  if (value === null || typeof value !== 'object')
    return [[prefix || '(value)', JSON.stringify(value)]];
  if (Array.isArray(value)) return [[prefix || '(value)', JSON.stringify(value)]];
  const entries = Object.entries(value);
  if (entries.length === 0) return [[prefix || '(value)', '{}']];
  return entries
    .flatMap(([key, item]) => flatten(item, prefix === '' ? key : `${prefix}.${key}`))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
