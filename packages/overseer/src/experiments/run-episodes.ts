/**
 * Episodes inside the loop: a policy answers problems through a scaffold (the amplified system
 * when the scaffold is `decompose`), the overseer judges every step on paper, the outcome is
 * computed afterwards, and each episode goes to the run store in one transaction — a failed one
 * with its error, never stopping the run. Also the weak expert's bookkeeping: how many calls an
 * amplified episode cost it, and whether the overseer approved the episode.
 */
import { openEnvironment } from '../outcomes/environment.ts';
import { gradeEpisode } from '../outcomes/grade.ts';
import { judgeEpisode } from '../overseers/judge-episode.ts';
import type { StepJudgment } from '../overseers/judge-episode.ts';
import type { Overseer } from '../overseers/overseer.ts';
import type { Policy } from '../policies/policy.ts';
import { createLimit } from '../scaffolds/limit.ts';
import type { Scaffold } from '../scaffolds/scaffold.ts';
import { episodeCost } from '../scaffolds/trace.ts';
import { toErrorRecord } from '../spec/index.ts';
import type {
  Episode,
  Judgment,
  Outcome,
  PriorStep,
  Problem,
  ProposedStep,
} from '../spec/index.ts';
import type { RunStore } from '../store/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import type { TaskFamily } from '../tasks/family.ts';
import type { StepJudge } from '../training/task.ts';

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
  /** The round the episodes belong to. */
  iteration: number;
  recorder?: EpisodeRecorder;
  /** Episodes in flight at once; their policy calls are batched together (default 64). */
  concurrency?: number;
}

/** Plays, grades, judges and records episodes; never throws for one episode's failure. */
export async function playEpisodes(options: PlayOptions): Promise<PlayedEpisode[]> {
  const { family, scaffold, policy, overseer, recorder } = options;
  const limit = createLimit(options.concurrency ?? 64);
  return Promise.all(
    options.problems.map((problem, index) =>
      limit(async () => {
        const environment =
          family.kind === 'environment' ? openEnvironment(family, problem) : undefined;
        let played: PlayedEpisode = {
          episode: await scaffold.run({
            problem,
            family,
            policy,
            seed: options.seed,
            episodeId: options.ids[index],
            ...(environment === undefined ? {} : { environment }),
          }),
          judgments: [],
        };
        if (played.episode.status === 'finished') {
          try {
            const outcome = gradeEpisode(family, played.episode);
            const judgments =
              overseer === undefined ? [] : await judgeEpisode(overseer, played.episode);
            played = { ...played, outcome, judgments };
          } catch (error) {
            played = {
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
        if (recorder !== undefined && !recorder.completed.has(played.episode.id)) {
          recorder.store.recordEpisode({
            runId: recorder.runId,
            iteration: options.iteration,
            episode: played.episode,
            judgments: played.judgments,
            ...(played.outcome === undefined ? {} : { outcome: played.outcome }),
            cost: episodeCost(played.episode),
          });
        }
        return played;
      }),
    ),
  );
}

/**
 * Calls an amplified episode made to the weak expert: one per question node it handled itself
 * (split the question and combined the sub-answers, or answered it from the world). Leaves the
 * policy answered and memo hits cost the expert nothing.
 */
export function amplificationCalls(episode: Episode): number {
  return episode.steps.filter((step) => step.kind === 'answer' && step.producer === 'expert')
    .length;
}

/**
 * Whether the overseer let an episode through: it finished with an answer the expert could form,
 * and no step was judged wrong. (A step the expert cannot check, score 0, does not block it.)
 */
export function approved(played: PlayedEpisode): boolean {
  return (
    played.episode.status === 'finished' &&
    played.episode.answer !== null &&
    played.episode.answer.trim() !== UNKNOWN_ANSWER &&
    played.judgments.every(({ judgment }) => judgment.score >= 0)
  );
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
  return {
    judge(step: ProposedStep): Judgment | Promise<Judgment> {
      if (step.kind === 'answer' && step.previous.length === 0) {
        const previous = amplified.get(step.question);
        if (previous !== undefined && previous.length > 0) {
          return judge.judge({ ...step, previous: previous.map((prior) => ({ ...prior })) });
        }
      }
      return judge.judge(step);
    },
  };
}

/** A judge that counts its calls (each is one call to the weak expert). */
export function countingJudge(judge: StepJudge): StepJudge & { readonly calls: number } {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    judge(step) {
      calls += 1;
      return judge.judge(step);
    },
  };
}
