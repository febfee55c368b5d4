/**
 * `snap`: the policy answers at once. For a question, one call and one answer step; for an
 * environment, one call per observation, each an action step, until the environment is done.
 */
import { OverseerError } from '../errors.ts';
import { deriveSeed } from '../util/random.ts';
import type { Scaffold, ScaffoldRun } from './scaffold.ts';
import { answerStep, ask } from './asking.ts';
import { recordEpisode, traced } from './trace.ts';

/** Options of `snap`. */
export interface SnapOptions {
  /** Most tokens per answer (default: the policy's own limit). */
  maxTokens?: number;
  /** Most actions in an environment episode, a guard against environments without a limit (default 1000). */
  maxActions?: number;
}

/** Plays an environment episode, one policy call (an action step) per action; returns the actions taken. */
export async function playEnvironment(
  run: ScaffoldRun,
  scaffold: string,
  options: { maxTokens?: number; maxActions: number },
): Promise<string> {
  const { environment, family, policy, problem } = run;
  if (environment === undefined) {
    throw new OverseerError(
      'scaffold.no-environment',
      `${family.name} is an environment family: the ${scaffold} scaffold needs an environment to act in.`,
      { hint: 'Run environment episodes through outcomes/ (openEnvironment), which provides one.' },
    );
  }
  let actions = '';
  for (let index = 0; !environment.done && index < options.maxActions; index += 1) {
    const observation = environment.observation;
    await traced(
      'action',
      observation,
      async (self) => {
        const answered = await ask(policy, {
          prompt: family.prompt(observation, 'snap'),
          seed: deriveSeed(run.seed ?? 0, problem.id, scaffold, index),
          task: { family: family.name, question: observation, format: 'snap' },
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
        });
        const taken = environment.act(answered.text);
        actions += taken.action;
        self.cost = answered.cost;
        self.metadata =
          taken.action === answered.text
            ? answered.metadata
            : { ...answered.metadata, action: taken.action };
        return answered.text;
      },
      { producer: 'policy' },
    );
  }
  return actions;
}

/** The snap scaffold. */
export function snap(options: SnapOptions = {}): Scaffold {
  const maxActions = options.maxActions ?? 1000;
  const reference = {
    name: 'snap',
    options: {
      maxActions,
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    },
  };
  return {
    reference,
    answerFormat: () => 'snap',
    amplifies: false,
    check: () => undefined,
    run: (run) =>
      recordEpisode(run, reference, async (root) => {
        const { family, policy, problem } = run;
        root.producer = 'policy';
        if (family.kind === 'environment') {
          return playEnvironment(run, 'snap', { ...options, maxActions });
        }
        const prompt = family.prompt(problem.question, 'snap');
        return answerStep(prompt, policy, {
          prompt,
          seed: deriveSeed(run.seed ?? 0, problem.id, 'snap'),
          task: { family: family.name, question: problem.question, format: 'snap' },
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
        });
      }),
  };
}
