/**
 * Paths as the CLI prints them: relative to the working directory when they lie inside it, else
 * absolute, so a printed path (or command) works when pasted into the same shell; quoted when it
 * holds characters a shell would split or expand.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/** `path` relative to `workingDirectory` when inside it (`.` for itself), else absolute. */
export function shownPath(path: string, workingDirectory = process.cwd()): string {
  const absolute = resolve(workingDirectory, path);
  const inside = relative(workingDirectory, absolute);
  const shown =
    inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/** The commands that open a run store, with the `--store` they need. */
export function storeCommands(store: string): { runs: string; view: string } {
  const flag = `--store ${shownPath(store)}`;
  return { runs: `npx overseer runs ${flag}`, view: `npx overseer view ${flag}` };
}
