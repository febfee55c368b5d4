/**
 * `overseer run FILE [--seed S] [--out DIR] [--store DIR]`: runs every arm of an experiment file
 * (rounds of amplify → oversee → distill → evaluate), resumably, then prints the headline table
 * and where the report is. `runExperimentFile` is the same as a function, for `overseer start`.
 */
import { OverseerError } from '../errors.ts';
import type { RunOutcome } from '../experiments/run.ts';
import type { ProgressMode } from '../experiments/run-progress.ts';
import { z } from 'zod';
import { integerArgument, settingArgument, verbOptions } from './arguments.ts';
import { shownPath, storeCommands } from './shown-path.ts';
import type { Verb } from './verbs.ts';

/** Options of `runExperimentFile` (the flags of `overseer run`). */
export interface RunFileOptions {
  /** Run directory (default `runs/<file name>`). */
  out?: string;
  /** Store directory (default `.overseer/`). */
  store?: string;
  /** Run only this seed. */
  seed?: number;
  /** `key.path=value` overrides. */
  set?: string[];
  /** Discard saved progress in the run directory and start over. */
  restart?: boolean;
  /** Print one JSON object instead of the table, and no progress. */
  json?: boolean;
  /** How progress is shown on stderr (default: a bar on a terminal, lines otherwise). */
  progress?: ProgressMode;
  /** The command line to record in the results (default: reconstructed from the options). */
  command?: string;
  /** Where the table goes (default stdout). */
  output?: NodeJS.WritableStream;
  /** Play the episodes on `overseer worker`s through the queue in this Redis (URL or socket). */
  queue?: string;
}

/** Reconstructs the command line of a run from its options. */
function commandLine(path: string, options: RunFileOptions): string {
  const parts = ['npx overseer run', path];
  if (options.seed !== undefined) parts.push(`--seed ${options.seed}`);
  if (options.out !== undefined) parts.push(`--out ${options.out}`);
  if (options.store !== undefined) parts.push(`--store ${options.store}`);
  for (const setting of options.set ?? []) parts.push(`--set ${setting}`);
  return parts.join(' ');
}

/**
 * Runs (or resumes) an experiment file and prints the headline table and where the results
 * and report are; with `json`, one JSON object instead. Throws when an arm failed (after
 * printing), so the exit code says so.
 */
export async function runExperimentFile(
  path: string,
  options: RunFileOptions = {},
): Promise<RunOutcome> {
  const { runExperiments } = await import('../experiments/run.ts');
  const { formatTable } = await import('../experiments/report.ts');
  const { formatDuration } = await import('../experiments/run-progress.ts');
  const { writableStore } = await import('../store/open-run-store.ts');
  const output = options.output ?? process.stdout;
  // A Postgres store is written through a local staging store that forwards its events.
  const local = options.store === undefined ? undefined : await writableStore(options.store);
  const outcome = await runExperiments({
    file: path,
    command: options.command ?? commandLine(path, options),
    ...(options.out === undefined ? {} : { out: options.out }),
    ...(local === undefined ? {} : { store: local.directory }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.set === undefined ? {} : { set: options.set }),
    ...(options.restart ? { restart: true } : {}),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.json
      ? { progress: 'quiet' as const }
      : options.progress === undefined
        ? {}
        : { progress: options.progress }),
  }).finally(() => local?.close());
  if (options.json) {
    output.write(
      `${JSON.stringify({
        runId: outcome.runId,
        store: outcome.storeDirectory,
        directory: outcome.directory,
        results: outcome.resultsPath,
        report: { markdown: outcome.report.markdown, html: outcome.report.html },
        resumed: outcome.resumed,
        wallSeconds: outcome.wallSeconds,
        failed: outcome.failed.map((unit) => ({ unit: unit.key, error: unit.error })),
        arms: outcome.results.arms.map(({ experiment, arm, metrics, status }) => ({
          experiment,
          arm,
          metrics,
          status,
        })),
      })}\n`,
    );
  } else {
    const commands = storeCommands(outcome.storeDirectory);
    output.write(
      [
        '',
        formatTable(outcome.results).trimEnd(),
        '',
        `report   ${shownPath(outcome.report.html)} (and ${shownPath(outcome.report.markdown)})`,
        `results  ${shownPath(outcome.resultsPath)}`,
        `run      ${outcome.runId} in ${shownPath(outcome.storeDirectory)}`,
        `view     ${commands.view}`,
        `list     ${commands.runs}`,
        `time     ${formatDuration(outcome.wallSeconds)}${outcome.resumed ? ' (this attempt; resumed)' : ''}`,
        '',
      ].join('\n'),
    );
  }
  if (outcome.failed.length > 0) {
    throw new OverseerError(
      'run.arms-failed',
      `${outcome.failed.length} arm × seed unit(s) failed: ${outcome.failed
        .map((unit) => `${unit.key} (${unit.error?.message ?? 'unknown error'})`)
        .join('; ')}`,
      {
        hint: 'the errors are in results.json and the report; rerun the same command to retry them',
      },
    );
  }
  return outcome;
}

/** The flags of `overseer run`, as commander gives them. */
const RunFlags = z.object({
  seed: z.number().optional(),
  out: z.string().optional(),
  store: z.string().optional(),
  set: z.array(z.string()).optional(),
  restart: z.boolean(),
  queue: z.string().optional(),
  json: z.boolean(),
});

/** `overseer run`. */
export const runVerb: Verb = {
  register(program) {
    program
      .command('run')
      .description(
        'Run an experiment file: rounds of amplify → oversee → distill → evaluate for every arm; resumable.',
      )
      .argument('<file>', 'experiment file, e.g. examples/quickstart.yaml')
      .option('--seed <n>', 'run only this seed', integerArgument(0))
      .option(
        '--out <dir>',
        'run directory for checkpoints, results and reports (default runs/<file name>)',
      )
      .option(
        '--store <dir|url>',
        'run store directory (default .overseer/), or Postgres database (postgres://…)',
      )
      .option(
        '--set <key=value>',
        'change a key of every arm, e.g. --set rounds=1 (repeatable)',
        settingArgument,
      )
      .option('--restart', 'discard saved progress in the run directory and start over', false)
      .option(
        '--queue <redis>',
        'play episodes on `overseer worker`s: redis://HOST:PORT or a unix socket path',
      )
      .option('--json', 'print one JSON object, no table and no progress', false)
      .action(async (file: string, given: unknown) => {
        const options = verbOptions(RunFlags, given);
        await runExperimentFile(file, {
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.out === undefined ? {} : { out: options.out }),
          ...(options.store === undefined ? {} : { store: options.store }),
          ...(options.set === undefined ? {} : { set: options.set }),
          restart: options.restart === true,
          json: options.json === true,
          ...(options.queue === undefined ? {} : { queue: options.queue }),
        });
      });
  },
};
