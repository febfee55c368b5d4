/**
 * What a run keeps on disk so that it can be killed at any moment and resumed by running the same
 * command again: DIR/run-state.json records, for every unit of work (one arm of one experiment
 * under one seed), how many rounds it finished, where its last checkpoint is, its curves and
 * metrics so far. Every write goes to a temporary file that is renamed into place, so a reader (or
 * a resumed run) sees either the previous state or the next one, never half of one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { ErrorRecord } from '../spec/index.ts';
import { CurvePoint, MetricValues, Transcript } from './report.ts';

/** The version of run-state.json; bump it when `RunState` changes shape. */
export const RUN_STATE_VERSION = 1;

/** The file a run's state lives in, inside the run directory. */
export const RUN_STATE_FILE = 'run-state.json';

/** Where one unit of work stands. */
export const UnitStatus = z.enum(['pending', 'running', 'finished', 'failed']);
/** Where one unit of work stands. */
export type UnitStatus = z.infer<typeof UnitStatus>;

/** One arm of one experiment under one seed: its progress and everything measured so far. */
export const UnitState = z.strictObject({
  /** `experiment/arm/s<seed>`: unique within a run, and the prefix of its episode ids. */
  key: z.string().min(1),
  experiment: z.string().min(1),
  arm: z.string().min(1),
  seed: z.number().int(),
  status: UnitStatus,
  /** Rounds finished (each with its checkpoint on disk). */
  roundsDone: z.number().int().nonnegative(),
  /**
   * The number episode ids give the first round (episode-ids.ts): 1, as progress and checkpoints
   * count; 0 in run directories from before, so a resumed old run keeps its ids' numbering.
   */
  firstRound: z.union([z.literal(0), z.literal(1)]).default(0),
  /** Training steps taken after any pretraining. */
  steps: z.number().int().nonnegative(),
  /** Calls to the weak expert so far: its amplification answers and its judgments. */
  expertCalls: z.number().int().nonnegative(),
  /** Ground-truth labels trained on so far (the supervised reference; 0 for IDA). */
  labels: z.number().int().nonnegative(),
  /** The model's FLOPs so far in amplification and distillation (`model/compute.ts`). */
  trainingFlops: z.number().nonnegative().default(0),
  /** The last checkpoint, relative to the run directory (absent before the first). */
  checkpoint: z.string().optional(),
  /** Metric → its value at every evaluation so far. */
  curves: z.record(z.string(), z.array(CurvePoint)),
  /** The latest evaluation's metrics (the final ones once the unit finished). */
  metrics: MetricValues,
  /** Representative episodes of the final evaluation. */
  transcripts: z.array(Transcript),
  /** Seconds spent on the unit, summed over resumptions. */
  wallSeconds: z.number().nonnegative(),
  error: ErrorRecord.optional(),
});
/** One unit of work. */
export type UnitState = z.infer<typeof UnitState>;

/** Everything a run directory remembers. */
export const RunState = z.strictObject({
  version: z.literal(RUN_STATE_VERSION),
  /** Hash of what the run computes (every unit's merged config and seed). */
  fingerprint: z.string().min(1),
  /** The run in the store that the events go to. */
  runId: z.string().min(1),
  /** The store directory (absolute). */
  store: z.string().min(1),
  source: z.string(),
  createdAt: z.string(),
  units: z.array(UnitState),
});
/** Everything a run directory remembers. */
export type RunState = z.infer<typeof RunState>;

/** A fresh unit, before any work. */
export function pendingUnit(experiment: string, arm: string, seed: number): UnitState {
  return {
    key: unitKey(experiment, arm, seed),
    experiment,
    arm,
    seed,
    status: 'pending',
    roundsDone: 0,
    firstRound: 1,
    steps: 0,
    expertCalls: 0,
    labels: 0,
    trainingFlops: 0,
    curves: {},
    metrics: {},
    transcripts: [],
    wallSeconds: 0,
  };
}

/** `experiment/arm/s<seed>`. */
export function unitKey(experiment: string, arm: string, seed: number): string {
  return `${experiment}/${arm}/s${seed}`;
}

/** A stable hash of JSON data (object keys sorted, so key order never changes it). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Writes a file atomically: a sibling temporary file renamed over the target. */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(
    dirname(path),
    `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await writeFile(temporary, contents);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new OverseerError('run.write', `cannot write ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that the --out folder is writable and the disk is not full',
    });
  }
}

/** Writes JSON atomically, pretty-printed. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads DIR/run-state.json; undefined when the directory holds none. */
export async function readRunState(directory: string): Promise<RunState | undefined> {
  const path = join(directory, RUN_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OverseerError(
      'run.state-unreadable',
      `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OverseerError(
      'run.state-invalid',
      `${path} is not valid JSON: ${(error as Error).message}`,
      {
        hint: 'rerun with --restart to start the run over, or use another --out folder',
      },
    );
  }
  const parsed = RunState.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OverseerError(
      'run.state-invalid',
      `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      { hint: 'rerun with --restart to start the run over, or use another --out folder' },
    );
  }
  return parsed.data;
}

/** Writes DIR/run-state.json atomically. */
export function writeRunState(directory: string, state: RunState): Promise<void> {
  return writeJsonAtomic(join(directory, RUN_STATE_FILE), state);
}
