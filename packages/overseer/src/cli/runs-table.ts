/**
 * The table `overseer runs` prints: one line per run with what it is and its headline numbers.
 * Its own file so the verb loads it (and the store's overview code) only when it runs.
 */
import type { RunListing } from '../store/index.ts';
import { formatHeadline } from '../store/headline.ts';

/** Text on one line: a recorded text may hold anything, newlines included. */
function oneLine(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * One row per run: id, status, start, episodes, events, what it is (file, experiments and arms,
 * or what was evaluated), its headline numbers and the error if it failed.
 */
export function describeRuns(runs: RunListing[]): string {
  const rows = [
    [
      'RUN',
      'STATUS',
      'STARTED',
      'EPISODES (ok/failed/running)',
      'EVENTS',
      'WHAT',
      'HEADLINE',
      'ERROR',
    ],
    ...runs.map((run) => [
      run.id,
      run.status,
      run.startedAt,
      `${run.episodes.finished}/${run.episodes.failed}/${run.episodes.running}`,
      String(run.eventCount),
      oneLine(run.overview.label) || '—',
      formatHeadline(run.overview.headline) || '—',
      oneLine(run.error?.message ?? ''),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return `${rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
