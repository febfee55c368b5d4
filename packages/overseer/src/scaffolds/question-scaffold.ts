/**
 * A scaffold for question families only, as the decompositions are: it refuses an environment
 * family at `check`, before a run starts, and again at `run`, as a failed episode.
 */
import { OverseerError } from '../errors.ts';
import type { JsonObject, RegistryReference } from '../spec/index.ts';
import type { QuestionFamily, TaskFamily } from '../tasks/family.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { callBudget } from './budget.ts';
import type { CallBudget } from './budget.ts';
import type { Scaffold, ScaffoldRun } from './scaffold.ts';
import type { StepNode } from './trace.ts';
import { recordEpisode } from './trace.ts';

/** What every branch of a decomposition's episode shares. */
export interface QuestionEpisode {
  run: ScaffoldRun;
  family: QuestionFamily;
  budget: CallBudget;
  /** Runs a policy call when a concurrency slot is free. */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
}

/** How a question scaffold is built. */
export interface QuestionScaffoldOptions {
  reference: RegistryReference;
  /** Why an environment cannot be run, e.g. "model-decompose splits questions only". */
  refusal: string;
  /** Most policy calls per episode. */
  budget: number;
  /** Most policy calls in flight at once. */
  concurrency: number;
  /** Whether the weak expert's decomposition amplifies the policy (see `Scaffold.amplifies`). */
  amplifies: boolean;
}

/**
 * A scaffold whose `answer` runs under the episode's root question node; the root records the
 * calls made, the `counts` `answer` returns, and whether the budget ran out.
 */
export function questionScaffold(
  options: QuestionScaffoldOptions,
  answer: (
    episode: QuestionEpisode,
    root: StepNode,
  ) => Promise<{ answer: string; counts: JsonObject }>,
): Scaffold {
  const questionFamily = (family: TaskFamily): QuestionFamily => {
    if (family.kind !== 'question') {
      throw new OverseerError(
        'scaffold.not-decomposable',
        `${family.name} is an environment family: ${options.refusal}.`,
        { hint: 'Use the snap scaffold for environments.' },
      );
    }
    return family;
  };
  return {
    reference: options.reference,
    // The policy answers sub-questions, each a snap answer.
    answerFormat: () => 'snap',
    amplifies: options.amplifies,
    check: (family) => void questionFamily(family),
    run: (run) =>
      recordEpisode(run, options.reference, async (root) => {
        const budget = callBudget(options.budget);
        const episode = {
          run,
          family: questionFamily(run.family),
          budget,
          limit: concurrencyLimit(options.concurrency),
        };
        const answered = await answer(episode, root);
        root.metadata = {
          ...root.metadata,
          calls: budget.calls,
          ...answered.counts,
          budgetExhausted: budget.exhausted,
        };
        return answered.answer;
      }),
  };
}
