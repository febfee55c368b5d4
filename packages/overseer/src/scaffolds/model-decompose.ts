/**
 * `model-decompose`: decomposition driven by the policy instead of the weak expert. At each node
 * above `maxDepth` the policy proposes sub-questions as structured output (JSON validated with
 * zod, re-asked when malformed); an overseer, when configured, judges each proposed sub-question
 * before it is expanded, and one scored below `threshold` is recorded but not expanded. Accepted
 * sub-questions are answered the same way one level down; then the policy answers the node from
 * the sub-answers. At `maxDepth` (or with no sub-questions) the policy answers directly.
 *
 * Degrading clearly: a policy that cannot produce a valid plan (a small model) answers the node
 * directly, and the plan's `thought` step says so (`metadata.plan.ok = false` with the error and
 * every attempt). A policy that cannot be reached fails the episode with its error, as any
 * scaffold does. Prompts are natural language: with the embedded model, serve it with
 * `overseer serve --unknown-characters drop --truncate left` and use the `openai:` policy.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { deriveSeed } from '../model/random.ts';
import { createOverseer } from '../overseers/registry.ts';
import type { Overseer } from '../overseers/overseer.ts';
import { chatRequest } from '../policies/chat.ts';
import type { ChatMessage } from '../policies/chat.ts';
import { generateStructured } from '../policies/structured-output.ts';
import type { JsonObject, PriorStep, RegistryReference } from '../spec/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import type { QuestionFamily, TaskFamily } from '../tasks/family.ts';
import { ask } from './asking.ts';
import { createLimit } from './limit.ts';
import type { Scaffold, ScaffoldRun } from './scaffold.ts';
import type { TraceNode } from './trace.ts';
import { addCosts, answerFromPolicy, node, recordEpisode, startClock } from './trace.ts';

/** Options of `model-decompose`. */
export interface ModelDecomposeOptions {
  /** Levels the policy may split before answering directly (default 1). */
  maxDepth?: number;
  /** Most policy calls per episode, plans and re-asks included (default 64). */
  budget?: number;
  /** Most sub-questions per plan (default 4). */
  maxSubQuestions?: number;
  /** Most tokens per answer (default: the policy's own limit). */
  maxTokens?: number;
  /** Most tokens per plan attempt (default 256). */
  planMaxTokens?: number;
  /** Attempts at a valid plan, the first included (default 3). */
  planAttempts?: number;
  /** Sub-questions answered at once (default 4). */
  concurrency?: number;
  /** Judges each proposed sub-question before it is expanded: a registry reference, or an overseer. */
  overseer?: RegistryReference | Overseer;
  /** Sub-questions the overseer scores below this are not expanded (default 0). */
  threshold?: number;
}

/** The plan a policy proposes. */
export function planSchema(maxSubQuestions: number) {
  return z.strictObject({
    subQuestions: z.array(z.string().trim().min(1)).max(maxSubQuestions),
  });
}

interface EpisodeState {
  run: ScaffoldRun;
  family: QuestionFamily;
  calls: number;
  rejected: number;
  failedPlans: number;
  budgetExhausted: boolean;
  overseer: Overseer | undefined;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
}

/** The plan request for a question. */
export function planMessages(question: string, maxSubQuestions: number): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `You break a question into at most ${maxSubQuestions} simpler sub-questions whose answers let you answer it. If it is simple enough to answer directly, propose no sub-questions.`,
    },
    { role: 'user', content: `Question: ${question}` },
  ];
}

/** The request to answer a question from its sub-answers. */
export function combineMessages(question: string, answered: readonly PriorStep[]): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'Answer the question using the answers to its sub-questions. Reply with the answer only.',
    },
    {
      role: 'user',
      content: `Question: ${question}\nSub-questions and their answers:\n${answered
        .map((prior) => `- ${prior.text} = ${prior.answer ?? ''}`)
        .join('\n')}`,
    },
  ];
}

/** The model-driven decompose scaffold. */
export function modelDecompose(options: ModelDecomposeOptions = {}): Scaffold {
  const maxDepth = options.maxDepth ?? 1;
  const budget = options.budget ?? 64;
  const maxSubQuestions = options.maxSubQuestions ?? 4;
  const planMaxTokens = options.planMaxTokens ?? 256;
  const planAttempts = options.planAttempts ?? 3;
  const concurrency = options.concurrency ?? 4;
  const threshold = options.threshold ?? 0;
  for (const [key, value, minimum] of [
    ['maxDepth', maxDepth, 0],
    ['budget', budget, 0],
    ['maxSubQuestions', maxSubQuestions, 1],
    ['planAttempts', planAttempts, 1],
    ['concurrency', concurrency, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < minimum) {
      throw new OverseerError(
        'scaffold.bad-options',
        `model-decompose: ${key} must be a whole number ≥ ${minimum}, got ${value}.`,
      );
    }
  }
  const reference = {
    name: 'model-decompose',
    options: {
      maxDepth,
      budget,
      maxSubQuestions,
      planMaxTokens,
      planAttempts,
      concurrency,
      threshold,
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.overseer === undefined
        ? {}
        : {
            overseer: 'judge' in options.overseer ? options.overseer.reference : options.overseer,
          }),
    },
  };
  const Plan = planSchema(maxSubQuestions);
  const overseerFor = (family: QuestionFamily): Overseer | undefined => {
    const given = options.overseer;
    if (given === undefined) return undefined;
    return 'judge' in given ? given : createOverseer(given.name, given.options, { family });
  };

  /** Reserves one policy call; false when the budget is spent. */
  const reserve = (state: EpisodeState, calls = 1): boolean => {
    if (state.calls + calls > budget) {
      state.budgetExhausted = true;
      return false;
    }
    state.calls += calls;
    return true;
  };

  const unknown = (into: TraceNode, input: string): void => {
    into.children.push(
      node({
        kind: 'answer',
        input,
        output: UNKNOWN_ANSWER,
        producer: 'budget',
        metadata: { budgetExhausted: true },
      }),
    );
    into.output = UNKNOWN_ANSWER;
  };

  /** The policy answers `question` directly (the family's snap prompt where it has one). */
  const leaf = async (state: EpisodeState, into: TraceNode, question: string): Promise<void> => {
    const { run, family } = state;
    const prompt = family.prompt(question, 'snap');
    if (!reserve(state)) return unknown(into, prompt);
    const answered = await state.limit(() =>
      ask(run.policy, {
        prompt,
        seed: deriveSeed(run.seed ?? 0, run.problem.id, 'model-decompose', 'leaf', question),
        task: { family: family.name, question, format: 'snap' },
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      }),
    );
    answerFromPolicy(into, prompt, answered);
  };

  const expand = async (
    state: EpisodeState,
    into: TraceNode,
    question: string,
    depth: number,
  ): Promise<void> => {
    const clock = startClock();
    into.startedAt = clock.startedAt;
    into.metadata = { ...into.metadata, depth };
    try {
      if (depth >= maxDepth) {
        await leaf(state, into, question);
        return;
      }
      if (!reserve(state, planAttempts)) return unknown(into, question);
      const planClock = startClock();
      const plan = await generateStructured(
        state.run.policy,
        planMessages(question, maxSubQuestions),
        Plan,
        {
          name: 'plan',
          maxAttempts: planAttempts,
          maxTokens: planMaxTokens,
          seed: deriveSeed(
            state.run.seed ?? 0,
            state.run.problem.id,
            'model-decompose',
            'plan',
            question,
          ),
        },
      );
      // Unused reserved attempts go back to the budget.
      state.calls -= planAttempts - plan.attempts.length;
      const planStep = node({
        kind: 'thought',
        input: question,
        output: plan.attempts.at(-1)?.text ?? '',
        producer: 'policy',
        startedAt: planClock.startedAt,
        durationMs: planClock.stop(),
        cost: addCosts(...plan.attempts.map((attempt) => attempt.cost)),
        metadata: {
          plan: {
            ok: plan.ok,
            ...(plan.ok ? { subQuestions: plan.value.subQuestions } : { error: plan.error }),
            attempts: plan.attempts.map((attempt) => ({
              text: attempt.text,
              ...(attempt.error === undefined ? {} : { error: attempt.error }),
            })),
          },
        },
      });
      into.children.push(planStep);
      if (!plan.ok) {
        state.failedPlans += 1;
        into.metadata = {
          ...into.metadata,
          decomposition: `no valid plan: ${plan.error}; answered directly`,
        };
        await leaf(state, into, question);
        return;
      }
      const proposed = plan.value.subQuestions;
      if (proposed.length === 0) {
        into.metadata = { ...into.metadata, decomposition: 'the policy proposed no sub-questions' };
        await leaf(state, into, question);
        return;
      }
      // Judge every proposal before expanding any, each seeing the ones before it.
      const previous: PriorStep[] = [];
      const accepted: TraceNode[] = [];
      for (const subQuestion of proposed) {
        const child = node({
          kind: 'subquestion',
          input: subQuestion,
          output: '',
          producer: 'policy',
        });
        if (state.overseer !== undefined) {
          const judgment = await state.overseer.judge({
            family: state.family.name,
            question,
            kind: 'subquestion',
            previous: [...previous],
            context: question,
            action: subQuestion,
          });
          const recorded = JSON.parse(JSON.stringify(judgment)) as JsonObject;
          if (judgment.score < threshold) {
            state.rejected += 1;
            child.producer = 'rejected';
            child.metadata = { judgment: recorded, rejected: true, threshold };
            into.children.push(child);
            previous.push({ kind: 'subquestion', text: subQuestion });
            continue;
          }
          child.metadata = { judgment: recorded };
        }
        into.children.push(child);
        accepted.push(child);
        previous.push({ kind: 'subquestion', text: subQuestion });
      }
      if (accepted.length === 0) {
        into.metadata = {
          ...into.metadata,
          decomposition: 'the overseer rejected every sub-question; answered directly',
        };
        await leaf(state, into, question);
        return;
      }
      const settled = await Promise.allSettled(
        accepted.map((child) => expand(state, child, child.input, depth + 1)),
      );
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
      const answered: PriorStep[] = accepted.map((child) => ({
        kind: 'subquestion',
        text: child.input,
        answer: child.output,
      }));
      const messages = combineMessages(question, answered);
      if (!reserve(state)) return unknown(into, question);
      const combined = await state.limit(() =>
        ask(
          state.run.policy,
          chatRequest(messages, {
            seed: deriveSeed(
              state.run.seed ?? 0,
              state.run.problem.id,
              'model-decompose',
              'combine',
              question,
            ),
            ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
          }),
        ),
      );
      into.producer = 'policy';
      answerFromPolicy(into, messages.map((message) => message.content).join('\n\n'), combined);
    } finally {
      into.durationMs = clock.stop();
    }
  };

  const questionFamily = (family: TaskFamily): QuestionFamily => {
    if (family.kind !== 'question') {
      throw new OverseerError(
        'scaffold.not-decomposable',
        `${family.name} is an environment family: model-decompose splits questions only.`,
        { hint: 'Use the snap scaffold for environments.' },
      );
    }
    return family;
  };

  return {
    reference,
    answerFormat: () => 'snap',
    amplifies: false,
    check: (family) => void questionFamily(family),
    run: (run) =>
      recordEpisode(run, reference, async (root) => {
        const family = questionFamily(run.family);
        const state: EpisodeState = {
          run,
          family,
          calls: 0,
          rejected: 0,
          failedPlans: 0,
          budgetExhausted: false,
          overseer: overseerFor(family),
          limit: createLimit(concurrency),
        };
        root.producer = 'policy';
        await expand(state, root, run.problem.question, 0);
        root.metadata = {
          ...root.metadata,
          calls: state.calls,
          rejectedSubQuestions: state.rejected,
          failedPlans: state.failedPlans,
          budgetExhausted: state.budgetExhausted,
        };
        return root.output;
      }),
  };
}
