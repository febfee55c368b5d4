/**
 * A scaffold is how a policy answers a problem: at once (`snap`), reasoning first
 * (`chain-of-thought`), or through the weak expert's decomposition (`decompose`, an HCH tree).
 * Every scaffold returns a full Episode: a tree of steps with parents, inputs, outputs, timing and
 * cost — never the outcome, which `outcomes/` computes from the episode afterwards.
 */
import { OverseerError } from '../errors.ts';
import type { AnswerFormat, Episode, Policy, Problem, RegistryReference } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';

/**
 * The one window a scaffold has on an environment: the current observation and a way to act.
 * `outcomes/` implements it; the scaffold never sees rewards, so its trace cannot carry them.
 */
export interface EnvironmentDriver {
  readonly observation: string;
  readonly done: boolean;
  /** Takes an action; returns the action as the environment understood it and what follows. */
  act(action: string): { action: string; observation: string; done: boolean };
}

/** Everything one episode needs. */
export interface ScaffoldRun {
  problem: Problem;
  family: TaskFamily;
  policy: Policy;
  /** Seeds the requests' randomness (default 0). */
  seed?: number;
  /** Default: `episode/<problem id>`. */
  episodeId?: string;
  /** Required for an environment family: where the actions go. */
  environment?: EnvironmentDriver;
}

/** A way of answering, with the options it was built with. */
export interface Scaffold {
  /** `{ name, options }` exactly as the registry rebuilds it. */
  readonly reference: RegistryReference;
  /**
   * Runs one episode. Never throws for a problem the scaffold cannot finish: the episode comes
   * back with status `failed` and its error, so a run records it and goes on.
   */
  run(run: ScaffoldRun): Promise<Episode>;
  /**
   * Throws an OverseerError when this scaffold cannot run `family` at all (chain of thought on a
   * family without a format, decompose on an environment), so a run fails before its episodes.
   */
  check(family: TaskFamily): void;
  /**
   * The format the policy answers in under this scaffold on `family`: chain of thought where the
   * scaffold asks for one and the family has one, else a snap answer (decompose's leaves too).
   */
  answerFormat(family: TaskFamily): AnswerFormat;
  /**
   * Whether the scaffold amplifies the policy with the weak expert's decomposition, so that its
   * approved answers (and the sub-questions it asked) are what iterated distillation learns.
   */
  readonly amplifies: boolean;
}

/** Throws an OverseerError naming the first option that is not a whole number at its minimum. */
export function checkWholeNumbers(
  scaffold: string,
  options: Record<string, readonly [value: number, minimum: number]>,
): void {
  for (const [key, [value, minimum]] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < minimum) {
      throw new OverseerError(
        'scaffold.bad-options',
        `${scaffold}: ${key} must be a whole number ≥ ${minimum}, got ${value}.`,
      );
    }
  }
}
