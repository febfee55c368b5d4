/**
 * An on-disk cache of backend responses keyed by the full request (provider, endpoint and the
 * exact wire body, seed included), so a rerun of an experiment against an LLM gets the same
 * replies without calling it again. One JSON file per response under `<directory>/<aa>/<key>.json`,
 * written to a temporary name and renamed, so a reader never sees half a file. Only successful
 * responses are stored; a damaged file is treated as a miss and overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** JSON with object keys sorted, so equal requests give equal keys whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  });
}

/** The cache key of a request: sha256 of its canonical JSON. */
export function cacheKey(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** A response cache in one directory. */
export interface ResponseCache {
  readonly directory: string;
  /** The stored response for `request`, or undefined. */
  get<T>(request: unknown): Promise<T | undefined>;
  /** Stores `response` for `request`. */
  set(request: unknown, response: unknown): Promise<void>;
}

/** A cache in `directory` (created on first write). */
export function responseCache(directory: string): ResponseCache {
  const pathOf = (key: string): string => join(directory, key.slice(0, 2), `${key}.json`);
  return {
    directory,
    async get<T>(request: unknown): Promise<T | undefined> {
      const key = cacheKey(request);
      let text: string;
      try {
        text = await readFile(pathOf(key), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as { key?: string; response?: T };
        // A different key inside means a damaged or hand-edited file: ignore it.
        return entry.key === key ? entry.response : undefined;
      } catch {
        return undefined;
      }
    },
    async set(request: unknown, response: unknown): Promise<void> {
      const key = cacheKey(request);
      const path = pathOf(key);
      await mkdir(join(directory, key.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ key, request, response })}\n`);
      await rename(temporary, path);
    },
  };
}
