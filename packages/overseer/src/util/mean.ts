/**
 * The one average every metric is built from, and the share (the average of a yes/no). Both are
 * 0 over nothing — the loop's tables have always shown an empty average as 0 — so a metric for
 * which "nothing to measure" must read differently from 0 (trace error) checks for it itself.
 */

/** The arithmetic mean of `values`; 0 when there are none. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The share of `items` for which `test` holds; 0 when there are none. */
export function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  if (items.length === 0) return 0;
  return items.filter(test).length / items.length;
}
