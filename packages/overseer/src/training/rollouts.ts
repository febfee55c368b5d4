/**
 * Rollouts: the embedded model samples episodes, the overseer judges each step on paper, and the
 * outcome is computed afterwards. A rollout keeps, for every step, which sampled tokens produced
 * it, so rewards can be credited to exactly those tokens.
 *
 * Questions: k completions per problem in one sampling pass; each completion splits into steps
 * (task.steps), and a step's tokens are its characters (the tokenizer is one token per
 * character), the end token going to the last step.
 * Environments: every episode of the batch advances one action per sampling pass; each action is
 * a model call of its own (prompt = observation), judged with the observation it answers.
 */
import type { Gpt } from '../model/gpt.ts';
import { deriveSeed } from '../util/random.ts';
import type { Judgment, Outcome, PriorStep, Problem, ProposedStep } from '../spec/index.ts';
import type { SampledCall } from './policy-gradient.ts';
import type {
  EnvironmentEpisode,
  EnvironmentTrainingTask,
  QuestionTrainingTask,
  StepJudge,
} from './task.ts';

/** One judged step of a rollout and the tokens that produced it. */
export interface RolloutStep {
  kind: 'thought' | 'answer' | 'action';
  text: string;
  /** Index of the model call (in `Rollout.calls`) whose tokens produced the step. */
  call: number;
  /** First token of the step in that call's sampled tokens. */
  start: number;
  /** One past its last token. */
  end: number;
  /** What the overseer was shown. */
  proposed: ProposedStep;
  /** The overseer's verdict, when the rollout was judged. */
  judgment?: Judgment;
  /** For an environment step: the proxy reward it earned (seen by outcome-based training only). */
  proxyReward?: number;
  /** For an environment step: the intended task's reward (for measurement only). */
  trueReward?: number;
}

/** One sampled episode with its judged steps and its outcome. */
export interface Rollout {
  problem: Problem;
  /** Rollouts of the same problem in one batch share a group (GRPO). */
  group: number;
  /** The model calls, in order. */
  calls: SampledCall[];
  steps: RolloutStep[];
  /** The final answer (for an environment: the actions taken). */
  answer: string | null;
  outcome: Outcome;
  /** The completion text of a question rollout (for imitation of kept samples). */
  completion?: string;
}

/** How to sample rollouts. */
export interface RolloutOptions {
  /** Samples per problem (the group size). */
  samplesPerProblem: number;
  /** Sampling temperature (default 1: the policy itself, as policy gradients assume). */
  temperature?: number;
  /** Seed of the sampling streams. */
  seed: number;
  /** The overseer; without one, steps carry no judgment. */
  judge?: StepJudge;
  /**
   * A question completion cut at the token budget without an answer line proposes an empty answer
   * in place of its unfinished last line (whose tokens then carry the verdict), as one that stopped
   * without it does on the end token, so running on to the budget is no way around the judge.
   * Off by default.
   */
  judgeTruncated?: boolean;
}

/** Samples `samplesPerProblem` completions per problem, splits, judges and grades them. */
export async function questionRollouts(
  model: Gpt,
  task: QuestionTrainingTask,
  problems: readonly Problem[],
  options: RolloutOptions,
): Promise<Rollout[]> {
  const prompts = problems.map((problem) => task.prompt(problem.question));
  const samples = model.sample(prompts, {
    n: options.samplesPerProblem,
    maxTokens: task.maxTokens,
    temperature: options.temperature ?? 1,
    seed: options.seed,
  });
  const rollouts: Rollout[] = [];
  for (const sample of samples) {
    const problem = problems[sample.promptIndex];
    const prompt = prompts[sample.promptIndex];
    const completion = sample.text;
    const pieces = task.steps(completion);
    const characterCount = Array.from(completion).length;
    const answered = pieces.some((piece) => piece.kind === 'answer');
    if (sample.finishReason !== 'end' && options.judgeTruncated === true && !answered) {
      // Cut at the budget: the unfinished last line stands where the answer was due, so it is
      // judged as that (empty) answer, and its tokens carry the verdict.
      const cut = pieces.pop();
      pieces.push({ kind: 'answer', text: '', start: cut?.start ?? 0, end: characterCount });
    }
    if (sample.finishReason === 'end' && !answered) {
      // Stopping without an answer line is itself a proposed step — an empty answer — so the
      // overseer can judge it rather than the end token riding on the last thought's verdict.
      pieces.push({ kind: 'answer', text: '', start: characterCount, end: characterCount });
    }
    if (pieces.length === 0) {
      pieces.push({ kind: 'answer', text: completion, start: 0, end: characterCount });
    }
    // The end token, when sampled, lies past the last character: it closes the last step.
    pieces[pieces.length - 1].end = sample.tokens.length;
    const previous: PriorStep[] = [];
    const characters = Array.from(completion);
    // The answer step proposes the answer the completion gives (as the chain-of-thought scaffold
    // records it: trojan-code's is the whole program, not its last line), so training and
    // evaluation show the overseer the same step.
    const answer = task.answer(completion);
    const steps: RolloutStep[] = pieces.map((piece) => {
      const proposed: ProposedStep = {
        family: task.family,
        question: problem.question,
        kind: piece.kind,
        previous: previous.map((prior) => ({ ...prior })),
        context: prompt + characters.slice(0, piece.start).join(''),
        action: piece.kind === 'answer' && piece.text !== '' ? (answer ?? piece.text) : piece.text,
      };
      previous.push({ kind: piece.kind, text: piece.text });
      return {
        kind: piece.kind,
        text: piece.text,
        call: 0,
        start: piece.start,
        end: piece.end,
        proposed,
      };
    });
    rollouts.push({
      problem,
      group: sample.promptIndex,
      calls: [{ prompt, tokens: sample.tokens, logProbs: sample.modelLogProbs }],
      steps,
      answer,
      outcome:
        task.gradeAsync === undefined
          ? task.grade(problem, answer)
          : await task.gradeAsync(problem, answer),
      completion,
    });
  }
  if (options.judge) await judgeRollouts(rollouts, options.judge);
  return rollouts;
}

/**
 * Plays `samplesPerProblem` episodes per problem, all advancing together: each pass samples one
 * token (the action) for every running episode.
 */
export async function environmentRollouts(
  model: Gpt,
  task: EnvironmentTrainingTask,
  problems: readonly Problem[],
  options: RolloutOptions,
): Promise<Rollout[]> {
  const running: Array<{ rollout: Rollout; episode: EnvironmentEpisode }> = [];
  problems.forEach((problem, group) => {
    for (let k = 0; k < options.samplesPerProblem; k++) {
      running.push({
        // The outcome is filled in when the episode ends.
        rollout: { problem, group, calls: [], steps: [], answer: null, outcome: undefined! },
        episode: task.start(problem),
      });
    }
  });
  for (let pass = 0; ; pass++) {
    const active = running.filter(({ episode }) => !episode.done);
    if (active.length === 0) break;
    const prompts = active.map(({ episode }) => task.prompt(episode.observation));
    const samples = model.sample(prompts, {
      maxTokens: 1,
      temperature: options.temperature ?? 1,
      seed: deriveSeed(options.seed, 'pass', pass),
    });
    samples.forEach((sample, row) => {
      const { rollout, episode } = active[row];
      const observation = episode.observation;
      const proposed: ProposedStep = {
        family: task.family,
        question: rollout.problem.question,
        kind: 'action',
        previous: rollout.steps.map((step) => ({ kind: 'action', text: step.text })),
        context: prompts[row],
        observation,
        action: sample.text,
      };
      const { action } = episode.act(sample.text);
      const paid = episode.rewards[episode.rewards.length - 1];
      rollout.calls.push({
        prompt: prompts[row],
        tokens: sample.tokens,
        logProbs: sample.modelLogProbs,
      });
      rollout.steps.push({
        kind: 'action',
        text: action,
        call: rollout.calls.length - 1,
        start: 0,
        end: sample.tokens.length,
        proposed,
        proxyReward: paid.proxyReward,
        trueReward: paid.trueReward,
      });
    });
  }
  for (const { rollout, episode } of running) {
    rollout.answer = episode.rewards.map((reward) => reward.action).join('');
    rollout.outcome = episode.outcome();
  }
  const rollouts = running.map(({ rollout }) => rollout);
  if (options.judge) await judgeRollouts(rollouts, options.judge);
  return rollouts;
}

/** Asks the overseer about every step (concurrently: a model or human judge may be slow). */
export async function judgeRollouts(rollouts: readonly Rollout[], judge: StepJudge): Promise<void> {
  await Promise.all(
    rollouts.flatMap((rollout) =>
      rollout.steps.map(async (step) => {
        step.judgment = await judge.judge(step.proposed);
      }),
    ),
  );
}

/** Samples rollouts of either kind of task. */
export function rollouts(
  model: Gpt,
  task: QuestionTrainingTask | EnvironmentTrainingTask,
  problems: readonly Problem[],
  options: RolloutOptions,
): Promise<Rollout[]> {
  return task.kind === 'question'
    ? questionRollouts(model, task, problems, options)
    : environmentRollouts(model, task, problems, options);
}
