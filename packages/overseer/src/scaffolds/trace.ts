/**
 * Building an episode's tree while it runs. Scaffolds grow nested nodes (children may finish out
 * of order when sub-questions run concurrently, and speculative branches may be dropped), then
 * `toEpisode` flattens them parents-first into spec Steps with ids.
 */
import { performance } from 'node:perf_hooks';
import type { Cost, Episode, JsonObject, StepKind, Step } from '../spec/index.ts';
import { toErrorRecord } from '../spec/index.ts';
import type { Answered } from './asking.ts';
import type { ScaffoldRun } from './scaffold.ts';

/** A node of an episode's tree under construction. */
export interface TraceNode {
  kind: StepKind;
  input: string;
  output: string;
  producer: string;
  startedAt: string;
  durationMs: number;
  cost: Cost;
  metadata: JsonObject;
  children: TraceNode[];
  /** For a memo hit: the node whose answer was reused (its id goes into metadata.memoOf). */
  memoOf?: TraceNode;
}

/** No calls, no tokens. */
export function noCost(): Cost {
  return { calls: 0, inputTokens: 0, outputTokens: 0 };
}

/** Sum of costs (money only when some part reports it). */
export function addCosts(...costs: Cost[]): Cost {
  const total = noCost();
  let usd: number | undefined;
  for (const cost of costs) {
    total.calls += cost.calls;
    total.inputTokens += cost.inputTokens;
    total.outputTokens += cost.outputTokens;
    if (cost.usd !== undefined) usd = (usd ?? 0) + cost.usd;
  }
  return usd === undefined ? total : { ...total, usd };
}

/** A wall clock for one node: when it started and, at `stop()`, how long it took. */
export function startClock(): { startedAt: string; stop(): number } {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  return { startedAt, stop: () => Math.max(0, performance.now() - start) };
}

/** A node with defaults filled in. */
export function node(
  fields: Pick<TraceNode, 'kind' | 'input' | 'output' | 'producer'> & Partial<TraceNode>,
): TraceNode {
  return {
    startedAt: new Date().toISOString(),
    durationMs: 0,
    cost: noCost(),
    metadata: {},
    children: [],
    ...fields,
  };
}

/** Hangs a policy's reply to `input` under `into` as its `answer` step; the reply is its output. */
export function answerFromPolicy(into: TraceNode, input: string, answered: Answered): void {
  into.children.push(
    node({
      kind: 'answer',
      input,
      output: answered.text,
      producer: 'policy',
      startedAt: answered.startedAt,
      durationMs: answered.durationMs,
      cost: answered.cost,
      metadata: answered.metadata,
    }),
  );
  into.output = answered.text;
}

/** Flattens a tree into Steps, parents before children, with ids `s0`, `s1`, … in pre-order. */
export function flatten(root: TraceNode): Step[] {
  const ids = new Map<TraceNode, string>();
  const order: Array<{ node: TraceNode; parent: TraceNode | null; index: number }> = [];
  const visit = (current: TraceNode, parent: TraceNode | null, index: number): void => {
    ids.set(current, `s${order.length}`);
    order.push({ node: current, parent, index });
    current.children.forEach((child, childIndex) => visit(child, current, childIndex));
  };
  visit(root, null, 0);
  return order.map(({ node: current, parent, index }) => {
    const memoOf = current.memoOf === undefined ? undefined : ids.get(current.memoOf);
    return {
      id: ids.get(current) as string,
      parentId: parent === null ? null : (ids.get(parent) as string),
      kind: current.kind,
      index,
      input: current.input,
      output: current.output,
      producer: current.producer,
      timing: { startedAt: current.startedAt, durationMs: current.durationMs },
      cost: current.cost,
      metadata: memoOf === undefined ? current.metadata : { ...current.metadata, memoOf },
    };
  });
}

/**
 * Runs a scaffold body and packs the result into an Episode. A thrown error becomes a `failed`
 * episode carrying the error and whatever tree was built, never an exception for the caller.
 */
export async function recordEpisode(
  run: ScaffoldRun,
  scaffold: Episode['scaffold'],
  body: (root: TraceNode) => Promise<string | null>,
): Promise<Episode> {
  const clock = startClock();
  const root = node({
    kind: 'question',
    input: run.problem.question,
    output: '',
    producer: 'scaffold',
  });
  root.startedAt = clock.startedAt;
  const base = {
    id: run.episodeId ?? `episode/${run.problem.id}`,
    problem: run.problem,
    scaffold,
    policy: run.policy.reference,
    startedAt: clock.startedAt,
  };
  try {
    const answer = await body(root);
    root.output = answer ?? '';
    root.durationMs = clock.stop();
    return {
      ...base,
      status: 'finished',
      steps: flatten(root),
      answer,
      finishedAt: new Date().toISOString(),
    };
  } catch (error) {
    root.durationMs = clock.stop();
    return {
      ...base,
      status: 'failed',
      steps: flatten(root),
      answer: null,
      error: toErrorRecord(error),
      finishedAt: new Date().toISOString(),
    };
  }
}

/** Total cost of an episode's steps. */
export function episodeCost(episode: Episode): Cost {
  return addCosts(...episode.steps.map((step) => step.cost));
}
