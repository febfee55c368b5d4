/**
 * Problem reporting for experiment files: every problem is a line `file:line:col: key.path:
 * message`, placed at the layer (base, arm, sweep or `--set`) that wrote the offending key.
 */
import type { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import { formatPath, issueProblems } from '../../util/zod-issues.ts';
import type { PathSegment } from '../../util/zod-issues.ts';
import { hasPath } from './merge-patch.ts';
import { positionKey } from './positions.ts';
import type { ConfigLayer } from './schema.ts';

/** Receives one problem at a key path of the merged config. */
export type Reporter = (path: PathSegment[], message: string, unknownKey?: boolean) => void;

/** Reports the problems of one zod issue from parsing with `schema`, under `prefix`. */
export function reportIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  prefix: PathSegment[],
  report: Reporter,
): void {
  for (const problem of issueProblems([issue], schema)) {
    report([...prefix, ...problem.path], problem.message, problem.unknownKey !== undefined);
  }
}

/** Which layer set the value at `path` (the last one that did), and how to name that place. */
export function attribute(
  layers: ConfigLayer[],
  path: PathSegment[],
  unknownKey: boolean,
): { path: PathSegment[]; prefix: string } | undefined {
  // A custom issue may sit on a key no layer wrote (a default); then blame whoever wrote its parent.
  for (let length = path.length; length > 0; length -= 1) {
    const target = path.slice(0, length);
    for (let index = layers.length - 1; index >= 0; index -= 1) {
      const layer = layers[index];
      if (!hasPath(layer.patch, target)) continue;
      if (layer.sweep !== undefined) {
        return unknownKey
          ? { path: layer.sweep.keyPath, prefix: `${formatPath(path)}: ` }
          : { path: layer.sweep.valuePath, prefix: `(${formatPath(path)}) ` };
      }
      if (layer.path[0] === '--set') {
        const same = path.join('.') === layer.path[1];
        return { path: layer.path, prefix: same ? '' : `(${formatPath(path)}) ` };
      }
      return { path: [...layer.path, ...path], prefix: '' };
    }
    if (unknownKey) break;
  }
  return undefined;
}

/** `unknown key — did you mean "x"?` and the keys it lists, split so two lists can merge. */
const UNKNOWN_KEY = /^(.*unknown key(?: — did you mean "[^"]*"\?)?) \(expected one of: (.*)\)$/;

/**
 * Collects problems as `file:line:col: key.path: message` lines. One place in the file is one
 * line: a key several arms inherit from it (the base, a `--set`) that is unknown to each of them
 * is reported once, listing the keys any of them accepts, not once per arm with different lists.
 */
export class Problems {
  private readonly lines: Array<{ head: string; known?: string[] }> = [];

  constructor(
    private readonly source: string,
    private readonly positions: ReadonlyMap<string, string>,
    /** The error's first line, when not `Invalid experiment file SOURCE`. */
    private readonly lead?: string,
  ) {}

  get count(): number {
    return this.lines.length;
  }

  add(path: PathSegment[], message: string): void {
    const position = this.positionOf(path);
    const where = path.length === 0 ? '' : `${formatPath(path)}: `;
    const place = `${this.source}${position === undefined ? '' : `:${position}`}: ${where}`;
    const unknown = UNKNOWN_KEY.exec(message);
    const head = `${place}${unknown === null ? message : unknown[1]}`;
    const known = unknown === null ? undefined : unknown[2].split(', ');
    const same = this.lines.find((line) => line.head === head);
    if (same === undefined) this.lines.push({ head, ...(known === undefined ? {} : { known }) });
    else if (same.known !== undefined && known !== undefined) {
      same.known = [...new Set([...same.known, ...known])];
    } else if (same.known !== undefined || known !== undefined) {
      this.lines.push({ head, ...(known === undefined ? {} : { known }) });
    }
  }

  addIssue(path: PathSegment[], issue: z.core.$ZodIssue, schema: z.ZodType): void {
    reportIssue(issue, schema, path, (target, message) => this.add(target, message));
  }

  error(): OverseerError {
    const lines = this.lines.map(({ head, known }) =>
      known === undefined ? head : `${head} (expected one of: ${known.join(', ')})`,
    );
    if (this.lead === undefined) return invalid(this.source, lines);
    const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
    return invalid(this.source, lines, `${this.lead} (${count}):`);
  }

  private positionOf(path: PathSegment[]): string | undefined {
    // The nearest enclosing key that exists in the file (a missing key points at its parent).
    for (let length = path.length; length >= 0; length -= 1) {
      const position = this.positions.get(positionKey(path.slice(0, length)));
      if (position !== undefined) return position;
    }
    return undefined;
  }
}

/** The error listing a file's problems (at most 30 shown). */
export function invalid(source: string, lines: string[], lead?: string): OverseerError {
  const shown = lines.slice(0, 30);
  const more = lines.length > shown.length ? [`… and ${lines.length - shown.length} more`] : [];
  const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
  return new OverseerError(
    'config.invalid',
    `${lead ?? `Invalid experiment file ${source} (${count}):`}\n${[...shown, ...more].map((line) => `  ${line}`).join('\n')}`,
    { hint: 'docs/experiments.md lists every key of an experiment file and what it accepts.' },
  );
}
