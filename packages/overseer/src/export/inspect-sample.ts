/**
 * One episode as an Inspect `EvalSample` (log schema version 2): the decomposition tree as nested
 * `span_begin`/`span_end` pairs, each policy line a `model` event, each overseer judgment a
 * `score` event with `intermediate: true`, the outcome (and the mean judgment) in `scores`.
 * Every event carries the step or judgment it came from under `metadata.overseer`, so an import
 * gives back the episode exactly.
 */
import type { Cost, Judgment, Outcome, Step } from '../spec/index.ts';
import type { EpisodeRecord } from '../store/index.ts';
import { episodeNodes, nodeConversation, rootNode } from './transcript.ts';

/** A JSON document of an Inspect log, as written (its shape is Inspect's, checked by tests). */
export type InspectDocument = Record<string, unknown>;

/** Inspect's token usage of one model (`ModelUsage`). */
export interface InspectUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  total_cost?: number;
}

/** The key of the final scores: the outcome grade, and the mean of the overseer's judgments. */
export const outcomeScorer = 'outcome';
/** The key of the process score (the mean judgment of the episode's steps). */
export const processScorer = 'process';
/** The role under which overseers' (judges') token usage is counted. */
export const overseerRole = 'overseer';

/** Inspect's `provider/model` name of a policy (`openai:gpt-4o` → `openai/gpt-4o`). */
export function inspectModelName(policyName: string): string {
  return policyName.includes(':') ? policyName.replace(':', '/') : `overseer/${policyName}`;
}

/** Inspect's `ModelUsage` of a cost. */
export function inspectUsage(cost: Cost): InspectUsage {
  return {
    input_tokens: cost.inputTokens,
    output_tokens: cost.outputTokens,
    total_tokens: cost.inputTokens + cost.outputTokens,
    ...(cost.usd === undefined ? {} : { total_cost: cost.usd }),
  };
}

/** `usage` with `cost` added under `key`. */
export function addUsage(usage: Record<string, InspectUsage>, key: string, cost: Cost): void {
  const add = inspectUsage(cost);
  const sum = usage[key];
  if (sum === undefined) {
    usage[key] = add;
    return;
  }
  sum.input_tokens += add.input_tokens;
  sum.output_tokens += add.output_tokens;
  sum.total_tokens += add.total_tokens;
  if (add.total_cost !== undefined) sum.total_cost = (sum.total_cost ?? 0) + add.total_cost;
}

/** A timestamp as Inspect (Python's `isoformat`) writes one: `+00:00`, no zero fraction. */
export function inspectTime(time: string): string {
  return new Date(time)
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/Z$/, '+00:00');
}

/** A sample's final score of an outcome: `C`/`I` for a grade (as Inspect's scorers), else the reward. */
function outcomeScore(outcome: Outcome): InspectDocument {
  return {
    value: outcome.kind === 'grade' ? (outcome.correct ? 'C' : 'I') : outcome.reward,
    ...(outcome.kind === 'grade' && outcome.answer !== null ? { answer: outcome.answer } : {}),
    ...(outcome.kind === 'grade' ? { explanation: `expected ${outcome.expected}` } : {}),
    metadata: { overseer: { outcome } },
    history: [],
  };
}

/** The final scores of an episode, by scorer name. */
export function sampleScores(record: EpisodeRecord): Record<string, InspectDocument> {
  const scores: Record<string, InspectDocument> = {};
  if (record.outcome !== null) scores[outcomeScorer] = outcomeScore(record.outcome);
  if (record.judgments.length > 0) {
    const total = record.judgments.reduce((sum, { judgment }) => sum + judgment.score, 0);
    scores[processScorer] = {
      value: total / record.judgments.length,
      explanation: `mean of ${record.judgments.length} overseer judgment${record.judgments.length === 1 ? '' : 's'}`,
      history: [],
    };
  }
  return scores;
}

/** A tool call as the tools scaffold records it on its action step (`metadata.tool`). */
interface RecordedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  result: string;
  error?: { type: string; message: string };
}

/** The tool call a step records, when it is one. */
function toolCallOf(step: Step): RecordedToolCall | undefined {
  const tool = step.metadata.tool;
  if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) return undefined;
  const { id, name, arguments: given, result, error } = tool as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string') return undefined;
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  return {
    id,
    name,
    arguments: isObject(given) ? given : {},
    result: typeof result === 'string' ? result : '',
    ...(isObject(error) && typeof error.type === 'string' && typeof error.message === 'string'
      ? { error: { type: error.type, message: error.message } }
      : {}),
  };
}

/** A sample's `id` and `epoch`, and the episode it holds. */
export interface SamplePlace {
  id: string;
  epoch: number;
}

/** The episode as an Inspect sample, with its summary for `summaries.json`. */
export function episodeSample(
  record: EpisodeRecord,
  place: SamplePlace,
): { sample: InspectDocument; summary: InspectDocument } {
  const { episode } = record;
  const start = Date.parse(episode.startedAt);
  const model = inspectModelName(episode.policy.name);
  const judgments = new Map<string, Array<{ judgment: Judgment; time: string }>>();
  for (const { stepId, judgment, time } of record.judgments) {
    const list = judgments.get(stepId) ?? [];
    list.push({ judgment, time });
    judgments.set(stepId, list);
  }
  const positions = new Map(episode.steps.map((step, position) => [step.id, position]));
  const nodes = new Map(episodeNodes(record).map((node) => [node.step.id, node]));
  const modelUsage: Record<string, InspectUsage> = {};
  const roleUsage: Record<string, InspectUsage> = {};
  const events: InspectDocument[] = [];
  const timing = (time: string) => ({
    timestamp: inspectTime(time),
    working_start: Math.max(0, (Date.parse(time) - start) / 1000),
  });
  const stepMetadata = (step: Step) => ({
    overseer: { step, position: positions.get(step.id) ?? 0 },
  });
  const judge = (step: Step, spanId: string | undefined) => {
    for (const { judgment, time } of judgments.get(step.id) ?? []) {
      if (judgment.cost !== undefined) addUsage(roleUsage, overseerRole, judgment.cost);
      events.push({
        event: 'score',
        ...timing(time),
        ...(spanId === undefined ? {} : { span_id: spanId }),
        score: {
          value: judgment.score,
          answer: step.kind === 'subquestion' ? step.input : step.output,
          explanation: judgment.rationale,
          history: [],
        },
        scorer: judgment.overseer.name,
        intermediate: true,
        metadata: { overseer: { stepId: step.id, judgment, time } },
      });
    }
  };
  const visit = (step: Step, parentSpan: string | null) => {
    const node = nodes.get(step.id);
    if (node !== undefined) {
      const spanId = `node-${step.id}`;
      events.push({
        event: 'span_begin',
        ...timing(step.timing.startedAt),
        id: spanId,
        ...(parentSpan === null ? {} : { parent_id: parentSpan, span_id: parentSpan }),
        type: step.kind === 'question' ? 'question' : 'subquestion',
        name: node.question.length > 80 ? `${node.question.slice(0, 79)}…` : node.question,
        metadata: stepMetadata(step),
      });
      if (step.cost.calls > 0) addUsage(modelUsage, model, step.cost);
      judge(step, spanId);
      for (const child of node.children) visit(child, spanId);
      const end = new Date(Date.parse(step.timing.startedAt) + step.timing.durationMs);
      events.push({
        event: 'span_end',
        ...timing(end.toISOString()),
        id: spanId,
        ...(parentSpan === null ? {} : { span_id: parentSpan }),
      });
      return;
    }
    const span = parentSpan ?? undefined;
    const call = toolCallOf(step);
    if (
      call !== undefined ? step.cost.calls > 0 : step.producer === 'policy' || step.cost.calls > 0
    ) {
      addUsage(modelUsage, model, step.cost);
      const completed = new Date(Date.parse(step.timing.startedAt) + step.timing.durationMs);
      events.push({
        event: 'model',
        ...timing(step.timing.startedAt),
        ...(span === undefined ? {} : { span_id: span }),
        model,
        input: [{ role: 'user', content: step.input, source: 'input' }],
        tools: [],
        tool_choice: 'none',
        config: {},
        output: {
          model,
          choices: [
            {
              message: { role: 'assistant', content: step.output, source: 'generate', model },
              stop_reason: 'stop',
            },
          ],
          completion: step.output,
          usage: inspectUsage(step.cost),
          time: step.timing.durationMs / 1000,
        },
        completed: inspectTime(completed.toISOString()),
        working_time: step.timing.durationMs / 1000,
        metadata: stepMetadata(step),
      });
    } else if (call === undefined) {
      // A line nobody was asked for (a memo hit, an environment's observation): not a model call.
      events.push({
        event: 'info',
        ...timing(step.timing.startedAt),
        ...(span === undefined ? {} : { span_id: span }),
        source: step.producer,
        data: { kind: step.kind, input: step.input, output: step.output },
        metadata: stepMetadata(step),
      });
    }
    if (call !== undefined) {
      const end = new Date(Date.parse(step.timing.startedAt) + step.timing.durationMs);
      events.push({
        event: 'tool',
        ...timing(step.timing.startedAt),
        ...(span === undefined ? {} : { span_id: span }),
        type: 'function',
        id: call.id,
        function: call.name,
        arguments: call.arguments,
        result: call.result,
        events: [],
        ...(call.error === undefined ? {} : { error: call.error }),
        completed: inspectTime(end.toISOString()),
        working_time: step.timing.durationMs / 1000,
        metadata: stepMetadata(step),
      });
    }
    judge(step, span);
  };
  const root = rootNode(record);
  if (root !== undefined) visit(root.step, null);
  const scores = sampleScores(record);
  const end = episode.finishedAt ?? episode.steps.at(-1)?.timing.startedAt ?? episode.startedAt;
  for (const [name, score] of Object.entries(scores)) {
    events.push({ event: 'score', ...timing(end), score, scorer: name, intermediate: false });
  }
  const messages = (root === undefined ? [] : nodeConversation(root)).map(({ role, content }) =>
    role === 'assistant'
      ? { role, content, source: 'generate', model }
      : { role, content, source: 'input' },
  );
  const answer = episode.answer ?? '';
  const target = episode.problem.answer ?? '';
  const totalTime = (Date.parse(end) - start) / 1000;
  const error =
    episode.error === undefined
      ? null
      : {
          message: episode.error.message,
          traceback: episode.error.stack ?? '',
          traceback_ansi: '',
        };
  const metadata = {
    overseer: {
      runId: record.runId,
      episodeId: episode.id,
      attempt: record.attempt,
      iteration: record.iteration,
      problem: episode.problem,
      scaffold: episode.scaffold,
      policy: episode.policy,
      status: episode.status,
      answer: episode.answer,
      ...(episode.error === undefined ? {} : { error: episode.error }),
      startedAt: episode.startedAt,
      ...(episode.finishedAt === undefined ? {} : { finishedAt: episode.finishedAt }),
      outcome: record.outcome,
      cost: record.cost,
    },
  };
  const common = {
    id: place.id,
    epoch: place.epoch,
    input: episode.problem.question,
    target,
    model_usage: modelUsage,
    role_usage: roleUsage,
    started_at: inspectTime(episode.startedAt),
    completed_at: inspectTime(end),
    total_time: totalTime,
    working_time: totalTime,
    uuid: `${record.runId}-${episode.id}`,
  };
  const sample = {
    ...common,
    messages,
    output: {
      model,
      choices: [
        {
          message: { role: 'assistant', content: answer, source: 'generate', model },
          stop_reason: 'stop',
        },
      ],
      completion: answer,
    },
    scores,
    metadata,
    store: {},
    events,
    attachments: {},
    error,
  };
  const summary = {
    ...common,
    metadata: {},
    scores,
    completed: true,
    message_count: messages.length,
    ...(error === null ? {} : { error: error.message }),
  };
  return { sample, summary };
}
