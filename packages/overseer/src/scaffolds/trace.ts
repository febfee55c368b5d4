/**
 * An episode's tree, traced while the scaffold runs (util/trace.ts): each policy call, expert
 * answer and sub-question is a node under the call that made it, so a scaffold reads as plain
 * code. `recordEpisode` starts the tree at the question and flattens it parents-first into spec
 * Steps with ids.
 */
import type { Cost, Episode, JsonObject, StepKind, Step } from '../spec/index.ts';
import { addCosts, noCost, toErrorRecord } from '../spec/index.ts';
import type { TraceNode } from '../util/trace.ts';
import { createTracer, walk } from '../util/trace.ts';
import type { ScaffoldRun } from './scaffold.ts';

/** What a step's node carries besides the traced fields. */
export interface StepFields {
  producer: string;
  cost: Cost;
  metadata: JsonObject;
  /** For a memo hit: the node whose answer was reused (its id goes into metadata.memoOf). */
  memoOf?: StepNode;
}

/** A node of an episode's tree under construction. */
export type StepNode = TraceNode<StepKind, StepFields>;

/** The scaffolds' tracer: `traced`, `record`, `within` and `discard` act on the running episode. */
export const { traced, tracedNode, record, within, discard, withTrace } = createTracer<
  StepKind,
  StepFields
>(() => ({ producer: 'scaffold', cost: noCost(), metadata: {} }));

/** Flattens a tree into Steps, parents before children, with ids `s0`, `s1`, … in pre-order. */
export function flatten(root: StepNode): Step[] {
  // A failed answer, thought or action produced nothing, so it is no step (the episode carries the
  // error); a failed question stays, since it was asked, with the sub-tree it got as far as.
  const order = walk(
    root,
    (node) => node.error === undefined || node.kind === 'question' || node.kind === 'subquestion',
  );
  const ids = new Map(order.map(({ node, id }) => [node, `s${id}`]));
  return order.map(({ node, id, parentId, index }) => {
    const memoOf = node.memoOf === undefined ? undefined : ids.get(node.memoOf);
    return {
      id: `s${id}`,
      parentId: parentId === null ? null : `s${parentId}`,
      kind: node.kind,
      index,
      input: node.input,
      output: node.output,
      producer: node.producer,
      timing: { startedAt: node.startedAt, durationMs: node.durationMs },
      cost: node.cost,
      metadata: memoOf === undefined ? node.metadata : { ...node.metadata, memoOf },
    };
  });
}

/**
 * Runs a scaffold body as the root of a traced tree (a `question` node) and packs the result into
 * an Episode. A thrown error becomes a `failed` episode carrying the error and whatever tree was
 * built, never an exception for the caller.
 */
export async function recordEpisode(
  run: ScaffoldRun,
  scaffold: Episode['scaffold'],
  body: (root: StepNode) => Promise<string | null>,
): Promise<Episode> {
  let answer: string | null = null;
  const { root, error } = await withTrace('question', run.problem.question, async (self) => {
    answer = await body(self);
    return answer ?? '';
  });
  const base = {
    id: run.episodeId ?? `episode/${run.problem.id}`,
    problem: run.problem,
    scaffold,
    policy: run.policy.reference,
    startedAt: root.startedAt,
  };
  const steps = flatten(root);
  const finishedAt = new Date().toISOString();
  return error === undefined
    ? { ...base, status: 'finished', steps, answer, finishedAt }
    : { ...base, status: 'failed', steps, answer: null, error: toErrorRecord(error), finishedAt };
}

/** Total cost of an episode's steps. */
export function episodeCost(episode: Episode): Cost {
  return addCosts(...episode.steps.map((step) => step.cost));
}
