/**
 * `overseer export`: a stored run as JSONL for existing trainers (TRL SFT/DPO/PRM, OpenAI
 * fine-tuning, PRM800K-style labels), to a file or to standard output.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Option } from 'commander';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import {
  directoryExportFormats,
  exportFormatNames,
  exportFormatNamed,
  exportRun,
} from '../export/index.ts';
import type { ExportOptions } from '../export/index.ts';
import { addStoreOption } from './runs.ts';
import { integerArgument, numberArgument, verbOptions } from './arguments.ts';
import type { Verb } from './verbs.ts';
import { LoopPhase } from '../spec/index.ts';

/**
 * Writes `lines` with newlines to `stream`, waiting when it is full; returns how many it wrote.
 * When the reader goes away (`overseer export … | head`), it stops quietly, as other tools do.
 */
async function writeLines(lines: Iterable<string>, stream: Writable): Promise<number> {
  let count = 0;
  try {
    for (const line of lines) {
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
      count += 1;
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EPIPE') throw error;
  }
  return count;
}

/** What `overseer export` was asked for; the flags map onto it one to one. */
export interface ExportRequest extends ExportOptions {
  run: string;
  format: string;
  store: string;
  /** A file to write (replaced whole, never left half-written); standard output if absent. */
  out?: string;
}

/** Exports a run as asked; returns the number of lines written. */
export async function runExport(request: ExportRequest): Promise<number> {
  exportFormatNamed(request.format);
  const { run, format, store: directory, out, ...options } = request;
  const { RunStore } = await import('../store/index.ts');
  const { readableStore } = await import('../store/open-run-store.ts');
  const local = await readableStore(directory);
  const store = RunStore.open(local.directory, { readOnly: true });
  try {
    const lines = exportRun(store, run, format, options);
    if (out === undefined) return await writeLines(lines, process.stdout);
    const temporary = `${out}.partial-${process.pid}`;
    const file = createWriteStream(temporary);
    try {
      await once(file, 'open');
      const count = await writeLines(lines, file);
      file.end();
      await once(file, 'finish');
      renameSync(temporary, out);
      return count;
    } catch (error) {
      file.destroy();
      rmSync(temporary, { force: true });
      throw error;
    }
  } finally {
    store.close();
    await local.close();
  }
}

/** The flags of `overseer export` (JSONL formats), as commander gives them. */
const ExportFlags = z.object({
  run: z.string(),
  format: z.string(),
  store: z.string(),
  out: z.string().optional(),
  iteration: z.number().optional(),
  experiment: z.string().optional(),
  arm: z.string().optional(),
  onlyCorrect: z.boolean(),
  phase: LoopPhase.optional(),
  overseer: z.string().optional(),
  answerOnly: z.boolean(),
  allNodes: z.boolean(),
  system: z.string().optional(),
  weights: z.boolean(),
  margin: z.number().optional(),
  maxPairs: z.number().optional(),
});

/** `overseer export --format inspect`: the run as Inspect logs in the `--out` directory. */
async function exportInspect(options: z.infer<typeof ExportFlags>): Promise<void> {
  if (options.out === undefined) {
    throw new OverseerError('cli.missing-out', '--format inspect writes a directory of logs', {
      hint: 'add --out DIR (e.g. --out logs), then `inspect view --log-dir DIR`',
    });
  }
  const { RunStore } = await import('../store/index.ts');
  const { readableStore } = await import('../store/open-run-store.ts');
  const local = await readableStore(options.store);
  const store = RunStore.open(local.directory, { readOnly: true });
  try {
    const { files, samples } = directoryExportFormats.inspect.write(
      store,
      options.run,
      options.out,
      {
        ...(options.iteration === undefined ? {} : { iteration: options.iteration }),
        ...(options.experiment === undefined ? {} : { experiment: options.experiment }),
        ...(options.arm === undefined ? {} : { arm: options.arm }),
        onlyCorrect: options.onlyCorrect,
        ...(options.phase === undefined ? {} : { phase: options.phase }),
      },
    );
    process.stderr.write(
      `wrote ${files.length} Inspect log${files.length === 1 ? '' : 's'} (${samples} sample${samples === 1 ? '' : 's'}) and listing.json to ${options.out}\n`,
    );
  } finally {
    store.close();
    await local.close();
  }
}

/** `overseer export`. */
export const exportVerb: Verb = {
  register(program) {
    const command = program
      .command('export')
      .description(
        'Export a stored run as one self-contained HTML page of the viewer (--format html --out DIR), as JSONL for a trainer (TRL, OpenAI fine-tuning, PRM800K), or as Inspect .eval logs (--format inspect --out DIR).',
      )
      .requiredOption('--run <id>', 'run id (see `overseer runs`)')
      .requiredOption(
        '--format <name>',
        `one of: ${[...exportFormatNames, ...Object.keys(directoryExportFormats)].join(', ')}, html`,
      )
      .option(
        '--out <file>',
        'file to write (default: standard output); for html and inspect, a directory',
      )
      .option('--iteration <n>', 'only episodes of this iteration', integerArgument(0))
      .option('--experiment <name>', 'only episodes of this experiment of an `overseer run`')
      .option('--arm <name>', 'only episodes of this arm (of --experiment, when given)')
      .option('--only-correct', 'only episodes whose graded answer was correct', false)
      .addOption(
        new Option(
          '--phase <name>',
          'only episodes `overseer run` played in this phase (amplify: what IDA distils; rollout: RL samples)',
        ).choices([...LoopPhase.options]),
      )
      .option('--overseer <name>', 'use only the judgments of this overseer')
      .option('--answer-only', 'SFT formats: train on the final answer, not the transcript', false)
      .option('--all-nodes', 'SFT formats: every sub-question is an example too', false)
      .option('--system <text>', 'openai-sft: a system message for every example')
      .option('--weights', 'openai-sft: weight 0 on assistant turns judged ≤ 0', false)
      .option(
        '--margin <x>',
        'trl-dpo: least score difference of a pair',
        numberArgument('non-negative'),
      )
      .option('--max-pairs <n>', 'trl-dpo: at most n pairs per prompt', integerArgument(1));
    addStoreOption(command).action(async (given: Record<string, unknown>) => {
      // html is pages for people, not JSONL rows: a self-contained copy of the run's viewer pages.
      if (given.format === 'html') {
        const { exportHtmlVerb } = await import('../viewer-server/html-export.ts');
        return exportHtmlVerb(given);
      }
      // inspect writes a directory of logs, not JSONL rows.
      if (given.format === 'inspect') return exportInspect(verbOptions(ExportFlags, given));
      const options = verbOptions(ExportFlags, given);
      const out = options.out;
      const count = await runExport({
        run: options.run,
        format: options.format,
        store: options.store,
        ...(out === undefined ? {} : { out }),
        ...(options.iteration === undefined ? {} : { iteration: options.iteration }),
        ...(options.experiment === undefined ? {} : { experiment: options.experiment }),
        ...(options.arm === undefined ? {} : { arm: options.arm }),
        onlyCorrect: options.onlyCorrect,
        ...(options.phase === undefined ? {} : { phase: options.phase }),
        ...(options.overseer === undefined ? {} : { overseer: options.overseer }),
        target: options.answerOnly ? 'answer' : 'transcript',
        allNodes: options.allNodes,
        ...(options.system === undefined ? {} : { system: options.system }),
        weights: options.weights,
        ...(options.margin === undefined ? {} : { margin: options.margin }),
        ...(options.maxPairs === undefined ? {} : { maxPairsPerPrompt: options.maxPairs }),
      });
      process.stderr.write(
        `wrote ${count} ${options.format} line${count === 1 ? '' : 's'}${out === undefined ? '' : ` to ${out}`}\n`,
      );
    });
  },
};
