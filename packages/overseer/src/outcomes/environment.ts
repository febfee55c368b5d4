/**
 * Stepping environments. `openEnvironment` gives a scaffold the one window it may have on an
 * environment (observe, act) and keeps the rewards to itself; `environmentRewards` replays an
 * action string to give each action its immediate proxy and true reward, for `rewards/`.
 */
import { OverseerError } from '../errors.ts';
import type { Problem, ReturnOutcome } from '../spec/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import type { Environment, EnvironmentFamily } from '../tasks/family.ts';

/** The immediate rewards of one action. */
export interface ActionReward {
  action: string;
  proxyReward: number;
  trueReward: number;
}

/** A running episode: what a scaffold may use, plus the rewards and outcome for the caller. */
export interface EnvironmentSession {
  readonly observation: string;
  readonly done: boolean;
  /** Acts; an output that is not one of the family's actions is played as UNKNOWN_ANSWER (a no-op that pays the step penalty). */
  act(action: string): { action: string; observation: string; done: boolean };
  /** The actions taken so far, one character each: the episode's answer. */
  readonly actions: string;
  /** Each action's immediate rewards, in order. */
  readonly rewards: readonly ActionReward[];
  /** The return so far, graded by the family (so it matches `gradeEpisode`). */
  outcome(): ReturnOutcome;
}

/** Starts the environment at a problem's first observation. */
function startEnvironment(family: EnvironmentFamily, problem: Problem): Environment {
  const environment = family.createEnvironment();
  // The problem's question is its start state; environments that can load one start there.
  const loadable = environment as Environment & { load?: (observation: string) => string };
  if (typeof loadable.load === 'function') {
    loadable.load(problem.question);
  } else {
    const seed = problem.metadata.seed;
    environment.reset(typeof seed === 'number' ? seed : 0);
  }
  if (environment.observation !== problem.question) {
    throw new OverseerError(
      'outcome.environment-start',
      `${family.name}: the environment did not start at problem ${problem.id}'s observation.`,
      { hint: 'Give the environment a load(observation) method, or the problem a metadata.seed.' },
    );
  }
  return environment;
}

/** One character per action: the output itself when it is an action, else UNKNOWN_ANSWER. */
export function canonicalAction(family: EnvironmentFamily, output: string): string {
  const action = output.trim();
  return action.length === 1 && family.actions.includes(action) ? action : UNKNOWN_ANSWER;
}

/** Opens an episode of `family` at `problem`. */
export function openEnvironment(family: EnvironmentFamily, problem: Problem): EnvironmentSession {
  const environment = startEnvironment(family, problem);
  let actions = '';
  const rewards: ActionReward[] = [];
  return {
    get observation() {
      return environment.observation;
    },
    get done() {
      return environment.done;
    },
    get actions() {
      return actions;
    },
    get rewards() {
      return rewards;
    },
    act(output: string) {
      const action = canonicalAction(family, output);
      const step = environment.step(action);
      actions += action;
      rewards.push({ action, proxyReward: step.proxyReward, trueReward: step.trueReward });
      return { action, observation: step.observation, done: step.done };
    },
    outcome: () => family.grade(problem, actions),
  };
}

/** Replays `actions` from the problem's start: each action's immediate rewards. */
export function environmentRewards(
  family: EnvironmentFamily,
  problem: Problem,
  actions: string,
): ActionReward[] {
  const session = openEnvironment(family, problem);
  for (const action of actions) {
    if (session.done) break;
    session.act(action);
  }
  return [...session.rewards];
}
