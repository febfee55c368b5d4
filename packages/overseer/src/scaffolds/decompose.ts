/**
 * `decompose`: an HCH tree. The weak expert (the family's decomposition) splits a question into
 * sub-questions; each sub-question is answered the same way one level down, until `maxDepth`,
 * where the policy answers directly. Base cases the expert answers from the world itself. The
 * expert combines the sub-answers into the answer.
 *
 * Each question node has children: its sub-question nodes (each a sub-tree), then one `answer`
 * step — by the `expert` (a combination or a fact), the `policy` (a leaf), or `budget` when the
 * call budget ran out (the answer is then UNKNOWN_ANSWER, which the expert cannot combine, so the
 * node above answers UNKNOWN_ANSWER too). A repeated sub-question is a `memo` node pointing at
 * the first (metadata.memoOf) and costs nothing.
 *
 * Concurrency: the expert asks sub-questions one after another because a later one may depend on
 * an earlier answer (σ^m(y) needs y). When two placeholder answers lead the expert to the same
 * next sub-question, it does not depend on that answer, so both are asked at once; after the
 * answers arrive the sequence is replayed, and any speculative sub-question the real answers
 * would not have asked is dropped (its calls still count, in the node's own cost).
 */
import { deriveSeed } from '../util/random.ts';
import type { SplitCase } from '../tasks/family.ts';
import type { Cost } from '../spec/index.ts';
import { addCosts } from '../spec/index.ts';
import { answerStep, budgetAnswer } from './asking.ts';
import { questionScaffold } from './question-scaffold.ts';
import type { QuestionEpisode } from './question-scaffold.ts';
import { checkWholeNumbers } from './scaffold.ts';
import type { Scaffold } from './scaffold.ts';
import type { StepNode } from './trace.ts';
import { discard, record, tracedNode } from './trace.ts';

/** Options of `decompose`. */
export interface DecomposeOptions {
  /** Levels the expert splits before the policy answers; 0 makes this snap (default 1, IDA's amplification). */
  maxDepth?: number;
  /** Most policy calls per episode (default 256). */
  budget?: number;
  /** Reuse the answer of a sub-question already asked in this episode (default true). */
  memo?: boolean;
  /** Most policy calls in flight at once (default 4); 1 asks strictly one at a time. */
  concurrency?: number;
  /** Most sub-questions at one node, a guard against a runaway decomposition (default 64). */
  maxSubQuestions?: number;
  /** Most tokens per leaf answer (default: the policy's own limit). */
  maxTokens?: number;
}

interface EpisodeState extends QuestionEpisode {
  discardedCalls: number;
  memoHits: number;
  /** Each question asked so far: the node that answers it, and its answer once it comes. */
  memo: Map<string, Promise<{ source: StepNode; answer: string }>>;
}

/** The decompose scaffold. */
export function decompose(options: DecomposeOptions = {}): Scaffold {
  const maxDepth = options.maxDepth ?? 1;
  const budget = options.budget ?? 256;
  const memo = options.memo ?? true;
  const concurrency = options.concurrency ?? 4;
  const maxSubQuestions = options.maxSubQuestions ?? 64;
  checkWholeNumbers('decompose', {
    maxDepth: [maxDepth, 0],
    budget: [budget, 0],
    concurrency: [concurrency, 1],
    maxSubQuestions: [maxSubQuestions, 1],
  });
  const reference = {
    name: 'decompose',
    options: {
      maxDepth,
      budget,
      memo,
      concurrency,
      maxSubQuestions,
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    },
  };

  /** At the depth limit the policy answers, while the budget lasts. */
  const leaf = async (state: EpisodeState, self: StepNode, question: string): Promise<string> => {
    const { run, family } = state;
    const prompt = family.prompt(question, 'snap');
    self.producer = 'policy';
    if (!state.budget.reserve()) return budgetAnswer(prompt);
    return state.limit(() =>
      answerStep(prompt, run.policy, {
        prompt,
        seed: deriveSeed(run.seed ?? 0, run.problem.id, 'decompose', question),
        task: { family: family.name, question, format: 'snap' },
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      }),
    );
  };

  /** The sub-questions that may be asked together with `first`, by probing the plan. */
  const speculate = (
    state: EpisodeState,
    split: SplitCase,
    answers: readonly string[],
    first: string,
  ): string[] => {
    const batch = [first];
    while (batch.length < concurrency && answers.length + batch.length < maxSubQuestions) {
      const guesses: Array<[string, string]> = [];
      for (const question of batch) {
        try {
          const space = state.family.answerSpace(question);
          if (space.size < 2) return batch;
          guesses.push([space.at(0), space.at(1)]);
        } catch {
          return batch;
        }
      }
      const left = split.next([...answers, ...guesses.map(([a]) => a)]);
      const right = split.next([...answers, ...guesses.map(([, b]) => b)]);
      if (left === null || left !== right) return batch;
      batch.push(left);
    }
    return batch;
  };

  /** The expert asks its sub-questions one level down, then combines their answers. */
  const splitInto = async (
    state: EpisodeState,
    self: StepNode,
    question: string,
    split: SplitCase,
    depth: number,
    ancestors: ReadonlySet<string>,
  ): Promise<string> => {
    const answers: string[] = [];
    const lines: string[] = [question];
    let discarded: Cost[] = [];
    for (;;) {
      const first = answers.length >= maxSubQuestions ? null : split.next(answers);
      if (first === null) break;
      const batch = concurrency > 1 ? speculate(state, split, answers, first) : [first];
      const asked = self.children.length;
      // Settle every branch before failing, so no call is still running after the episode ends.
      const settled = await Promise.allSettled(
        batch.map((subQuestion) => solve(state, subQuestion, depth + 1, ancestors)),
      );
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure !== undefined) {
        // The expert never read this batch's answers: it is recorded whole or not at all.
        self.children.slice(asked).forEach(discard);
        throw failure.reason;
      }
      const children = settled.map((result) => (result as PromiseFulfilledResult<StepNode>).value);
      for (let index = 0; index < batch.length; index += 1) {
        if (index > 0 && split.next(answers) !== batch[index]) {
          const unasked = children.slice(index);
          unasked.forEach(discard);
          discarded = discarded.concat(unasked.map(subtreeCost));
          break;
        }
        // The expert reads answers as a careful person would: surrounding whitespace is noise.
        answers.push(children[index].output.trim());
        lines.push(`${batch[index]}=${children[index].output}`);
      }
    }
    if (discarded.length > 0) {
      const cost = addCosts(...discarded);
      state.discardedCalls += cost.calls;
      self.cost = addCosts(self.cost, cost);
      self.metadata = { ...self.metadata, discardedCalls: cost.calls };
    }
    const combined = split.combine(answers);
    return record('answer', lines.join('\n'), combined, { producer: 'expert' }).output;
  };

  /** Answers `question` at `depth`: the policy at the limit, else the expert's fact or split. */
  const expand = async (
    state: EpisodeState,
    self: StepNode,
    question: string,
    depth: number,
    ancestors: ReadonlySet<string>,
  ): Promise<string> => {
    self.metadata = { ...self.metadata, depth };
    if (depth >= maxDepth) return leaf(state, self, question);
    const decomposition = state.family.decompose(question);
    self.producer = 'expert';
    if (decomposition.kind === 'base') {
      return record('answer', question, decomposition.answer, { producer: 'expert' }).output;
    }
    const inner = new Set(ancestors).add(question);
    return splitInto(state, self, question, decomposition, depth, inner);
  };

  /** Lets a later repeat of `question` reuse the answer `self` is working out. */
  const remember = (
    state: EpisodeState,
    question: string,
    self: StepNode,
    answered: Promise<string>,
  ): Promise<string> => {
    if (memo && !state.memo.has(question)) {
      const entry = answered.then((answer) => ({ source: self, answer }));
      // Only a memo hit awaits this entry; the failure itself reaches the caller via `answered`.
      entry.catch(() => undefined);
      state.memo.set(question, entry);
    }
    return answered;
  };

  /** A sub-question, answered one level down or reused from the memo. */
  const solve = (
    state: EpisodeState,
    question: string,
    depth: number,
    ancestors: ReadonlySet<string>,
  ): Promise<StepNode> =>
    tracedNode(
      'subquestion',
      question,
      async (self) => {
        // An ancestor's answer is not ready until this sub-tree finishes: waiting on it would deadlock.
        const cached = memo && !ancestors.has(question) ? state.memo.get(question) : undefined;
        if (cached === undefined) {
          return remember(state, question, self, expand(state, self, question, depth, ancestors));
        }
        const { source, answer } = await cached;
        state.memoHits += 1;
        Object.assign(self, { producer: 'memo', metadata: { depth }, memoOf: source });
        return answer;
      },
      { producer: 'expert' },
    );

  return questionScaffold(
    {
      reference,
      refusal: 'the weak expert decomposes questions only',
      budget,
      concurrency,
      amplifies: true,
    },
    async (episode, root) => {
      const state: EpisodeState = { ...episode, discardedCalls: 0, memoHits: 0, memo: new Map() };
      const question = episode.run.problem.question;
      const expanded = expand(state, root, question, 0, new Set());
      const answer = await remember(state, question, root, expanded);
      const { memoHits, discardedCalls } = state;
      return { answer, counts: { memoHits, discardedCalls } };
    },
  );
}

/** Calls made inside a sub-tree (memo nodes cost nothing: their source is counted once). */
function subtreeCost(root: StepNode): Cost {
  return addCosts(root.cost, ...root.children.map(subtreeCost));
}
