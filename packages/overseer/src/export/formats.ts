/**
 * The export formats by name, and `exportRun`, which turns a stored run into JSONL lines that
 * existing trainers read (TRL, OpenAI fine-tuning, PRM800K-style process labels).
 */
import { OverseerError } from '../errors.ts';
import type { EpisodeStatus, JsonObject } from '../spec/index.ts';
import type { EpisodeRecord, RunStore } from '../store/index.ts';
import { writeInspectLogs } from './inspect-log.ts';
import { openAiSftRows } from './openai-sft.ts';
import type { ExportOptions } from './options.ts';
import { prm800kRows } from './prm800k.ts';
import { trlDpoRows } from './trl-dpo.ts';
import { trlPrmRows } from './trl-prm.ts';
import { trlSftRows } from './trl-sft.ts';

/** An export format: which episodes it reads and how it turns them into rows. */
export interface ExportFormat {
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** The episode statuses the format reads. */
  statuses: EpisodeStatus[];
  rows(records: Iterable<EpisodeRecord>, options: ExportOptions): Iterable<object>;
}

/** Every export format, by the name `overseer export --format` takes. */
export const exportFormats = {
  'trl-sft': {
    name: 'trl-sft',
    description: 'TRL SFTTrainer conversations {"messages": [...]} of finished episodes',
    statuses: ['finished'],
    rows: trlSftRows,
  },
  'trl-dpo': {
    name: 'trl-dpo',
    description: 'TRL DPOTrainer pairs {"prompt", "chosen", "rejected"} from judged steps',
    statuses: ['finished', 'failed'],
    rows: trlDpoRows,
  },
  'trl-prm': {
    name: 'trl-prm',
    description: 'TRL PRMTrainer stepwise labels {"prompt", "completions", "labels"}',
    statuses: ['finished', 'failed'],
    rows: trlPrmRows,
  },
  'openai-sft': {
    name: 'openai-sft',
    description: 'OpenAI fine-tuning chat lines {"messages": [...]} (optional weights)',
    statuses: ['finished'],
    rows: openAiSftRows,
  },
  prm800k: {
    name: 'prm800k',
    description:
      'PRM800K-style labeled solutions {"question", "label": {"steps", "finish_reason"}}',
    statuses: ['finished', 'failed'],
    rows: prm800kRows,
  },
} satisfies Record<string, ExportFormat>;

/** An export format that writes a directory of files (`--out DIR`) rather than JSONL lines. */
export interface DirectoryExportFormat {
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** Writes the run's files into `directory`; returns their names and how many samples. */
  write(
    store: RunStore,
    runId: string,
    directory: string,
    options: ExportOptions,
  ): { files: string[]; samples: number };
}

/** Every directory export format, by the name `overseer export --format` takes. */
export const directoryExportFormats = {
  inspect: {
    name: 'inspect',
    description:
      'Inspect .eval logs (log schema version 2, checked against Inspect 0.3.260) and listing.json',
    write: writeInspectLogs,
  },
} satisfies Record<string, DirectoryExportFormat>;

/** The name of an export format. */
export type ExportFormatName = keyof typeof exportFormats;

/** The names of every format, for help texts. */
export const exportFormatNames = Object.keys(exportFormats) as ExportFormatName[];

/** The format called `name`; an error listing the valid names otherwise. */
export function exportFormatNamed(name: string): ExportFormat {
  if (!Object.hasOwn(exportFormats, name)) {
    throw new OverseerError('export.unknown-format', `unknown export format "${name}"`, {
      hint: `valid formats: ${exportFormatNames.join(', ')}`,
    });
  }
  return exportFormats[name as ExportFormatName];
}

/**
 * One JSONL line for `value` (no trailing newline). Text from transcripts is untrusted: it is
 * only ever JSON-encoded, and U+2028/U+2029 are escaped too, because some line readers (Python's
 * `str.splitlines`) break lines there although JSON allows them raw.
 */
export function jsonLine(value: JsonObject | object): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The lines of run `runId` in format `formatName`, streamed from the store. */
export function* exportRun(
  store: RunStore,
  runId: string,
  formatName: string,
  options: ExportOptions = {},
): Generator<string> {
  const format = exportFormatNamed(formatName);
  store.requireRun(runId);
  checkUnitFilters(store, runId, options);
  const records = store.episodeRecords(runId, {
    status: format.statuses,
    ...(options.experiment === undefined ? {} : { experiment: options.experiment }),
    ...(options.arm === undefined ? {} : { arm: options.arm }),
    ...(options.iteration === undefined ? {} : { iteration: options.iteration }),
    ...(options.phase === undefined ? {} : { phase: options.phase }),
    ...(options.onlyCorrect ? { correct: true } : {}),
  });
  // An episode may be restarted between listing and reading it while a run is being written.
  const current = (function* () {
    for (const record of records) {
      if (!format.statuses.includes(record.episode.status)) continue;
      yield record;
    }
  })();
  for (const row of format.rows(current, options)) yield jsonLine(row);
}

/**
 * An `experiment` or `arm` the run never played is an error listing the ones it did, rather than
 * an empty export that looks like a run with nothing to export.
 */
function checkUnitFilters(store: RunStore, runId: string, options: ExportOptions): void {
  if (options.experiment === undefined && options.arm === undefined) return;
  const units = store.units(runId);
  if (units.length === 0) {
    throw new OverseerError(
      'export.no-units',
      `run "${runId}" records no experiment or arm with its episodes, so --experiment and --arm select nothing`,
      { hint: 'these filters apply to runs of `overseer run`; drop them to export the whole run' },
    );
  }
  const experiments = [...new Set(units.map((unit) => unit.experiment))];
  if (options.experiment !== undefined && !experiments.includes(options.experiment)) {
    throw new OverseerError(
      'export.unknown-experiment',
      `run "${runId}" has no experiment "${options.experiment}"; it has ${experiments.join(', ')}`,
      { hint: `e.g. --experiment ${experiments[0]}` },
    );
  }
  const arms = [
    ...new Set(
      units
        .filter(
          (unit) => options.experiment === undefined || unit.experiment === options.experiment,
        )
        .map((unit) => unit.arm),
    ),
  ];
  if (options.arm !== undefined && !arms.includes(options.arm)) {
    const within = options.experiment === undefined ? '' : ` in experiment "${options.experiment}"`;
    throw new OverseerError(
      'export.unknown-arm',
      `run "${runId}" has no arm "${options.arm}"${within}; it has ${arms.join(', ')}`,
      { hint: `e.g. --arm ${arms[0]}` },
    );
  }
}
