/**
 * The viewer API's paths, built in one place: the web UI requests them and a static HTML export
 * stores its answers under exactly these keys. No imports, so the browser bundle can share it.
 */

const segment = (value: string): string => encodeURIComponent(value);

/** Paths of the viewer API. */
export const apiPaths = {
  session: (): string => '/api/session',
  runs: (): string => '/api/runs',
  run: (runId: string): string => `/api/runs/${segment(runId)}`,
  episodes: (runId: string): string => `/api/runs/${segment(runId)}/episodes`,
  episode: (runId: string, episodeId: string): string =>
    `/api/runs/${segment(runId)}/episodes/${segment(episodeId)}`,
  /** The first page of events has no query, so an export can hold it under this key. */
  events: (runId: string, after = 0): string =>
    `/api/runs/${segment(runId)}/events${after > 0 ? `?after=${after}` : ''}`,
  search: (query: string, runId?: string): string =>
    `/api/search?q=${segment(query)}${runId === undefined || runId === '' ? '' : `&run=${segment(runId)}`}`,
  queue: (): string => '/api/queue',
  rating: (itemId: string): string => `/api/queue/${segment(itemId)}/rating`,
};

/** The id of the script element in which a static export embeds its data. */
export const STATIC_DATA_ELEMENT_ID = 'overseer-data';
