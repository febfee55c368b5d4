/**
 * What the gridworld families (camera-dropbox, conveyor-dropbox) share: a running episode's
 * lifecycle (starts, the step limit, the end), playing an action string
 * to its return, and reading the state a proposed action answers — from its observation, or by
 * replaying the earlier actions from the question, since their moves are deterministic.
 */
import { OverseerError } from '../errors.ts';
import type { ProposedStep } from '../spec/index.ts';
import { createRandom } from '../util/labelled-random.ts';
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

/** What one move of a gridworld episode paid and reports, beside the steps and the end. */
export interface GridworldMove {
  proxyReward: number;
  trueReward: number;
  terminated: boolean;
  /** The family's own outcome fields (between `steps` and `terminated` in the step's info). */
  info: Record<string, unknown>;
}

/**
 * A running gridworld episode: starting from a seed's start state or an observation, the step
 * limit, refusing to step after the end, and the observation. A family supplies its states' reading,
 * writing and moves; `state` is the current state.
 */
export abstract class GridworldEpisode<State> implements Environment {
  private steps = 0;
  private finished = false;

  protected constructor(
    private readonly name: string,
    private readonly stepLimit: number,
    protected state: State,
  ) {}

  /** Every start state `reset` chooses among. */
  protected abstract starts(): State[];
  protected abstract parse(observation: string): State;
  protected abstract render(state: State): string;
  /** Whether a start state is already over. */
  protected abstract over(state: State): boolean;
  /** Moves `state` by `action` (updating `state` and any counts) and says what it paid. */
  protected abstract advance(action: string): GridworldMove;
  /** Clears the family's own counts at a start. */
  protected restart(): void {}

  /** Starts from the start state a seed chooses. */
  reset(seed: number): string {
    const starts = this.starts();
    return this.start(starts[createRandom(this.name, 'reset', seed).integer(starts.length)]);
  }

  /** Starts from an observed state (a problem's question, or any state for tests). */
  load(observation: string): string {
    return this.start(this.parse(observation));
  }

  step(action: string): EnvironmentStep {
    if (this.finished) {
      throw new OverseerError('environment.done', `This ${this.name} episode is over.`, {
        hint: 'Call reset(seed) or load(observation) before stepping again.',
      });
    }
    const move = this.advance(action);
    this.steps += 1;
    const truncated = !move.terminated && this.steps >= this.stepLimit;
    this.finished = move.terminated || truncated;
    return {
      observation: this.observation,
      proxyReward: move.proxyReward,
      trueReward: move.trueReward,
      done: this.finished,
      info: { steps: this.steps, ...move.info, terminated: move.terminated, truncated },
    };
  }

  get observation(): string {
    return this.render(this.state);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Steps taken in this episode. */
  get stepCount(): number {
    return this.steps;
  }

  private start(state: State): string {
    this.state = state;
    this.steps = 0;
    this.restart();
    this.finished = this.over(state);
    return this.observation;
  }
}
