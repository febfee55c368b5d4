/**
 * A large decomposition tree as a BullMQ flow: each node of the tree is a job; a node that splits
 * adds its sub-questions as child jobs while it runs (the tree is not known in advance), waits
 * for them (`moveToWaitingChildren`), and combines their answers (`getChildrenValues()`) when it
 * runs again. Answers are memoised by a hash of the question, across the whole cluster: a
 * sub-question answered anywhere before is not asked again, and identical siblings are one job.
 */
import { createHash } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents, WaitingChildrenError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX, redisConnections } from './queue-connection.ts';
import type { QueueLocation } from './queue-connection.ts';

/** The default name of the decomposition queue. */
export const DECOMPOSITION_QUEUE = 'decomposition';

/** How a tree is grown and folded: the work of one node. */
export interface DecompositionSteps {
  /** The sub-questions of `question` (none: a leaf, answered directly). */
  split(question: string, depth: number): Promise<string[]>;
  /** The answer of a leaf. */
  answer(question: string): Promise<string>;
  /** The answer of a node from its sub-questions' answers (in the order `split` gave them). */
  combine(question: string, subAnswers: string[]): Promise<string>;
}

/** Options of `decompositionFlow`. */
export interface DecompositionFlowOptions extends QueueLocation {
  steps: DecompositionSteps;
  /** Nodes run at once by this process's worker (default 4). */
  concurrency?: number;
}

/** A node job's data. */
interface NodeData {
  question: string;
  depth: number;
  /** The node's sub-questions, once it has split (it then waits for them, and combines). */
  subQuestions?: string[];
}

/** A running flow: solve questions, and stop. */
export interface DecompositionFlow {
  /** The answer of `question`, from the memo or by growing and folding its tree. */
  solve(question: string): Promise<string>;
  /** Node jobs this process's worker ran (a node that split runs twice: split, then combine). */
  readonly runs: number;
  /** The deepest node it ran. */
  readonly deepest: number;
  close(): Promise<void>;
}

/** The memo key of a question: a hash, so keys stay short whatever the question. */
export function questionHash(question: string): string {
  return createHash('sha256').update(question).digest('hex').slice(0, 32);
}

/** Starts a worker of the decomposition queue and returns a way to solve questions on it. */
export async function decompositionFlow(
  options: DecompositionFlowOptions,
): Promise<DecompositionFlow> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const name = options.queue ?? DECOMPOSITION_QUEUE;
  const connections = redisConnections(options.target);
  const connection = connections.open();
  const memoKey = `${prefix}:${name}:memo`;
  const queue = new Queue<NodeData, string>(name, { connection, prefix });
  const flows = new FlowProducer({ connection: connections.open(), prefix });
  let runs = 0;
  let deepest = 0;
  const worker = new Worker<NodeData, string>(
    name,
    async (job, token) => {
      runs += 1;
      deepest = Math.max(deepest, job.data.depth);
      return runNode(job, token, { queue, connection, memoKey, steps: options.steps });
    },
    { connection: connections.open(), prefix, concurrency: options.concurrency ?? 4 },
  );
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  const events = new QueueEvents(name, { connection: connections.open(), prefix });
  await events.waitUntilReady();
  return {
    async solve(question) {
      const memo = await connection.hget(memoKey, questionHash(question));
      if (memo !== null) return memo;
      const root = await flows.add({
        name: 'node',
        queueName: name,
        data: { question, depth: 0 },
        opts: { jobId: `root-${questionHash(question)}` },
      });
      return (await root.job.waitUntilFinished(events)) as string;
    },
    get runs() {
      return runs;
    },
    get deepest() {
      return deepest;
    },
    async close() {
      await worker.close();
      await Promise.allSettled([events.close(), flows.close(), queue.close()]);
      connections.disconnect();
    },
  };
}

/**
 * One run of a node: a memoised question is answered at once; a leaf is answered; a node that
 * splits adds its not-yet-answered sub-questions as children and waits; when it runs again (its
 * children done) it combines their answers with the memo's.
 */
async function runNode(
  job: Job<NodeData, string>,
  token: string | undefined,
  context: {
    queue: Queue<NodeData, string>;
    connection: Redis;
    memoKey: string;
    steps: DecompositionSteps;
  },
): Promise<string> {
  const { question, depth } = job.data;
  const { connection, memoKey, steps } = context;
  const remember = async (answer: string): Promise<string> => {
    await connection.hset(memoKey, questionHash(question), answer);
    return answer;
  };
  const known = await connection.hget(memoKey, questionHash(question));
  if (known !== null) return known;
  if (job.data.subQuestions === undefined) {
    const subQuestions = await steps.split(question, depth);
    if (subQuestions.length === 0) return remember(await steps.answer(question));
    await job.updateData({ ...job.data, subQuestions });
    const distinct = [...new Set(subQuestions)];
    const memo = await connection.hmget(memoKey, ...distinct.map(questionHash));
    for (const [index, subQuestion] of distinct.entries()) {
      if (memo[index] !== null) continue;
      await context.queue.add(
        'node',
        { question: subQuestion, depth: depth + 1 },
        {
          // Identical siblings are one child.
          jobId: `${job.id}.${questionHash(subQuestion)}`,
          parent: { id: job.id!, queue: job.queueQualifiedName },
        },
      );
    }
    if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
  }
  // Children done (or all memoised): every sub-answer is in the memo or among the children's values.
  const subQuestions = job.data.subQuestions ?? (await steps.split(question, depth));
  const children = await job.getChildrenValues<string>();
  const byHash = new Map(
    Object.entries(children).map(([key, value]) => [key.slice(key.lastIndexOf('.') + 1), value]),
  );
  const answers = await Promise.all(
    subQuestions.map(async (subQuestion) => {
      const hash = questionHash(subQuestion);
      return byHash.get(hash) ?? (await connection.hget(memoKey, hash)) ?? '';
    }),
  );
  return remember(await steps.combine(question, answers));
}
