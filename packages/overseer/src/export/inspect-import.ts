/**
 * Reads an Inspect `.eval` log into the run store, so the viewer shows a run made with Inspect.
 * Attachments (`attachment://<hash>`) and condensed model inputs (`input_refs` into
 * `events_data.messages`) are resolved first, as Inspect's reader does. A log Overseer wrote
 * gives its episodes back exactly (its events carry their steps); any other log becomes one
 * episode per sample: the input as the root question, each model call a thought, each tool call
 * an action, each intermediate score a judgment of the step before it, the first final score the
 * grade.
 */
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { RegistryReference } from '../spec/index.ts';
import {
  Episode,
  Judgment,
  Outcome,
  Problem,
  Step,
  type Cost,
  type ErrorRecord,
  type JsonObject,
} from '../spec/index.ts';
import type { RecordedEpisode, RunStore } from '../store/index.ts';
import { formatIssues } from '../util/zod-issues.ts';
import { readZip } from './zip.ts';

const attachmentProtocol = 'attachment://';
// Inspect's earlier name for the same references.
const contentProtocol = 'tc://';

/** A chat message as Inspect logs it: text or a list of content parts. */
const InspectMessage = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
});
type InspectMessage = z.infer<typeof InspectMessage>;

/** The fields of an Inspect event the import reads. */
const InspectEvent = z.looseObject({
  event: z.string(),
  timestamp: z.string().optional(),
  working_time: z.number().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
type InspectEvent = z.infer<typeof InspectEvent>;

const InspectScore = z.looseObject({
  value: z.unknown(),
  answer: z.string().nullable().optional(),
  explanation: z.string().nullable().optional(),
});

/** The fields of an Inspect `EvalSample` the import reads. */
const InspectSample = z.looseObject({
  id: z.union([z.string(), z.number()]),
  epoch: z.number().int(),
  input: z.union([z.string(), z.array(InspectMessage)]),
  target: z.union([z.string(), z.array(z.string())]),
  output: z.looseObject({ completion: z.string().optional() }).optional(),
  scores: z.record(z.string(), InspectScore).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  events: z.array(InspectEvent).default([]),
  events_data: z
    .looseObject({ messages: z.array(InspectMessage).default([]) })
    .nullable()
    .optional(),
  attachments: z.record(z.string(), z.string()).default({}),
  error: z
    .looseObject({ message: z.string(), traceback: z.string().optional() })
    .nullable()
    .optional(),
  started_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
});
type InspectSample = z.infer<typeof InspectSample>;

/** The fields of an Inspect `EvalLog` header the import reads. */
const InspectHeader = z.looseObject({
  version: z.number().int(),
  status: z.string(),
  eval: z.looseObject({
    task: z.string(),
    model: z.string(),
    created: z.string(),
    eval_id: z.string().optional(),
    solver: z.string().nullable().optional(),
    solver_args: z.record(z.string(), z.unknown()).nullable().optional(),
    packages: z.record(z.string(), z.string()).optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
  stats: z.looseObject({ completed_at: z.string().optional() }).optional(),
  error: z.looseObject({ message: z.string() }).nullable().optional(),
});
type InspectHeader = z.infer<typeof InspectHeader>;

/** An Inspect log as read: its header and its samples with attachments resolved. */
export interface InspectLogContents {
  header: InspectHeader;
  samples: InspectSample[];
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new OverseerError(
      'import.invalid-inspect-log',
      `${where} is not what Inspect writes: ${formatIssues(result.error.issues, schema)}`,
      { hint: 'give a .eval log written by Inspect (log schema version 2)' },
    );
  }
  return result.data;
}

/** `value` with every string that is an attachment reference replaced by the attachment. */
function resolveAttachments(value: unknown, attachments: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const reference = value.startsWith(contentProtocol)
      ? attachmentProtocol + value.slice(contentProtocol.length)
      : value;
    if (!reference.startsWith(attachmentProtocol)) return value;
    return attachments[reference.slice(attachmentProtocol.length)] ?? value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveAttachments(item, attachments));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveAttachments(item, attachments)]),
    );
  }
  return value;
}

/** A sample with its attachments resolved and its model events' condensed inputs expanded. */
function resolveSample(raw: unknown, where: string): InspectSample {
  const attachments = parsed(
    z.looseObject({ attachments: z.record(z.string(), z.string()).default({}) }),
    raw,
    where,
  ).attachments;
  const { attachments: _attachments, ...rest } = raw as Record<string, unknown>;
  const sample = parsed(InspectSample, resolveAttachments(rest, attachments), where);
  const pool = sample.events_data?.messages ?? [];
  const events = sample.events.map((event) => {
    const refs = event.input_refs as Array<[number, number]> | null | undefined;
    if (event.event !== 'model' || refs === null || refs === undefined) return event;
    // Each reference is a [start, end) range of the message pool.
    const input = refs.flatMap(([start, end]) => pool.slice(start, end));
    return { ...event, input, input_refs: null };
  });
  return { ...sample, events, events_data: null, attachments: {} };
}

/** Reads the Inspect log `archive` (a `.eval` zip); `source` names it in errors. */
export function readInspectLog(archive: Buffer, source: string): InspectLogContents {
  const files = readZip(archive, source);
  const json = (name: string): unknown => {
    const data = files.get(name);
    if (data === undefined) return undefined;
    try {
      return JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw new OverseerError(
        'import.invalid-inspect-log',
        `${source}: ${name} is not JSON: ${String(error)}`,
      );
    }
  };
  // A log still being written has only its journal's start record.
  const header = parsed(
    InspectHeader,
    json('header.json') ?? json('_journal/start.json'),
    `${source} header`,
  );
  if (header.version !== 2) {
    throw new OverseerError(
      'import.inspect-version',
      `${source} has Inspect log schema version ${header.version}; this import reads version 2`,
      { hint: 'rewrite the log with a current Inspect (`inspect log convert`)' },
    );
  }
  const samples = [...files.keys()]
    .filter((name) => name.startsWith('samples/') && name.endsWith('.json'))
    .map((name) => resolveSample(json(name), `${source} ${name}`))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)) || a.epoch - b.epoch);
  return { header, samples };
}

/** The text of a message's content. */
function messageText(message: InspectMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/** The text of a sample's input: the string, or its user messages. */
function inputText(input: InspectSample['input']): string {
  if (typeof input === 'string') return input;
  return input
    .filter((message) => message.role === 'user')
    .map(messageText)
    .join('\n');
}

/** A score value as Inspect's `value_to_float` reads it; undefined when it has no number. */
function scoreValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  const letters: Record<string, number> = { C: 1, I: 0, P: 0.5, N: 0 };
  if (value in letters) return letters[value];
  const lower = value.toLowerCase();
  if (['yes', 'true'].includes(lower)) return 1;
  if (['no', 'false'].includes(lower)) return 0;
  const number = Number(value);
  return Number.isNaN(number) ? undefined : number;
}

/** Overseer's name of an Inspect model (`openai/gpt-4o` → `openai:gpt-4o`). */
function policyName(model: string): string {
  if (model.startsWith('overseer/')) return model.slice('overseer/'.length);
  return model.replace('/', ':');
}

/** An ISO timestamp of Inspect's, or `fallback`. */
function isoTime(time: string | null | undefined, fallback: string): string {
  if (time === null || time === undefined || Number.isNaN(Date.parse(time))) return fallback;
  return new Date(time).toISOString();
}

/** What Overseer's own export put under `metadata.overseer`, when it is there. */
function overseerMetadata(
  metadata: Record<string, unknown> | null | undefined,
): Record<string, unknown> | undefined {
  const value = metadata?.overseer;
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The steps and judgments of a sample's events. */
function episodeTree(
  sample: InspectSample,
  question: string,
  answer: string,
  startedAt: string,
): { steps: Step[]; judgments: NonNullable<RecordedEpisode['judgments']> } {
  const steps: Array<{ step: Step; position: number | undefined }> = [];
  const judgments: NonNullable<RecordedEpisode['judgments']> = [];
  const add = (step: Step, position?: number) => steps.push({ step, position });
  let root: Step | undefined;
  const rootOf = (): Step => {
    if (root !== undefined) return root;
    root = {
      id: 'root',
      parentId: null,
      kind: 'question',
      index: 0,
      input: question,
      output: answer,
      producer: 'policy',
      timing: { startedAt, durationMs: 0 },
      cost: { calls: 0, inputTokens: 0, outputTokens: 0 },
      metadata: {},
    };
    add(root);
    return root;
  };
  const childCount = new Map<string, number>();
  const child = (fields: Omit<Step, 'id' | 'parentId' | 'index'>): Step => {
    const parent = rootOf();
    const index = childCount.get(parent.id) ?? 0;
    childCount.set(parent.id, index + 1);
    const step = { ...fields, id: `step-${steps.length}`, parentId: parent.id, index };
    add(step);
    return step;
  };
  let last: Step | undefined;
  for (const event of sample.events) {
    const own = overseerMetadata(event.metadata);
    const time = isoTime(event.timestamp, startedAt);
    if (own?.step !== undefined) {
      const step = parsed(Step, own.step, `sample ${String(sample.id)} event`);
      // A tool step's model event and tool event both carry it.
      if (steps.some((added) => added.step.id === step.id)) continue;
      if (step.parentId === null) root = step;
      add(step, typeof own.position === 'number' ? own.position : undefined);
      last = step;
      continue;
    }
    if (own?.judgment !== undefined && typeof own.stepId === 'string') {
      judgments.push({
        stepId: own.stepId,
        judgment: parsed(Judgment, own.judgment, `sample ${String(sample.id)} judgment`),
        time: isoTime(typeof own.time === 'string' ? own.time : undefined, time),
      });
      continue;
    }
    const durationMs = Math.max(0, (event.working_time ?? 0) * 1000);
    if (event.event === 'model') {
      const input = z.array(InspectMessage).catch([]).parse(event.input);
      const output = z
        .looseObject({
          completion: z.string().default(''),
          usage: z
            .looseObject({ input_tokens: z.number().int(), output_tokens: z.number().int() })
            .nullable()
            .optional(),
        })
        .catch({ completion: '' })
        .parse(event.output);
      const cost: Cost = {
        calls: 1,
        inputTokens: output.usage?.input_tokens ?? 0,
        outputTokens: output.usage?.output_tokens ?? 0,
      };
      const lastUser = input.filter((message) => message.role === 'user').at(-1);
      last = child({
        kind: 'thought',
        input: lastUser === undefined ? '' : messageText(lastUser),
        output: output.completion,
        producer: 'policy',
        timing: { startedAt: time, durationMs },
        cost,
        metadata: { model: typeof event.model === 'string' ? event.model : '' },
      });
    } else if (event.event === 'tool') {
      const result =
        typeof event.result === 'string' ? event.result : JSON.stringify(event.result ?? null);
      last = child({
        kind: 'action',
        input: `${String(event.function)}(${JSON.stringify(event.arguments ?? {})})`,
        output: result,
        producer: 'tool',
        timing: { startedAt: time, durationMs },
        cost: { calls: 0, inputTokens: 0, outputTokens: 0 },
        metadata: { toolCallId: typeof event.id === 'string' ? event.id : '' },
      });
    } else if (event.event === 'score' && event.intermediate === true && last !== undefined) {
      const score = InspectScore.parse(event.score);
      const value = scoreValue(score.value);
      if (value === undefined) continue;
      judgments.push({
        stepId: last.id,
        time,
        judgment: {
          // Inspect's scores run 0 … 1; a judgment's −1 … +1.
          score: Math.max(-1, Math.min(1, value * 2 - 1)),
          rationale: score.explanation ?? '',
          overseer: {
            name: typeof event.scorer === 'string' ? event.scorer : 'inspect',
            options: {},
          },
          method: 'model',
        },
      });
    }
  }
  rootOf();
  const ordered = steps.every(({ position }) => position !== undefined)
    ? [...steps].sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    : steps;
  return { steps: ordered.map(({ step }) => step), judgments };
}

/** The outcome of a sample: the first final score, as a grade against the target. */
function sampleOutcome(sample: InspectSample, answer: string, expected: string): Outcome {
  const [name, score] = Object.entries(sample.scores ?? {})[0] ?? [];
  const value = score === undefined ? undefined : scoreValue(score.value);
  return {
    kind: 'grade',
    answer: score?.answer ?? answer,
    expected,
    correct: value === 1,
    reward: value ?? 0,
    info: name === undefined ? { unscored: true } : { scorer: name },
  };
}

/** The episode a sample holds. */
function sampleEpisode(
  runId: string,
  header: InspectHeader,
  sample: InspectSample,
): RecordedEpisode {
  const own = overseerMetadata(sample.metadata);
  const where = `sample ${String(sample.id)} epoch ${sample.epoch}`;
  const startedAt = isoTime(
    sample.started_at,
    isoTime(header.eval.created, new Date(0).toISOString()),
  );
  const target = Array.isArray(sample.target) ? sample.target.join(' | ') : sample.target;
  const answer = sample.output?.completion ?? '';
  const problem: Problem =
    own?.problem === undefined
      ? {
          id: String(sample.id),
          family: header.eval.task,
          question: inputText(sample.input),
          answer: target,
          difficulty: 0,
          split: 'test',
          metadata: { inspect: sample.metadata as JsonObject },
        }
      : parsed(Problem, own.problem, `${where} problem`);
  const { steps, judgments } = episodeTree(sample, problem.question, answer, startedAt);
  const error: ErrorRecord | undefined =
    own?.error !== undefined
      ? (own.error as ErrorRecord)
      : sample.error === null || sample.error === undefined
        ? undefined
        : {
            name: 'InspectError',
            message: sample.error.message,
            ...(sample.error.traceback ? { stack: sample.error.traceback } : {}),
          };
  const finishedAt =
    typeof own?.finishedAt === 'string' ? own.finishedAt : isoTime(sample.completed_at, startedAt);
  const episode = parsed(
    Episode,
    {
      id:
        typeof own?.episodeId === 'string'
          ? own.episodeId
          : `${String(sample.id)}_epoch_${sample.epoch}`,
      problem,
      scaffold:
        own?.scaffold ??
        ({
          name: header.eval.solver ?? 'inspect',
          options: (header.eval.solver_args ?? {}) as JsonObject,
        } satisfies z.input<typeof RegistryReference>),
      policy: own?.policy ?? { name: policyName(header.eval.model), options: {} },
      status: error === undefined ? 'finished' : 'failed',
      steps,
      answer: own === undefined ? answer : (own.answer ?? null),
      ...(error === undefined ? {} : { error }),
      startedAt: typeof own?.startedAt === 'string' ? own.startedAt : startedAt,
      finishedAt,
    },
    where,
  );
  const outcome =
    own === undefined
      ? sampleOutcome(sample, answer, target)
      : own.outcome === null || own.outcome === undefined
        ? undefined
        : parsed(Outcome, own.outcome, `${where} outcome`);
  const iteration = typeof own?.iteration === 'number' ? own.iteration : undefined;
  return {
    runId,
    ...(iteration === undefined ? {} : { iteration }),
    episode,
    judgments,
    ...(episode.status === 'finished' && outcome !== undefined ? { outcome } : {}),
    ...(own?.cost !== null && own?.cost !== undefined ? { cost: own.cost as Cost } : {}),
  };
}

/** What an import made: the new run and how many episodes it holds. */
export interface InspectImport {
  runId: string;
  episodes: number;
}

/** Reads the Inspect log at `path` into `store` as a new run. */
export function importInspectLog(store: RunStore, path: string): InspectImport {
  const { header, samples } = readInspectLog(readFileSync(path), path);
  const original = overseerMetadata(header.eval.metadata);
  const config: JsonObject =
    original?.config !== undefined && original.config !== null
      ? (original.config as JsonObject)
      : {
          imported: {
            format: 'inspect',
            file: basename(path),
            task: header.eval.task,
            model: header.eval.model,
            ...(header.eval.eval_id === undefined ? {} : { evalId: header.eval.eval_id }),
            ...(header.eval.packages?.inspect_ai === undefined
              ? {}
              : { inspectVersion: header.eval.packages.inspect_ai }),
          },
        };
  const created = isoTime(header.eval.created, new Date().toISOString());
  const runId = store.createRun(config, { time: created });
  for (const sample of samples) store.recordEpisode(sampleEpisode(runId, header, sample));
  const finished = isoTime(header.stats?.completed_at, created);
  if (header.status === 'error') {
    store.failRun(runId, new Error(header.error?.message ?? 'the Inspect run failed'), finished);
  } else if (header.status !== 'started') {
    store.finishRun(runId, {}, finished);
  }
  return { runId, episodes: samples.length };
}
