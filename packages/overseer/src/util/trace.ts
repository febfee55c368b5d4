/**
 * Ambient tracing, after ICE's `@trace`: `traced(kind, input, fn)` records a call as a node under
 * the call that is running — found through AsyncLocalStorage, not passed down — so recursive code
 * reads as plain recursion and still leaves its whole call tree behind. `withTrace` starts a tree.
 *
 * A node joins its parent when its call starts, so siblings stand in the order their calls were
 * started: parallel calls started by mapping over a list keep the list's order however they
 * finish. A call that throws keeps its node, with the error; ids are given when the finished tree
 * is walked (`walk`, pre-order), so they never depend on which call finished first.
 *
 * Each room makes its own tracer (`createTracer`) with the fields its nodes carry besides these
 * (a scaffold step's producer, cost and metadata, say); tracers do not see each other's nodes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** What every traced node carries. */
export interface TraceFields<Kind extends string, Extra extends object> {
  kind: Kind;
  input: string;
  /** What the call returned ('' until it returns). */
  output: string;
  /** When the call started (ISO 8601). */
  startedAt: string;
  /** How long it ran; 0 for a node recorded without a call. */
  durationMs: number;
  /** What the call threw, when it threw. */
  error?: unknown;
  parent: TraceNode<Kind, Extra> | null;
  children: Array<TraceNode<Kind, Extra>>;
}

/** A node of a call tree: the traced fields and the tracer's own. */
export type TraceNode<Kind extends string, Extra extends object> = TraceFields<Kind, Extra> & Extra;

/** Fields a caller may set when a node is made: its own, and the timing of a node without a call. */
export type NodeFields<Extra extends object> = Partial<Extra> & {
  startedAt?: string;
  durationMs?: number;
};

/** A wall clock for one call: when it started and, at `stop()`, how long it took. */
export function startClock(): { startedAt: string; stop(): number } {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  return { startedAt, stop: () => Math.max(0, performance.now() - start) };
}

/** Records call trees whose nodes carry `Extra` besides the traced fields. */
export interface Tracer<Kind extends string, Extra extends object> {
  /** Runs `fn` as a new tree's root; never throws: a failure comes back as `error`, with the tree. */
  withTrace(
    kind: Kind,
    input: string,
    fn: (root: TraceNode<Kind, Extra>) => Promise<string>,
    fields?: NodeFields<Extra>,
  ): Promise<{ root: TraceNode<Kind, Extra>; error?: unknown }>;
  /** Runs `fn` as a child of the running call; its result is the node's output and is returned. */
  traced(
    kind: Kind,
    input: string,
    fn: (self: TraceNode<Kind, Extra>) => string | Promise<string>,
    fields?: NodeFields<Extra>,
  ): Promise<string>;
  /** As `traced`, returning the finished node. */
  tracedNode(
    kind: Kind,
    input: string,
    fn: (self: TraceNode<Kind, Extra>) => string | Promise<string>,
    fields?: NodeFields<Extra>,
  ): Promise<TraceNode<Kind, Extra>>;
  /** Records a node without a call (a fact, a proposal, a refusal) under the running call. */
  record(
    kind: Kind,
    input: string,
    output: string,
    fields?: NodeFields<Extra>,
  ): TraceNode<Kind, Extra>;
  /** Runs the work of a node recorded earlier: `fn` is timed, and its result is the output. */
  within(
    node: TraceNode<Kind, Extra>,
    fn: (self: TraceNode<Kind, Extra>) => string | Promise<string>,
  ): Promise<string>;
  /** Takes a node (and its sub-tree) out of its parent, e.g. a speculative call not needed after all. */
  discard(node: TraceNode<Kind, Extra>): void;
}

/** A tracer whose nodes start with the fields `extra()` gives. */
export function createTracer<Kind extends string, Extra extends object>(
  extra: () => Extra,
): Tracer<Kind, Extra> {
  type Node = TraceNode<Kind, Extra>;
  const running = new AsyncLocalStorage<Node>();

  const make = (
    kind: Kind,
    input: string,
    parent: Node | null,
    fields: NodeFields<Extra> = {},
    output = '',
  ): Node => {
    const node = {
      ...extra(),
      kind,
      input,
      output,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      parent,
      children: [],
      ...fields,
    } as Node;
    parent?.children.push(node);
    return node;
  };

  const within = async (
    node: Node,
    fn: (self: Node) => string | Promise<string>,
  ): Promise<string> => {
    const clock = startClock();
    node.startedAt = clock.startedAt;
    try {
      node.output = await running.run(node, () => fn(node));
      return node.output;
    } catch (error) {
      node.error = error;
      throw error;
    } finally {
      node.durationMs = clock.stop();
    }
  };

  const tracedNode = async (
    kind: Kind,
    input: string,
    fn: (self: Node) => string | Promise<string>,
    fields?: NodeFields<Extra>,
  ): Promise<Node> => {
    const node = make(kind, input, running.getStore() ?? null, fields);
    await within(node, fn);
    return node;
  };

  return {
    async withTrace(kind, input, fn, fields) {
      const root = make(kind, input, null, fields);
      try {
        await within(root, fn);
        return { root };
      } catch (error) {
        return { root, error };
      }
    },
    traced: async (kind, input, fn, fields) => (await tracedNode(kind, input, fn, fields)).output,
    tracedNode,
    record: (kind, input, output, fields) =>
      make(kind, input, running.getStore() ?? null, fields, output),
    within,
    discard(node) {
      const siblings = node.parent?.children;
      const index = siblings?.indexOf(node) ?? -1;
      if (index >= 0) siblings?.splice(index, 1);
      node.parent = null;
    },
  };
}

/** A node's place in a walked tree: ids are positions in pre-order, the root's 0. */
export interface WalkedNode<Node> {
  node: Node;
  id: number;
  parentId: number | null;
  /** Position among the siblings walked. */
  index: number;
}

/**
 * The tree in pre-order (parents before children), leaving out any node `include` refuses with its
 * sub-tree; the root is always included.
 */
export function walk<Node extends { children: Node[] }>(
  root: Node,
  include: (node: Node) => boolean = () => true,
): Array<WalkedNode<Node>> {
  const order: Array<WalkedNode<Node>> = [];
  const visit = (node: Node, parentId: number | null, index: number): void => {
    const id = order.length;
    order.push({ node, id, parentId, index });
    node.children.filter(include).forEach((child, childIndex) => visit(child, id, childIndex));
  };
  visit(root, null, 0);
  return order;
}
