/** `overseer runs`: the runs in a store, newest first, as a table or as JSON. */
import type { Command } from 'commander';
import type { RunRecord } from '../store/index.ts';
import type { Verb } from './verbs.ts';

/** Adds `--store <dir>` (default `.overseer/` in the working directory) to a command. */
export function addStoreOption(command: Command): Command {
  return command.option('--store <dir>', 'run store directory', '.overseer');
}

/** One row per run: id, status, start, episodes, events and the error if it failed. */
export function describeRuns(runs: RunRecord[]): string {
  const rows = [
    ['RUN', 'STATUS', 'STARTED', 'EPISODES (ok/failed/running)', 'EVENTS', 'ERROR'],
    ...runs.map((run) => [
      run.id,
      run.status,
      run.startedAt,
      `${run.episodes.finished}/${run.episodes.failed}/${run.episodes.running}`,
      String(run.eventCount),
      // One line per run: an error message from a log may hold anything, newlines included.
      JSON.stringify(run.error?.message ?? '').slice(1, -1),
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

/** `overseer runs`. */
export const runsVerb: Verb = {
  register(program) {
    const command = program
      .command('runs')
      .description('List the runs in a run store, newest first.')
      .option('--json', 'print the runs as JSON (one array)', false);
    addStoreOption(command).action(async (options: { store: string; json: boolean }) => {
      const { RunStore } = await import('../store/index.ts');
      const store = RunStore.open(options.store, { readOnly: true });
      try {
        const runs = store.listRuns();
        if (options.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        else if (runs.length === 0) process.stdout.write(`no runs in ${store.directory}\n`);
        else process.stdout.write(describeRuns(runs));
      } finally {
        store.close();
      }
    });
  },
};
