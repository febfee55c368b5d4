/**
 * The built web UI (packages/viewer/dist) as files to serve: where it is, what type each file
 * is, and a path lookup that never leaves the directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OverseerError } from '../errors.ts';

/** Where `npm ci` builds the viewer: packages/viewer/dist. */
export function defaultViewerDirectory(): string {
  return fileURLToPath(new URL('../../../viewer/dist/', import.meta.url));
}

/** The built viewer's directory; an error saying how to build it when it is missing. */
export function requireViewerBuild(directory = defaultViewerDirectory()): string {
  if (!existsSync(join(directory, 'index.html'))) {
    throw new OverseerError(
      'viewer.not-built',
      `the web viewer is not built (${directory} is missing)`,
      {
        hint: 'run `npm ci` at the repository root, or `npm run build -w @overseer/viewer`',
      },
    );
  }
  return resolve(directory);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file to send. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Vite's hashed assets never change; index.html must be re-read every time. */
  immutable: boolean;
}

/**
 * The file that `pathname` names inside `root` (`/` is index.html), or undefined when there is
 * none or the path would leave `root`.
 */
export function staticFile(root: string, pathname: string): StaticFile | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = resolve(root, relative);
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  return {
    body: readFileSync(path),
    contentType: contentTypes[extname(path)] ?? 'application/octet-stream',
    immutable: relative.startsWith('assets/'),
  };
}
