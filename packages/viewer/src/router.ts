/**
 * Routing by the URL fragment (`#/runs/ID`), so the same pages work under `overseer view` and
 * from a static export opened as a file.
 */
import { useEffect, useState } from 'react';

/** A route: path segments (decoded) and query parameters of the fragment. */
export interface Route {
  segments: string[];
  query: URLSearchParams;
}

/** Parses a fragment such as `#/runs/r1/episodes/e0?step=s3`. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [path, search = ''] = text.split('?', 2);
  const segments = path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  return { segments, query: new URLSearchParams(search) };
}

/** The fragment of a page: `href('runs', id)` → `#/runs/<id>`. */
export function href(...segments: string[]): string {
  return `#/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/** The current route, updated on every fragment change. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return parseRoute(hash);
}
