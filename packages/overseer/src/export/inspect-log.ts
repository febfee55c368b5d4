/**
 * A stored run as Inspect `.eval` logs (log schema version 2, checked against Inspect 0.3.260):
 * one log per experiment arm of an `overseer run` (one for the whole run otherwise), one sample
 * per episode, and the directory's `listing.json`, every file named as Inspect names it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mean } from '../util/mean.ts';
import type { EpisodeFilters, EpisodeRecord, RunRecord, RunStore } from '../store/index.ts';
import type { ExportOptions } from './options.ts';
import {
  addUsage,
  episodeSample,
  inspectModelName,
  inspectTime,
  type InspectDocument,
  type InspectUsage,
} from './inspect-sample.ts';
import { writeZip, type ZipEntry } from './zip.ts';

/** The Inspect log schema version written. */
export const inspectLogVersion = 2;
/** The Inspect release whose published schema the export is checked against. */
export const inspectCheckedVersion = '0.3.260';

/** One `.eval` log: its file name, header and entries. */
export interface InspectLog {
  /** `<created>_<task>_<task_id>.eval`, as Inspect's recorder names logs. */
  fileName: string;
  header: InspectDocument;
  samples: InspectDocument[];
  summaries: InspectDocument[];
  reductions: InspectDocument[];
}

/** Inspect's `clean_filename_component`. */
function cleanFileNameComponent(component: string): string {
  return component.replace(/[_/:+]/g, '-');
}

/** A stable 22-character id (Inspect's are shortuuids of that length) derived from `parts`. */
function stableId(...parts: string[]): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return [...digest.subarray(0, 22)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function standardError(values: number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  const variance =
    values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

/** A final score's value as a number (`C` 1, `I` 0), or undefined for a value that is not one. */
function scoreNumber(value: unknown): number | undefined {
  if (value === 'C') return 1;
  if (value === 'I') return 0;
  return typeof value === 'number' ? value : undefined;
}

/** `results.scores` and `reductions.json` from the samples' final scores. */
function aggregate(samples: InspectDocument[]): {
  scores: InspectDocument[];
  reductions: InspectDocument[];
} {
  const byScorer = new Map<string, Map<string, number[]>>();
  for (const sample of samples) {
    for (const [name, score] of Object.entries(sample.scores as Record<string, InspectDocument>)) {
      const value = scoreNumber(score.value);
      if (value === undefined) continue;
      const bySample = byScorer.get(name) ?? new Map<string, number[]>();
      const values = bySample.get(sample.id as string) ?? [];
      values.push(value);
      bySample.set(sample.id as string, values);
      byScorer.set(name, bySample);
    }
  }
  const scores: InspectDocument[] = [];
  const reductions: InspectDocument[] = [];
  for (const [name, bySample] of byScorer) {
    // Epochs reduce by their mean first, as Inspect's default reducer does.
    const reduced = [...bySample].map(([id, values]) => ({ id, value: mean(values) }));
    const values = reduced.map(({ value }) => value);
    const metric = name === 'outcome' ? 'accuracy' : 'mean';
    scores.push({
      name,
      scorer: name,
      reducer: 'mean',
      scored_samples: values.length,
      unscored_samples: samples.length - [...bySample.values()].flat().length,
      params: {},
      metrics: {
        [metric]: { name: metric, value: mean(values), params: {} },
        stderr: { name: 'stderr', value: standardError(values), params: {} },
      },
    });
    reductions.push({
      scorer: name,
      reducer: 'mean',
      samples: reduced.map(({ id, value }) => ({ value, history: [], sample_id: id })),
    });
  }
  return { scores, reductions };
}

/** Inspect's status of a run's. */
function inspectStatus(run: RunRecord): string {
  return run.status === 'finished' ? 'success' : run.status === 'failed' ? 'error' : 'started';
}

/** One log of `records` (episodes of one task), named `task`. */
function buildLog(run: RunRecord, task: string, records: EpisodeRecord[]): InspectLog {
  const epochs = new Map<string, number>();
  const samples: InspectDocument[] = [];
  const summaries: InspectDocument[] = [];
  const modelUsage: Record<string, InspectUsage> = {};
  const roleUsage: Record<string, InspectUsage> = {};
  for (const record of records) {
    // A problem met again (another iteration, seed or attempt) is another epoch of its sample.
    const id = record.episode.problem.id;
    const epoch = (epochs.get(id) ?? 0) + 1;
    epochs.set(id, epoch);
    const { sample, summary } = episodeSample(record, { id, epoch });
    samples.push(sample);
    summaries.push(summary);
    for (const usages of [
      [sample.model_usage, modelUsage],
      [sample.role_usage, roleUsage],
    ] as const) {
      for (const [key, usage] of Object.entries(usages[0] as Record<string, InspectUsage>)) {
        addUsage(usages[1], key, {
          calls: 0,
          inputTokens: usage.input_tokens,
          outputTokens: usage.output_tokens,
          ...(usage.total_cost === undefined ? {} : { usd: usage.total_cost }),
        });
      }
    }
  }
  const first = records[0]?.episode;
  const model = first === undefined ? 'none/none' : inspectModelName(first.policy.name);
  const created = inspectTime(run.startedAt);
  const taskId = stableId(run.id, task);
  const { scores, reductions } = aggregate(samples);
  const finished = records.map((record) => record.episode.finishedAt ?? record.episode.startedAt);
  const completed = run.finishedAt ?? finished.sort().at(-1) ?? run.startedAt;
  const scaffold = first?.scaffold ?? { name: 'none', options: {} };
  const header: InspectDocument = {
    version: inspectLogVersion,
    status: inspectStatus(run),
    eval: {
      eval_id: stableId(run.id, task, 'eval'),
      run_id: stableId(run.id),
      created,
      task,
      task_id: taskId,
      task_version: 0,
      task_attribs: {},
      task_args: {},
      task_args_passed: {},
      solver: scaffold.name,
      solver_args: scaffold.options,
      dataset: {
        name: first?.problem.family ?? task,
        samples: epochs.size,
        sample_ids: [...epochs.keys()],
        shuffled: false,
      },
      model,
      model_generate_config: {},
      model_args: {},
      config: { epochs: Math.max(1, ...epochs.values()) },
      packages: {},
      metadata: { overseer: { runId: run.id, config: run.config } },
    },
    plan: {
      name: 'plan',
      steps: [{ solver: scaffold.name, params: scaffold.options, params_passed: scaffold.options }],
      config: {},
    },
    results: { total_samples: samples.length, completed_samples: samples.length, scores },
    stats: {
      started_at: created,
      completed_at: inspectTime(completed),
      model_usage: modelUsage,
      role_usage: roleUsage,
      connection_limit_history: [],
    },
    ...(run.error === undefined
      ? {}
      : {
          error: {
            message: run.error.message,
            traceback: run.error.stack ?? '',
            traceback_ansi: '',
          },
        }),
    invalidated: false,
    tags: [],
    metadata: {},
  };
  const fileName = `${cleanFileNameComponent(created)}_${cleanFileNameComponent(task)}_${cleanFileNameComponent(taskId)}.eval`;
  return { fileName, header, samples, summaries, reductions };
}

/** The `.eval` logs of run `runId`: one per experiment arm, or one for a run without arms. */
export function inspectLogs(
  store: RunStore,
  runId: string,
  options: ExportOptions = {},
): InspectLog[] {
  const run = store.requireRun(runId);
  const filters: EpisodeFilters = {
    status: ['finished', 'failed'],
    ...(options.iteration === undefined ? {} : { iteration: options.iteration }),
    ...(options.phase === undefined ? {} : { phase: options.phase }),
    ...(options.onlyCorrect ? { correct: true } : {}),
  };
  const arms = [
    ...new Map(
      store
        .units(runId)
        .filter(
          (unit) =>
            (options.experiment === undefined || unit.experiment === options.experiment) &&
            (options.arm === undefined || unit.arm === options.arm),
        )
        .map((unit) => [`${unit.experiment}/${unit.arm}`, unit]),
    ).values(),
  ];
  if (arms.length === 0) {
    const records = [...store.episodeRecords(runId, filters)];
    const task = records[0]?.episode.problem.family ?? 'overseer';
    return [buildLog(run, task, records)];
  }
  return arms.map((unit) =>
    buildLog(run, `${unit.experiment}/${unit.arm}`, [
      ...store.episodeRecords(runId, { ...filters, experiment: unit.experiment, arm: unit.arm }),
    ]),
  );
}

/** The zip entries of a log, in the order Inspect's recorder writes them. */
export function inspectLogEntries(log: InspectLog): ZipEntry[] {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  const header = log.header as { version: unknown; eval: unknown; plan: unknown };
  return [
    {
      name: '_journal/start.json',
      data: json({ version: header.version, eval: header.eval, plan: header.plan }),
    },
    ...log.samples.map((sample) => ({
      name: `samples/${String(sample.id)}_epoch_${String(sample.epoch)}.json`,
      data: json(sample),
    })),
    { name: 'summaries.json', data: json(log.summaries) },
    { name: 'reductions.json', data: json(log.reductions) },
    { name: 'header.json', data: json(log.header) },
  ];
}

/** The entry of `listing.json` for a log (Inspect's `LogOverview`). */
export function listingEntry(log: InspectLog): InspectDocument {
  const header = log.header as {
    version: number;
    status: string;
    error?: unknown;
    eval: Record<string, unknown>;
    stats: Record<string, unknown>;
    results: { scores: Array<{ metrics: Record<string, unknown> }> };
  };
  const primary = Object.values(header.results.scores[0]?.metrics ?? {})[0];
  return {
    eval_id: header.eval.eval_id,
    run_id: header.eval.run_id,
    task: header.eval.task,
    task_id: header.eval.task_id,
    task_version: header.eval.task_version,
    version: header.version,
    status: header.status,
    invalidated: false,
    error: header.error ?? null,
    model: header.eval.model,
    model_roles: null,
    started_at: header.stats.started_at,
    completed_at: header.stats.completed_at,
    primary_metric: primary ?? null,
  };
}

/**
 * Writes run `runId` to `directory` as `.eval` logs and a `listing.json` of them (each file
 * written whole, then renamed); returns the logs' file names and how many samples they hold.
 */
export function writeInspectLogs(
  store: RunStore,
  runId: string,
  directory: string,
  options: ExportOptions = {},
): { files: string[]; samples: number } {
  mkdirSync(directory, { recursive: true });
  const logs = inspectLogs(store, runId, options);
  const write = (name: string, data: Buffer) => {
    const temporary = join(directory, `${name}.partial-${process.pid}`);
    writeFileSync(temporary, data);
    renameSync(temporary, join(directory, name));
  };
  const listing: Record<string, InspectDocument> = {};
  for (const log of logs) {
    const created = Date.parse((log.header.eval as { created: string }).created);
    write(log.fileName, writeZip(inspectLogEntries(log), new Date(created)));
    listing[log.fileName] = listingEntry(log);
  }
  write('listing.json', Buffer.from(JSON.stringify(listing, null, 2), 'utf8'));
  return {
    files: logs.map((log) => log.fileName),
    samples: logs.reduce((sum, log) => sum + log.samples.length, 0),
  };
}
