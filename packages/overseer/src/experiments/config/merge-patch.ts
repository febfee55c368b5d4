/**
 * RFC 7396 JSON Merge Patch and the key-path helpers over plain data that layering an
 * experiment's base, arms, sweeps and overrides needs.
 */
import type { JsonObject, JsonValue } from '../../spec/index.ts';
import type { PathSegment } from '../../util/zod-issues.ts';

/** `value` when it is a number, else `fallback`. */
export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** True for a mapping (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7396 JSON Merge Patch: mappings merge, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Whether `value` has a key at `path` (mappings only). */
export function hasPath(value: unknown, path: readonly PathSegment[]): boolean {
  let current: unknown = value;
  for (const segment of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, String(segment))) return false;
    current = current[String(segment)];
  }
  return true;
}

/** The value at `path` in nested mappings, or undefined. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** A copy of `target` with `value` at `path` (a patch that sets one key). */
export function setAt(target: JsonObject, path: readonly string[], value: JsonValue): JsonObject {
  if (path.length === 0) return target;
  const [head, ...rest] = path;
  const child = (rest.length === 0 ? value : setAt({}, rest, value)) as JsonValue;
  return { ...target, [head]: child };
}
