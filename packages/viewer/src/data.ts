/**
 * Where the viewer's data comes from: the API of `overseer view`, or — in a static HTML export —
 * the answers embedded in the page as JSON. Also keeps the rating token and the rater's name.
 */
import { useCallback, useEffect, useState } from 'react';
import { apiPaths, STATIC_DATA_ELEMENT_ID } from '../../overseer/src/viewer-server/api-paths.ts';
import type { ErrorResponse, QueueItem, RatingRequest, StaticData } from './types.ts';

export { apiPaths };

/** An error answer of the API (or a missing page of an export). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let cachedStatic: StaticData | null | undefined;

/** The embedded export data, or null when the viewer runs against a server. */
export function staticData(): StaticData | null {
  if (cachedStatic !== undefined) return cachedStatic;
  const element =
    typeof document === 'undefined' ? null : document.getElementById(STATIC_DATA_ELEMENT_ID);
  cachedStatic = element?.textContent ? (JSON.parse(element.textContent) as StaticData) : null;
  return cachedStatic;
}

/** True in a static export (read-only: no queue, no search). */
export function isStatic(): boolean {
  return staticData() !== null;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ErrorResponse> | undefined;
  try {
    body = (await response.json()) as Partial<ErrorResponse>;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'http',
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.hint,
  );
}

/** GETs `path` from the API (or the export's embedded answers). */
export async function getJson<T>(path: string): Promise<T> {
  const data = staticData();
  if (data !== null) {
    if (!Object.hasOwn(data.responses, path)) {
      throw new ApiError(404, 'export.missing', `this export does not contain ${path}`);
    }
    return data.responses[path] as T;
  }
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

/** Sends a rating of a queued step with the token. */
export async function postRating(
  itemId: string,
  rating: RatingRequest,
  token: string,
): Promise<QueueItem> {
  const response = await fetch(apiPaths.rating(itemId), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(rating),
  });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as QueueItem;
}

/** What `useApi` holds: the answer, the error, whether it is loading, and a way to reload. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads `path` (null: nothing to load) and reloads when it changes or `reload` is called. */
export function useApi<T>(path: string | null, refreshMilliseconds?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    getJson<T>(path)
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      })
      .catch((caught: unknown) => {
        if (live) setError(caught instanceof Error ? caught : new Error(String(caught)));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [path, generation]);
  useEffect(() => {
    if (refreshMilliseconds === undefined || isStatic()) return;
    const timer = setInterval(reload, refreshMilliseconds);
    return () => clearInterval(timer);
  }, [refreshMilliseconds, reload]);
  return { data, error, loading, reload };
}

const TOKEN_KEY = 'overseer-rating-token';
const RATER_KEY = 'overseer-rater';

function storage(kind: 'session' | 'local'): Storage | undefined {
  try {
    return kind === 'session' ? window.sessionStorage : window.localStorage;
  } catch {
    return undefined;
  }
}

/** The rating token of this tab (from the start-up link or pasted), or ''. */
export function savedToken(): string {
  return storage('session')?.getItem(TOKEN_KEY) ?? '';
}

/**
 * Takes the rating token out of the start-up link (`#/queue?token=…`): keeps it for this tab and
 * removes it from the address bar and history. Runs before the first render (so every page sees
 * the token from the start) and on every fragment change before the router reads it.
 */
export function watchTokenInLocation(): void {
  adoptTokenFromLocation();
  window.addEventListener('hashchange', adoptTokenFromLocation);
}

function adoptTokenFromLocation(): void {
  const hash = window.location.hash;
  const at = hash.indexOf('?');
  if (at < 0) return;
  const query = new URLSearchParams(hash.slice(at + 1));
  const token = query.get('token');
  if (token === null) return;
  saveToken(token);
  query.delete('token');
  const rest = query.toString();
  window.history.replaceState(null, '', `${hash.slice(0, at)}${rest === '' ? '' : `?${rest}`}`);
}

/** Keeps the rating token for this tab only. */
export function saveToken(token: string): void {
  storage('session')?.setItem(TOKEN_KEY, token.trim());
}

/** The rater's name, remembered across visits. */
export function savedRater(): string {
  return storage('local')?.getItem(RATER_KEY) ?? '';
}

/** Remembers the rater's name. */
export function saveRater(rater: string): void {
  storage('local')?.setItem(RATER_KEY, rater);
}
