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
import { deriveSeed } from '../util/random.ts';
import { createOverseer } from '../overseers/registry.ts';
import type { Overseer } from '../overseers/overseer.ts';
import { chatRequest } from '../policies/chat.ts';
import type { ChatMessage } from '../policies/chat.ts';
import { generateStructured } from '../policies/structured-output.ts';
import type { StructuredResult } from '../policies/structured-output.ts';
import type { JsonObject, PriorStep, RegistryReference } from '../spec/index.ts';
import { addCosts } from '../spec/index.ts';
import type { QuestionFamily } from '../tasks/family.ts';
import { answerStep, budgetAnswer } from './asking.ts';
import { questionScaffold } from './question-scaffold.ts';
import type { QuestionEpisode } from './question-scaffold.ts';
import { checkWholeNumbers } from './scaffold.ts';
import type { Scaffold } from './scaffold.ts';
import type { StepNode } from './trace.ts';
import { record, traced, within } from './trace.ts';

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

interface EpisodeState extends QuestionEpisode {
  rejected: number;
  failedPlans: number;
  overseer: Overseer | undefined;
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
  checkWholeNumbers('model-decompose', {
    maxDepth: [maxDepth, 0],
    budget: [budget, 0],
    maxSubQuestions: [maxSubQuestions, 1],
    planAttempts: [planAttempts, 1],
    concurrency: [concurrency, 1],
  });
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

  /** The policy answers `question` directly (the family's snap prompt where it has one). */
  const leaf = async (state: EpisodeState, question: string): Promise<string> => {
    const { run, family } = state;
    const prompt = family.prompt(question, 'snap');
    if (!state.budget.reserve()) return budgetAnswer(prompt);
    return state.limit(() =>
      answerStep(prompt, run.policy, {
        prompt,
        seed: deriveSeed(run.seed ?? 0, run.problem.id, 'model-decompose', 'leaf', question),
        task: { family: family.name, question, format: 'snap' },
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      }),
    );
  };

  /** The policy's plan for `question`, recorded as a `thought` step with every attempt. */
  const propose = async (
    state: EpisodeState,
    question: string,
  ): Promise<StructuredResult<{ subQuestions: string[] }>> => {
    const { run } = state;
    let plan: StructuredResult<{ subQuestions: string[] }> | undefined;
    await traced(
      'thought',
      question,
      async (self) => {
        const planned = await generateStructured(
          run.policy,
          planMessages(question, maxSubQuestions),
          Plan,
          {
            name: 'plan',
            maxAttempts: planAttempts,
            maxTokens: planMaxTokens,
            seed: deriveSeed(run.seed ?? 0, run.problem.id, 'model-decompose', 'plan', question),
          },
        );
        plan = planned;
        // Unused reserved attempts go back to the budget.
        state.budget.refund(planAttempts - planned.attempts.length);
        self.cost = addCosts(...planned.attempts.map((attempt) => attempt.cost));
        self.metadata = {
          plan: {
            ok: planned.ok,
            ...(planned.ok
              ? { subQuestions: planned.value.subQuestions }
              : { error: planned.error }),
            attempts: planned.attempts.map((attempt) => ({
              text: attempt.text,
              ...(attempt.error === undefined ? {} : { error: attempt.error }),
            })),
          },
        };
        return planned.attempts.at(-1)?.text ?? '';
      },
      { producer: 'policy' },
    );
    return plan as StructuredResult<{ subQuestions: string[] }>;
  };

  /**
   * Records each proposed sub-question, judged first when there is an overseer (each judgment
   * seeing the proposals before it); returns the accepted ones, still to be expanded.
   */
  const judgeProposals = async (
    state: EpisodeState,
    question: string,
    proposed: readonly string[],
  ): Promise<StepNode[]> => {
    const previous: PriorStep[] = [];
    const accepted: StepNode[] = [];
    for (const subQuestion of proposed) {
      const judgment = await state.overseer?.judge({
        family: state.family.name,
        question,
        kind: 'subquestion',
        previous: [...previous],
        context: question,
        action: subQuestion,
      });
      previous.push({ kind: 'subquestion', text: subQuestion });
      if (judgment === undefined) {
        accepted.push(record('subquestion', subQuestion, '', { producer: 'policy' }));
        continue;
      }
      const recorded = JSON.parse(JSON.stringify(judgment)) as JsonObject;
      if (judgment.score < threshold) {
        state.rejected += 1;
        record('subquestion', subQuestion, '', {
          producer: 'rejected',
          metadata: { judgment: recorded, rejected: true, threshold },
        });
        continue;
      }
      const metadata = { judgment: recorded };
      accepted.push(record('subquestion', subQuestion, '', { producer: 'policy', metadata }));
    }
    return accepted;
  };

  /** Answers `question` at `depth`: plan, judge, expand the accepted sub-questions, combine. */
  const expand = async (
    state: EpisodeState,
    self: StepNode,
    question: string,
    depth: number,
  ): Promise<string> => {
    const directly = (decomposition: string): Promise<string> => {
      self.metadata = { ...self.metadata, decomposition };
      return leaf(state, question);
    };
    self.metadata = { ...self.metadata, depth };
    if (depth >= maxDepth) return leaf(state, question);
    if (!state.budget.reserve(planAttempts)) return budgetAnswer(question);
    const plan = await propose(state, question);
    if (!plan.ok) {
      state.failedPlans += 1;
      return directly(`no valid plan: ${plan.error}; answered directly`);
    }
    if (plan.value.subQuestions.length === 0) {
      return directly('the policy proposed no sub-questions');
    }
    const accepted = await judgeProposals(state, question, plan.value.subQuestions);
    if (accepted.length === 0) {
      return directly('the overseer rejected every sub-question; answered directly');
    }
    const settled = await Promise.allSettled(
      accepted.map((child) => within(child, () => expand(state, child, child.input, depth + 1))),
    );
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    const answered: PriorStep[] = accepted.map((child) => ({
      kind: 'subquestion',
      text: child.input,
      answer: child.output,
    }));
    const messages = combineMessages(question, answered);
    if (!state.budget.reserve()) return budgetAnswer(question);
    const seed = deriveSeed(
      state.run.seed ?? 0,
      state.run.problem.id,
      'model-decompose',
      'combine',
      question,
    );
    return state.limit(() =>
      answerStep(
        messages.map((message) => message.content).join('\n\n'),
        state.run.policy,
        chatRequest(messages, {
          seed,
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
        }),
      ),
    );
  };

  return questionScaffold(
    {
      reference,
      refusal: 'model-decompose splits questions only',
      budget,
      concurrency,
      amplifies: false,
    },
    async (episode, root) => {
      const overseer = overseerFor(episode.family);
      const state: EpisodeState = { ...episode, rejected: 0, failedPlans: 0, overseer };
      root.producer = 'policy';
      const answer = await expand(state, root, episode.run.problem.question, 0);
      const counts = { rejectedSubQuestions: state.rejected, failedPlans: state.failedPlans };
      return { answer, counts };
    },
  );
}
