/**
 * Copies runs' events from one store to another through the target's own append (so its
 * materialiser projects them the same way), tailing by seq: each call copies only the events the
 * target does not have yet, so calling it again keeps a copy of a live run up to date. A copy's
 * seqs are the source's, since both number a run's events 1, 2, … in log order.
 */
import type { AsyncRunStore } from './async-run-store.ts';

/** Options of `copyNewEvents`. */
export interface CopyEventsOptions {
  /** Only these runs (default: every run of the source). */
  runIds?: readonly string[];
  /** Events per appended batch (default 500). */
  batchSize?: number;
}

/** Appends to `target` every event of `source` it lacks; how many events it copied. */
export async function copyNewEvents(
  source: AsyncRunStore,
  target: AsyncRunStore,
  options: CopyEventsOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const runIds = options.runIds ?? (await source.listRuns()).map((run) => run.id);
  let copied = 0;
  for (const runId of runIds) {
    let last = (await target.getRun(runId))?.eventCount ?? 0;
    for (;;) {
      const events = await source.events(runId, last, batchSize);
      if (events.length === 0) break;
      await target.append(events.map((stored) => stored.event));
      last = events[events.length - 1].seq;
      copied += events.length;
    }
  }
  return copied;
}
