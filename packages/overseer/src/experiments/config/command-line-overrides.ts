/**
 * `--set key.path=value` and `--seed N` applied to an experiment read by a runner of its own
 * (`kind: control`, `kind: judge-vs-writer`), before its schema parses it; the loop's experiments
 * apply them in expansion.ts, arm by arm.
 */
import { parseDocument } from 'yaml';
import { OverseerError } from '../../errors.ts';
import type { JsonValue } from '../../spec/index.ts';
import { mergePatch, setAt } from './merge-patch.ts';

/** `value` with every `--set` merged in (values read as YAML) and `seeds` replaced by `--seed`. */
export function applyCommandLineOverrides(
  value: unknown,
  overrides: { seed?: number; set?: readonly string[] },
  example: string,
): JsonValue {
  let raw = value as JsonValue;
  for (const setting of overrides.set ?? []) {
    const equals = setting.indexOf('=');
    const key = equals < 0 ? '' : setting.slice(0, equals).trim();
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
      throw new OverseerError('config.invalid', `--set ${setting}: expected key.path=value`, {
        hint: `e.g. --set ${example}`,
      });
    }
    const setValue = parseDocument(setting.slice(equals + 1)).toJS() as JsonValue;
    raw = mergePatch(raw, setAt({}, key.split('.'), setValue)) as JsonValue;
  }
  if (overrides.seed !== undefined) raw = mergePatch(raw, { seeds: [overrides.seed] }) as JsonValue;
  return raw;
}
