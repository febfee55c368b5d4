/**
 * Episodes inside the loop: a policy answers problems through a scaffold (the amplified system
 * when the scaffold is `decompose`), the overseer judges every step on paper, the outcome is
 * computed afterwards, and each episode goes to the run store in one transaction — a failed one
 * with its error, never stopping the run. Training rollouts, sampled and judged by a trainer, are
 * recorded the same way (a sample of them). Also what imitation and process-based distillation
 * read from an amplified episode: the weak expert's nodes, and a judge that consults them.
 */
import { openEnvironment } from '../outcomes/environment.ts';
import { gradeEpisodeAsync } from '../outcomes/grade.ts';
import { judgeEpisode } from '../overseers/judge-episode.ts';
import type { StepJudgment } from '../overseers/judge-episode.ts';
import type { Overseer } from '../overseers/overseer.ts';
import type {
  AnswerFormat,
  Episode,
  JsonObject,
  Judgment,
  LoopPhase,
  Outcome,
  Policy,
  PriorStep,
  Problem,
  ProposedStep,
  RegistryReference,
  RunUnit,
  Step,
} from '../spec/index.ts';
import type { EpisodeJob } from './episode-job.ts';
import type { EpisodeRecipe } from './episode-recipe.ts';
import { localExecutor } from '../executor/local-executor.ts';
import type { Executor } from '../executor/executor.ts';
import type { Scaffold } from '../scaffolds/scaffold.ts';
import { episodeCost } from '../scaffolds/trace.ts';
import { noCost, toErrorRecord } from '../spec/index.ts';
import type { RecordedEpisode, RunStore } from '../store/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import type { QuestionFamily, TaskFamily } from '../tasks/family.ts';
import type { RolloutRewards } from '../training/rollout-rewards.ts';
import type { Rollout } from '../training/rollouts.ts';
import type { StepJudge } from '../training/task.ts';
import type { RolloutReport } from '../training/trainer.ts';

/** An episode after grading and judging. */
export interface PlayedEpisode {
  episode: Episode;
  /** Absent for a failed episode. */
  outcome?: Outcome;
  judgments: StepJudgment[];
}

/** Where played episodes are recorded. */
export interface EpisodeRecorder {
  store: RunStore;
  runId: string;
  /** Episodes already in the store (a resumed run computes them again but records them once). */
  completed: ReadonlySet<string>;
  /** The unit of the experiment loop whose episodes these are. */
  unit?: RunUnit;
}

/** Options of `playEpisodes`. */
export interface PlayOptions {
  family: TaskFamily;
  scaffold: Scaffold;
  policy: Policy;
  /** Judges every step; none: the episodes carry no judgments. */
  overseer?: Overseer;
  problems: readonly Problem[];
  /** One episode id per problem (the resume keys). */
  ids: readonly string[];
  seed: number;
  /** The round the episodes belong to (none outside the loop, e.g. `overseer eval`). */
  iteration?: number;
  /** The loop phase playing them (recorded with each episode). */
  phase?: LoopPhase;
  recorder?: EpisodeRecorder;
  /** Episodes in flight at once; their policy calls are batched together (default 64). */
  concurrency?: number;
  /** Where the episodes are played (default: here, `concurrency` at once). */
  executor?: Executor;
  /**
   * How a queue worker rebuilds the family, scaffold, policy and overseer; without it the
   * episodes are played here whatever the executor.
   */
  recipe?: EpisodeRecipe;
}

/** Plays, grades, judges and records episodes; never throws for one episode's failure. */
export async function playEpisodes(options: PlayOptions): Promise<PlayedEpisode[]> {
  const { recorder } = options;
  const executor = options.executor ?? localExecutor({ concurrency: options.concurrency ?? 64 });
  return Promise.all(
    options.problems.map(async (problem, index) => {
      const id = options.ids[index];
      let played: PlayedEpisode;
      try {
        const result = await executor.execute<PlayedEpisode>({
          key: id,
          group: recorder?.runId ?? 'unrecorded',
          ...(options.recipe === undefined
            ? {}
            : { data: episodeJob(options, options.recipe, problem, id) }),
          local: () => playEpisode(options, problem, id),
        });
        // A worker answers with the recorded episode: keep what was played.
        played = {
          episode: result.episode,
          judgments: result.judgments,
          ...(result.outcome === undefined ? {} : { outcome: result.outcome }),
        };
      } catch (error) {
        // Here an episode's failure is already a failed episode: what throws is a bug, so it
        // stops the run as it always did. A queue job that kept failing is the episode's failure.
        if (executor.kind === 'local') throw error;
        played = { episode: unplayedEpisode(options, problem, id, error), judgments: [] };
      }
      if (recorder !== undefined) record(recorder, options, played);
      return played;
    }),
  );
}

/** What a worker needs to play one episode of `options` (see episode-job.ts). */
function episodeJob(
  options: PlayOptions,
  recipe: EpisodeRecipe,
  problem: Problem,
  id: string,
): JsonObject {
  const job: EpisodeJob = {
    recipe,
    problem,
    id,
    seed: options.seed,
    ...(options.recorder === undefined ? {} : { runId: options.recorder.runId }),
    ...(options.recorder?.unit === undefined ? {} : { unit: options.recorder.unit }),
    ...(options.iteration === undefined ? {} : { iteration: options.iteration }),
    ...(options.phase === undefined ? {} : { phase: options.phase }),
  };
  return job as JsonObject;
}

/** An episode whose job never returned (its worker kept failing): failed, with the error. */
function unplayedEpisode(
  options: Pick<PlayOptions, 'scaffold' | 'policy'>,
  problem: Problem,
  id: string,
  error: unknown,
): Episode {
  const time = new Date().toISOString();
  return {
    id,
    problem,
    scaffold: options.scaffold.reference,
    policy: options.policy.reference,
    status: 'failed',
    steps: [],
    answer: null,
    error: toErrorRecord(error),
    startedAt: time,
    finishedAt: time,
  };
}

/** Plays, grades and judges one episode here; a failure is a failed episode, never a throw. */
export async function playEpisode(
  parts: Pick<PlayOptions, 'family' | 'scaffold' | 'policy' | 'overseer' | 'seed'>,
  problem: Problem,
  id: string,
): Promise<PlayedEpisode> {
  const { family, scaffold, policy, overseer } = parts;
  const environment = family.kind === 'environment' ? openEnvironment(family, problem) : undefined;
  const played: PlayedEpisode = {
    episode: await scaffold.run({
      problem,
      family,
      policy,
      seed: parts.seed,
      episodeId: id,
      ...(environment === undefined ? {} : { environment }),
    }),
    judgments: [],
  };
  if (played.episode.status !== 'finished') return played;
  try {
    const outcome = await gradeEpisodeAsync(family, played.episode);
    const judgments = overseer === undefined ? [] : await judgeEpisode(overseer, played.episode);
    return { ...played, outcome, judgments };
  } catch (error) {
    return {
      episode: {
        ...played.episode,
        status: 'failed',
        answer: null,
        error: toErrorRecord(error),
      },
      judgments: [],
    };
  }
}

/** Records a played episode unless the store already has it (a resumed run records it once). */
function record(
  recorder: EpisodeRecorder,
  where: { iteration?: number; phase?: LoopPhase },
  played: PlayedEpisode,
): void {
  if (recorder.completed.has(played.episode.id)) return;
  recorder.store.recordEpisode(
    recordedEpisode({ runId: recorder.runId, unit: recorder.unit, ...where }, played),
  );
}

/** A played episode as the store records it, in run `runId` (and unit, round and phase). */
export function recordedEpisode(
  where: { runId: string; unit?: RunUnit; iteration?: number; phase?: LoopPhase },
  played: PlayedEpisode,
): RecordedEpisode {
  return {
    runId: where.runId,
    ...(where.iteration === undefined ? {} : { iteration: where.iteration }),
    ...(where.phase === undefined ? {} : { phase: where.phase }),
    ...(where.unit === undefined ? {} : { unit: where.unit }),
    episode: played.episode,
    judgments: played.judgments,
    ...(played.outcome === undefined ? {} : { outcome: played.outcome }),
    cost: episodeCost(played.episode),
  };
}

/** How `recordRollouts` records one update's rollouts. */
export interface RolloutRecording {
  recorder: EpisodeRecorder;
  /** The round the update belongs to. */
  iteration: number;
  /** Episode ids are `${prefix}/${sample}`, the sample's place in its group. */
  prefix: string;
  /** How the policy was prompted; the scaffold of the same shape names the episodes. */
  format: AnswerFormat;
  /** The policy as it was when it sampled (the model before the update). */
  policy: RegistryReference;
  /** Extras for each episode's root step (trainer, update, training step …). */
  metadata: JsonObject;
}

/**
 * Records the whole group of the first problem of an update as finished episodes — each step
 * with the overseer's judgment and, in its metadata, what it was paid — and returns them.
 */
export function recordRollouts(report: RolloutReport, options: RolloutRecording): PlayedEpisode[] {
  const time = new Date().toISOString();
  const played = report.rollouts.flatMap((rollout, index) =>
    rollout.group === 0 ? [{ rollout, index }] : [],
  );
  return played.map(({ rollout, index }, sample) => {
    const entry = rolloutEpisode(rollout, {
      id: `${options.prefix}/${sample}`,
      time,
      format: options.format,
      policy: options.policy,
      metadata: {
        ...options.metadata,
        sample,
        ...(report.kept === undefined ? {} : { kept: report.kept[index] }),
      },
      ...(report.rewards === undefined ? {} : { rewards: report.rewards[index] }),
    });
    record(options.recorder, { iteration: options.iteration, phase: 'rollout' }, entry);
    return entry;
  });
}

/**
 * A training rollout as an episode of the scaffold with its shape (`snap` or `chain-of-thought`):
 * a root question and one child per step the policy wrote, input what it was shown and output
 * what it wrote. A step's metadata holds its rewards (`processReward`, `outcomeReward`, `reward`
 * = the dial's mix, `return` = what it was trained on after credit), an environment's
 * `proxyReward` and `trueReward`, and the log-probability of its tokens.
 */
export function rolloutEpisode(
  rollout: Rollout,
  options: {
    id: string;
    time: string;
    format: AnswerFormat;
    policy: RegistryReference;
    metadata: JsonObject;
    rewards?: RolloutRewards;
  },
): PlayedEpisode {
  const timing = { startedAt: options.time, durationMs: 0 };
  const root: Step = {
    id: 's0',
    parentId: null,
    kind: 'question',
    index: 0,
    input: rollout.problem.question,
    output: rollout.answer ?? '',
    producer: 'policy',
    timing,
    cost: noCost(),
    metadata: {
      ...options.metadata,
      ...(rollout.completion === undefined ? {} : { completion: rollout.completion }),
    },
  };
  const costed = new Set<number>();
  const steps = rollout.steps.map((step, index): Step => {
    // A model call's cost goes to the first step it produced (a question has one call in all).
    const first = !costed.has(step.call);
    costed.add(step.call);
    const call = rollout.calls[step.call];
    return {
      id: `s${index + 1}`,
      parentId: 's0',
      kind: step.kind,
      index,
      input: step.proposed.observation ?? step.proposed.context,
      output: step.proposed.action,
      producer: 'policy',
      timing,
      cost: first
        ? {
            calls: 1,
            inputTokens: Array.from(call.prompt).length,
            outputTokens: call.tokens.length,
          }
        : noCost(),
      metadata: rolloutStepMetadata(rollout, index, options.rewards),
    };
  });
  return {
    episode: {
      id: options.id,
      problem: rollout.problem,
      scaffold: { name: options.format, options: {} },
      policy: options.policy,
      status: 'finished',
      steps: [root, ...steps],
      answer: rollout.answer,
      startedAt: options.time,
      finishedAt: options.time,
    },
    outcome: rollout.outcome,
    judgments: rollout.steps.flatMap((step, index) =>
      step.judgment === undefined ? [] : [{ stepId: `s${index + 1}`, judgment: step.judgment }],
    ),
  };
}

/** What a rollout's step was paid and how likely its tokens were, as step metadata. */
function rolloutStepMetadata(
  rollout: Rollout,
  index: number,
  rewards: RolloutRewards | undefined,
): JsonObject {
  const step = rollout.steps[index];
  const metadata: JsonObject = {};
  // JSON has no infinities: a number that is not finite is left out.
  const put = (key: string, value: number | undefined): void => {
    if (value !== undefined && Number.isFinite(value)) metadata[key] = value;
  };
  if (step.text !== step.proposed.action) metadata.action = step.text;
  put('logProb', sum(rollout.calls[step.call].logProbs.slice(step.start, step.end)));
  put('proxyReward', step.proxyReward);
  put('trueReward', step.trueReward);
  put('processReward', rewards?.process[index]);
  put('outcomeReward', rewards?.outcome[index]);
  put('reward', rewards?.reward[index]);
  put('return', rewards?.returns[index]);
  return metadata;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** A question the amplified system answered itself, and what the expert asked to answer it. */
export interface ExpertNode {
  question: string;
  answer: string;
  /** The sub-questions the expert asked at this node, with the answers they got (none: a fact). */
  subQuestions: PriorStep[];
}

/**
 * The question nodes of an amplified episode whose answer the weak expert gave — by combining
 * sub-answers or from the world — root first. The leaves the model answered are not among them.
 */
export function expertNodes(episode: Episode): ExpertNode[] {
  const children = new Map<string, Episode['steps']>();
  for (const step of episode.steps) {
    if (step.parentId === null) continue;
    children.set(step.parentId, [...(children.get(step.parentId) ?? []), step]);
  }
  return episode.steps.flatMap((step) => {
    if (step.kind !== 'question' && step.kind !== 'subquestion') return [];
    const below = [...(children.get(step.id) ?? [])].sort((a, b) => a.index - b.index);
    if (!below.some((child) => child.kind === 'answer' && child.producer === 'expert')) return [];
    const answer = step.output.trim();
    if (answer === '' || answer === UNKNOWN_ANSWER) return [];
    return [
      {
        question: step.input,
        answer,
        subQuestions: below
          .filter((child) => child.kind === 'subquestion')
          .map((child) => ({
            kind: 'subquestion' as const,
            text: child.input,
            answer: child.output,
          })),
      },
    ];
  });
}

/**
 * The overseer of process-based distillation in IDA: a direct answer to a compound question
 * cannot be checked in one step, so the judge first consults the amplified system — the weak
 * expert's sub-questions and the current model's answers to them — and checks the answer against
 * those, as the expert checks its own combination. Questions without an approved amplification
 * are judged as they are (a direct answer to a compound question is then undecided).
 */
export function amplifiedJudge(
  judge: StepJudge,
  amplified: ReadonlyMap<string, PriorStep[]>,
): StepJudge {
  const consulted = (step: ProposedStep): ProposedStep => {
    if (step.kind === 'answer' && step.previous.length === 0) {
      const previous = amplified.get(step.question);
      if (previous !== undefined && previous.length > 0) {
        return { ...step, previous: previous.map((prior) => ({ ...prior })) };
      }
    }
    return step;
  };
  const correct = judge.correct?.bind(judge);
  return {
    judge: (step: ProposedStep): Judgment | Promise<Judgment> => judge.judge(consulted(step)),
    ...(correct === undefined ? {} : { correct: (step: ProposedStep) => correct(consulted(step)) }),
  };
}

/**
 * A judge that counts its calls (each is one call to the weak expert): every judgment, and every
 * correction asked of it.
 */
export function countingJudge(judge: StepJudge): StepJudge & { readonly calls: number } {
  let calls = 0;
  const correct = judge.correct?.bind(judge);
  return {
    get calls() {
      return calls;
    },
    judge(step) {
      calls += 1;
      return judge.judge(step);
    },
    ...(correct === undefined
      ? {}
      : {
          correct: (step: ProposedStep) => {
            calls += 1;
            return correct(step);
          },
        }),
  };
}

/**
 * A judge whose corrections are the weak expert's own steps, from its own check of the step by
 * its own plan (`expertCheck`, else the exact `checkStep`): the step itself where the expert
 * approves it, the step it would take where it disapproves and knows what it wanted, nothing
 * where it cannot tell. A fallible expert corrects with its own (possibly wrong) step. The
 * verdicts stay the overseer's (a fallible overseer may disapprove a step the expert would have
 * taken).
 */
export function correctingJudge(
  judge: StepJudge,
  family: Pick<QuestionFamily, 'checkStep' | 'expertCheck'>,
): StepJudge {
  const expertCheck = family.expertCheck?.bind(family) ?? family.checkStep.bind(family);
  return {
    judge: (step) => judge.judge(step),
    correct(step) {
      const check = expertCheck(step);
      return check.rating === 1 ? step.action : check.expected;
    },
  };
}
