/** `overseer import`: a log written by another tool (Inspect's `.eval`) as a new run in the store. */
import { Option } from 'commander';
import { z } from 'zod';
import { addStoreOption } from './runs.ts';
import { verbOptions } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** The flags of `overseer import`, as commander gives them. */
const ImportFlags = z.object({
  format: z.literal('inspect'),
  store: z.string(),
});

/** `overseer import`. */
export const importVerb: Verb = {
  register(program) {
    const command = program
      .command('import')
      .description(
        'Import an Inspect .eval log (schema version 2) into the run store as a new run, so `overseer view` shows it.',
      )
      .argument('<file>', 'the log to read, e.g. logs/2025-03-01T10-00-00-00-00_gsm8k_….eval')
      .addOption(
        new Option('--format <name>', 'the log format').choices(['inspect']).makeOptionMandatory(),
      );
    addStoreOption(command).action(async (file: string, given: Record<string, unknown>) => {
      const options = verbOptions(ImportFlags, given);
      const { RunStore } = await import('../store/index.ts');
      const { importInspectLog } = await import('../export/inspect-import.ts');
      const store = RunStore.open(options.store);
      try {
        const { runId, episodes } = importInspectLog(store, file);
        process.stdout.write(`${runId}\n`);
        process.stderr.write(
          `imported ${episodes} sample${episodes === 1 ? '' : 's'} of ${file} as run ${runId}\n`,
        );
      } finally {
        store.close();
      }
    });
  },
};
