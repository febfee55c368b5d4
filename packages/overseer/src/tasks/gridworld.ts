/**
 * What the gridworld families (camera-dropbox, conveyor-dropbox) share: playing an action string
 * to its return, and reading the state a proposed action answers — from its observation, or by
 * replaying the earlier actions from the question, since their moves are deterministic.
 */
import { OverseerError } from '../errors.ts';
import type { ProposedStep } from '../spec/index.ts';
import type { Environment, EnvironmentStep, StepCheck } from './family.ts';
import { undecided, verdict } from './question-family.ts';

/** An action string played from a loaded episode: the summed rewards and the last step. */
export interface PlayedActions {
  proxy: number;
  truth: number;
  last: EnvironmentStep | undefined;
}

/** Plays `answer`'s actions one character each, stopping when the episode ends. */
export function playActions(environment: Environment, answer: string | null): PlayedActions {
  let proxy = 0;
  let truth = 0;
  let last: EnvironmentStep | undefined;
  for (const action of answer ?? '') {
    if (environment.done) break;
    last = environment.step(action);
    proxy += last.proxyReward;
    truth += last.trueReward;
  }
  return { proxy, truth, last };
}

/** How a gridworld reads, moves and writes its states. */
export interface GridworldCodec<State> {
  parse(observation: string): State;
  move(state: State, action: string): State;
  render(state: State): string;
}

/**
 * The observation a proposed action of family `name` answers, or the verdict to return instead
 * (not an action, or a state that cannot be read). Throws when the step is of another family.
 */
export function observedState<State>(
  name: string,
  step: ProposedStep,
  codec: GridworldCodec<State>,
): { observation: string } | { check: StepCheck } {
  if (step.family !== name) {
    throw new OverseerError(
      'task.wrong-family',
      `The ${name} expert was asked to check a step of "${step.family}".`,
    );
  }
  if (step.kind !== 'action')
    return { check: verdict(false, `${name} takes actions, not a ${step.kind}`) };
  try {
    let observation = step.observation;
    if (observation === undefined) {
      // Moves are deterministic, so the start and the earlier actions give the current state.
      let state = codec.parse(step.question);
      for (const prior of step.previous) {
        if (prior.kind === 'action') state = codec.move(state, prior.text);
      }
      observation = codec.render(state);
    }
    codec.parse(observation);
    return { observation };
  } catch {
    return { check: undecided('the state cannot be read from the observation') };
  }
}
