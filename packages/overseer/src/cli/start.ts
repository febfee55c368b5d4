import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runExperimentFile } from './run.ts';
import { integerArgument } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** The quickstart experiment shipped with the project (scaled-down IDA and tampering). */
export const QUICKSTART_FILE = fileURLToPath(
  new URL('../../../../examples/quickstart.yaml', import.meta.url),
);

/** `overseer start`: what `npm start` runs — the quickstart experiment, offline, resumable. */
export const startVerb: Verb = {
  register(program: Command) {
    program
      .command('start')
      .description(
        'Run the main job offline on the embedded model: examples/quickstart.yaml (IDA vs supervised; outcome- vs process-based RL on camera-dropbox), then print the table and where the report is.',
      )
      .option(
        '--out <dir>',
        'run directory (reports, results.json, checkpoints)',
        'runs/quickstart',
      )
      .option('--store <dir>', 'run store directory', '.overseer')
      .option('--seed <n>', 'run only this seed', integerArgument(0))
      .option('--restart', 'discard saved progress and start over', false)
      .action(async (options: { out: string; store: string; seed?: number; restart: boolean }) => {
        await runExperimentFile(QUICKSTART_FILE, {
          out: options.out,
          store: options.store,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.restart ? { restart: true } : {}),
        });
      });
  },
};
