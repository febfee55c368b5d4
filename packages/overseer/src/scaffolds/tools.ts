/**
 * `tools`: the policy answers with tools (calculator, python, js, lookup) over a bounded number of
 * turns. Each turn is one policy call; each tool call it makes is an `action` step (input: the
 * conversation the policy saw, output: the call as written, `metadata.tool`: the call's id, name,
 * arguments and its result or error), any text beside the calls a `thought` step, and the final
 * reply the `answer` step. Two protocols: the provider's native function calling (`openai:`,
 * `anthropic:`; parallel calls run together) and the plain-text protocol of tools-text-protocol.ts
 * (the embedded model, servers without function calling).
 *
 * On paper: with an `overseer`, every call is judged before it runs, from the conversation before
 * it and the calls beside it — never from its result, which does not exist yet — and a call scored
 * below `threshold` is not run; the policy reads that it was rejected. Malformed calls (arguments
 * that are not JSON, unknown tools) are recorded tool errors, never a failed episode.
 */
import { OverseerError } from '../errors.ts';
import {
  createTools,
  parseToolArguments,
  TOOL_TEXT_NAMES,
  toolbox,
} from '../outcomes/tools/registry.ts';
import type { Toolbox } from '../outcomes/tools/registry.ts';
import type { Tool, ToolResult } from '../outcomes/tools/tool.ts';
import { toolError } from '../outcomes/tools/tool.ts';
import { createOverseer } from '../overseers/registry.ts';
import type { Overseer } from '../overseers/overseer.ts';
import { chatRequest, renderMessages } from '../policies/chat.ts';
import type { ChatMessage, ChatToolCall } from '../policies/chat.ts';
import type { Cost, JsonObject, Judgment, PriorStep, RegistryReference } from '../spec/index.ts';
import { noCost } from '../spec/index.ts';
import type { QuestionFamily, TaskFamily } from '../tasks/family.ts';
import { deriveSeed } from '../util/random.ts';
import { startClock } from '../util/trace.ts';
import { ask, budgetAnswer } from './asking.ts';
import type { Answered } from './asking.ts';
import { checkWholeNumbers } from './scaffold.ts';
import type { Scaffold, ScaffoldRun } from './scaffold.ts';
import { parseTextTurn, resultLines, textInstructions, textPrompt } from './tools-text-protocol.ts';
import { record, recordEpisode } from './trace.ts';

/** How the policy calls tools. */
export type ToolProtocol = 'auto' | 'native' | 'text';

/** Options of `tools`. */
export interface ToolsOptions {
  /** The tools offered (default `['calculator']`). */
  tools?: string[];
  /** The JSONL document set `lookup` searches. */
  documents?: string;
  /** `native` function calling, the plain-`text` protocol, or `auto` (default): native for `openai:` and `anthropic:` policies. */
  protocol?: ToolProtocol;
  /** Most policy calls per episode (default 8). */
  maxTurns?: number;
  /** Most tokens per turn (default: the policy's own limit). */
  maxTokens?: number;
  /** Text protocol: explain the protocol in the prompt (default: yes, except for `embedded:` models, which learned it). */
  instructions?: boolean;
  /** Judges each call before it runs: a registry reference, or an overseer. */
  overseer?: RegistryReference | Overseer;
  /** Calls the overseer scores below this are not run (default 0). */
  threshold?: number;
}

/** What one episode keeps while it runs. */
interface ToolEpisode {
  run: ScaffoldRun;
  family: QuestionFamily;
  box: Toolbox;
  overseer: Overseer | undefined;
  /** Earlier steps at the root, as an overseer sees them. */
  previous: PriorStep[];
  counts: { turns: number; toolCalls: number; toolErrors: number; rejectedCalls: number };
  /** Whether the turns ran out before an answer. */
  exhausted: boolean;
}

/** A call the policy made, before it runs. */
interface PendingCall {
  id: string;
  name: string;
  argumentsText: string;
  /** The call as the trace shows it. */
  text: string;
  /** How a text-protocol call turns into arguments; absent for a native call. */
  textArgument?: { tool: Tool | undefined; argument: string };
}

/** A call's outcome, with the timing of its run. */
interface RanCall {
  result: ToolResult;
  arguments: JsonObject;
  startedAt: string;
  durationMs: number;
  judgment?: JsonObject;
  rejected: boolean;
}

const SYSTEM =
  'Use the tools when they help. When you have the answer, reply with it and call no tool.';

/** The tools scaffold. */
export function tools(options: ToolsOptions = {}): Scaffold {
  const names = options.tools ?? ['calculator'];
  const maxTurns = options.maxTurns ?? 8;
  const threshold = options.threshold ?? 0;
  const protocol = options.protocol ?? 'auto';
  checkWholeNumbers('tools', { maxTurns: [maxTurns, 1] });
  if (!['auto', 'native', 'text'].includes(protocol)) {
    throw new OverseerError(
      'scaffold.bad-options',
      `tools: protocol must be auto, native or text, got "${protocol}".`,
    );
  }
  // Built now, so an unknown tool or an unreadable documents file fails before any episode.
  const built = createTools(
    names,
    options.documents === undefined ? {} : { documents: options.documents },
  );
  const reference = {
    name: 'tools',
    options: {
      tools: [...names],
      protocol,
      maxTurns,
      threshold,
      ...(options.documents === undefined ? {} : { documents: options.documents }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
      ...(options.overseer === undefined
        ? {}
        : {
            overseer: 'judge' in options.overseer ? options.overseer.reference : options.overseer,
          }),
    },
  };
  const questionFamily = (family: TaskFamily): QuestionFamily => {
    if (family.kind !== 'question') {
      throw new OverseerError(
        'scaffold.not-decomposable',
        `${family.name} is an environment family: the tools scaffold answers questions only.`,
        { hint: 'Use the snap scaffold for environments.' },
      );
    }
    return family;
  };

  /** Judges a call before it runs, when there is an overseer; its proposal never holds a result. */
  const judge = async (episode: ToolEpisode, context: string, call: string) => {
    const judgment = await episode.overseer?.judge({
      family: episode.family.name,
      question: episode.run.problem.question,
      kind: 'action',
      previous: [...episode.previous],
      context,
      observation: context,
      action: call,
    });
    episode.previous.push({ kind: 'action', text: call });
    return judgment;
  };

  /**
   * Judges every call of a turn in order, then runs the accepted ones together and records each
   * as an action step (the turn's cost on the first step the turn recorded).
   */
  const runCalls = async (
    episode: ToolEpisode,
    context: string,
    calls: readonly PendingCall[],
    turnCost: { cost: Cost; metadata: JsonObject },
  ): Promise<RanCall[]> => {
    const judgments: Array<Judgment | undefined> = [];
    for (const call of calls) judgments.push(await judge(episode, context, call.text));
    const ran = await Promise.all(
      calls.map(async (call, index): Promise<RanCall> => {
        const judgment = judgments[index];
        const recorded =
          judgment === undefined ? undefined : (JSON.parse(JSON.stringify(judgment)) as JsonObject);
        const clock = startClock();
        if (judgment !== undefined && judgment.score < threshold) {
          const result = toolError(
            'approval',
            'the overseer rejected this call, so it was not run',
          );
          const given = parseToolArguments(call.argumentsText);
          return {
            result,
            arguments: given.ok ? given.value : {},
            startedAt: clock.startedAt,
            durationMs: 0,
            rejected: true,
            ...(recorded === undefined ? {} : { judgment: recorded }),
          };
        }
        const { arguments: given, ...result } = await runOne(episode.box, call);
        return {
          result: result as ToolResult,
          arguments: given,
          startedAt: clock.startedAt,
          durationMs: clock.stop(),
          rejected: false,
          ...(recorded === undefined ? {} : { judgment: recorded }),
        };
      }),
    );
    calls.forEach((call, index) => {
      const {
        result,
        arguments: arguments_,
        startedAt,
        durationMs,
        judgment,
        rejected,
      } = ran[index] as RanCall;
      episode.counts.toolCalls += 1;
      if (!result.ok) episode.counts.toolErrors += 1;
      if (rejected) episode.counts.rejectedCalls += 1;
      const first = turnCost.cost.calls > 0;
      record('action', context, call.text, {
        producer: rejected ? 'rejected' : 'policy',
        startedAt,
        durationMs,
        cost: turnCost.cost,
        metadata: {
          ...(first ? turnCost.metadata : {}),
          tool: {
            id: call.id,
            name: call.name,
            arguments: arguments_,
            argumentsText: call.argumentsText,
            ...(result.ok
              ? { result: result.output }
              : { result: '', error: { type: result.type, message: result.error } }),
          },
          ...(judgment === undefined
            ? {}
            : { judgment, ...(rejected ? { rejected: true, threshold } : {}) }),
        },
      });
      turnCost.cost = noCost();
    });
    return ran;
  };

  /** Runs one call: a native call by its JSON arguments, a text call by its line's argument. */
  const runOne = async (box: Toolbox, call: PendingCall) => {
    if (call.textArgument === undefined) return box.call(call.name, call.argumentsText);
    const { tool, argument } = call.textArgument;
    if (tool === undefined) {
      const enabled = box.tools.map((known) => known.textName).join(', ');
      return {
        ...toolError('parsing', `the tool "${call.name}" is not enabled (tools: ${enabled})`),
        arguments: {},
      };
    }
    return box.call(tool.name, JSON.stringify({ [tool.textArgument]: argument }));
  };

  /** Records the turn's text lines as thought steps; the first carries the turn's cost. */
  const thoughts = (
    episode: ToolEpisode,
    context: string,
    lines: readonly string[],
    turn: { cost: Cost; metadata: JsonObject },
    answered: Answered,
  ): string => {
    let seen = context;
    for (const line of lines) {
      record('thought', seen, line, {
        producer: 'policy',
        startedAt: answered.startedAt,
        cost: turn.cost,
        metadata: turn.cost.calls > 0 ? turn.metadata : {},
      });
      turn.cost = noCost();
      episode.previous.push({ kind: 'thought', text: line });
      seen += `${line}\n`;
    }
    return seen;
  };

  const answerOf = (
    context: string,
    answer: string,
    turn: { cost: Cost; metadata: JsonObject },
    answered: Answered,
  ) =>
    record('answer', context, answer, {
      producer: 'policy',
      startedAt: answered.startedAt,
      cost: turn.cost,
      metadata: turn.metadata,
    }).output;

  const askTurn = (episode: ToolEpisode, request: Parameters<typeof ask>[1]) => {
    episode.counts.turns += 1;
    return ask(episode.run.policy, {
      ...request,
      seed: deriveSeed(
        episode.run.seed ?? 0,
        episode.run.problem.id,
        'tools',
        episode.counts.turns,
      ),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    });
  };

  /** The native protocol: the conversation as chat messages, the tools as function definitions. */
  const native = async (episode: ToolEpisode): Promise<string> => {
    const { family, run } = episode;
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: family.prompt(run.problem.question, 'snap') },
    ];
    const definitions = episode.box.tools.map(({ name, description, parameters }) => ({
      name,
      description,
      parameters,
    }));
    while (episode.counts.turns < maxTurns) {
      const context = renderMessages(messages);
      const answered = await askTurn(
        episode,
        chatRequest(messages, {
          tools: definitions,
          task: { family: family.name, question: run.problem.question, format: 'snap' },
        }),
      );
      const turn = { cost: answered.cost, metadata: answered.metadata };
      const calls = answered.toolCalls ?? [];
      if (calls.length === 0) return answerOf(context, answered.text, turn, answered);
      const lines = answered.text.split('\n').filter((line) => line.trim() !== '');
      const seen = thoughts(episode, context, lines, turn, answered);
      const pending = calls.map((call: ChatToolCall, index) => ({
        id: call.id === '' ? `call-${episode.counts.turns}-${index}` : call.id,
        name: call.name,
        argumentsText: call.arguments,
        text: `${call.name}(${call.arguments})`,
      }));
      const ran = await runCalls(episode, seen, pending, turn);
      messages.push({
        role: 'assistant',
        content: answered.text,
        toolCalls: calls.map((call, index) => ({
          ...call,
          id: (pending[index] as PendingCall).id,
        })),
      });
      ran.forEach(({ result }, index) => {
        messages.push({
          role: 'tool',
          toolCallId: (pending[index] as PendingCall).id,
          content: result.ok ? result.output : result.error,
          ...(result.ok ? {} : { isError: true }),
        });
      });
    }
    episode.exhausted = true;
    return budgetAnswer(renderMessages(messages));
  };

  /** The plain-text protocol: a transcript the scaffold extends with result lines. */
  const text = async (episode: ToolEpisode): Promise<string> => {
    const { family, run, box } = episode;
    const instructed = options.instructions ?? !run.policy.reference.name.startsWith('embedded:');
    let transcript = textPrompt(
      instructed ? family.prompt(run.problem.question, 'snap') : run.problem.question,
      instructed ? textInstructions(box.tools) : undefined,
    );
    while (episode.counts.turns < maxTurns) {
      const answered = await askTurn(episode, {
        prompt: transcript,
        task: { family: family.name, question: run.problem.question, format: 'snap' },
      });
      const turn = {
        cost: answered.cost,
        metadata: { ...answered.metadata, completion: answered.text },
      };
      const parsed = parseTextTurn(answered.text);
      const seen = thoughts(episode, transcript, parsed.thoughts, turn, answered);
      if (parsed.call === undefined) return answerOf(seen, parsed.answer ?? '', turn, answered);
      const { line, name, argument } = parsed.call;
      const tool = box.tools.find((known) => known.name === TOOL_TEXT_NAMES[name]);
      const [ran] = await runCalls(
        episode,
        seen,
        [
          {
            id: `call-${episode.counts.turns}`,
            name: tool?.name ?? name,
            argumentsText: JSON.stringify({ [tool?.textArgument ?? 'input']: argument }),
            text: line,
            textArgument: { tool, argument },
          },
        ],
        turn,
      );
      transcript = `${seen}${line}\n${resultLines((ran as RanCall).result)}`;
    }
    episode.exhausted = true;
    return budgetAnswer(transcript);
  };

  return {
    reference,
    answerFormat: () => 'snap',
    amplifies: false,
    check: (family) => void questionFamily(family),
    run: (run) =>
      recordEpisode(run, reference, async (root) => {
        const family = questionFamily(run.family);
        const given = options.overseer;
        const overseer =
          given === undefined
            ? undefined
            : 'judge' in given
              ? given
              : createOverseer(given.name, given.options, { family });
        const episode: ToolEpisode = {
          run,
          family,
          box: toolbox(built),
          overseer,
          previous: [],
          counts: { turns: 0, toolCalls: 0, toolErrors: 0, rejectedCalls: 0 },
          exhausted: false,
        };
        const name = run.policy.reference.name;
        const useNative =
          protocol === 'native' ||
          (protocol === 'auto' && (name.startsWith('openai:') || name.startsWith('anthropic:')));
        root.producer = 'policy';
        try {
          return await (useNative ? native(episode) : text(episode));
        } finally {
          root.metadata = {
            ...root.metadata,
            protocol: useNative ? 'native' : 'text',
            ...episode.counts,
            turnsExhausted: episode.exhausted,
          };
        }
      }),
  };
}
