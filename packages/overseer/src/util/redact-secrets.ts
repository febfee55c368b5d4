/**
 * Secrets written into a configuration (an `apiKey` in an experiment file's policy options) are
 * used to build what they configure but never recorded: a run's stored configuration, shown by
 * the viewer and exported, carries a placeholder in their place.
 */

/** Option names whose values are secrets, however they are cased or separated. */
const SECRET_KEY = /^(api[-_]?key|authorization|password|secret|access[-_]?token)$/i;

/** What a secret's value is recorded as. */
export const REDACTED = '(redacted)';

/** A copy of `value` with every secret-named key's value replaced by `REDACTED`. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item),
    ]),
  ) as T;
}
