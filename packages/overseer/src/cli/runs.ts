/**
 * `overseer runs`: the runs in a store, newest first, as a table or as JSON — each with what it
 * is (the file, experiments and arms, or what was evaluated) and its headline numbers.
 */
import type { Command } from 'commander';
import type { Verb } from './verbs.ts';

/** Adds `--store <dir>` (default `.overseer/` in the working directory) to a command. */
export function addStoreOption(command: Command): Command {
  return command.option(
    '--store <dir|url>',
    'run store directory, or a Postgres URL (postgres://…)',
    '.overseer',
  );
}

/** `overseer runs`. */
export const runsVerb: Verb = {
  register(program) {
    const command = program
      .command('runs')
      .description(
        'List the runs in a run store, newest first: what each is (experiment file, experiments and arms, or what was evaluated) and its headline numbers.',
      )
      .option('--json', 'print the runs as JSON (one array)', false);
    addStoreOption(command).action(async (options: { store: string; json: boolean }) => {
      const { RunStore } = await import('../store/index.ts');
      const { readableStore } = await import('../store/open-run-store.ts');
      const { describeRuns } = await import('./runs-table.ts');
      const local = await readableStore(options.store);
      const store = RunStore.open(local.directory, { readOnly: true });
      try {
        const runs = store.listRunListings();
        if (options.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        else if (runs.length === 0) process.stdout.write(`no runs in ${store.directory}\n`);
        else process.stdout.write(describeRuns(runs));
      } finally {
        store.close();
        await local.close();
      }
    });
  },
};
