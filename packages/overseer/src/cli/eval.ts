/**
 * `overseer eval`: runs a policy through a scaffold on a task family's problems and reports
 * accuracy, trace error, steps and calls (for an environment: proxy and true return, hack and
 * intended rates). With `--store`, every episode, judgment and metric is recorded as a run. A
 * failed episode is recorded with its error and counted as wrong; it never stops the run.
 */
import { OverseerError } from '../errors.ts';
import { RunStore } from '../store/index.ts';
import type { Episode, JsonObject, Judgment, Outcome, Split } from '../spec/index.ts';
import { toErrorRecord } from '../spec/index.ts';
import { getFamily } from '../tasks/registry.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { batchingPolicy } from '../policies/batching.ts';
import { createPolicy } from '../policies/registry.ts';
import { createScaffold } from '../scaffolds/registry.ts';
import { createLimit } from '../scaffolds/limit.ts';
import { episodeCost } from '../scaffolds/trace.ts';
import { openEnvironment } from '../outcomes/environment.ts';
import { gradeEpisode } from '../outcomes/grade.ts';
import { gradeTrace, hasWrongStep } from '../outcomes/trace.ts';
import type { StepGrade } from '../outcomes/trace.ts';
import { createOverseer } from '../overseers/registry.ts';
import { judgeEpisode } from '../overseers/judge-episode.ts';
import { integerArgument, jsonObjectArgument, wholeNumberListArgument } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** What to evaluate, as the flags give it. */
export interface EvaluationRequest {
  task: string;
  taskOptions?: JsonObject;
  /** Shorthand for the task option `size` (items in the world). */
  worldSize?: number;
  /** One difficulty or several to mix; the family's default when absent. */
  difficulty?: number[];
  split?: Split;
  scaffold: string;
  scaffoldOptions?: JsonObject;
  policy: string;
  policyOptions?: JsonObject;
  /** Judge every step with this overseer and report the mean process reward. */
  overseer?: string;
  overseerOptions?: JsonObject;
  n: number;
  seed: number;
  /** Episodes run at once (their policy calls are batched together); default 16. */
  concurrency?: number;
  /** Store directory: record the run there. */
  store?: string;
}

/** The report of one evaluation (one JSON line with `--json`). */
export interface EvaluationSummary {
  task: string;
  scaffold: string;
  policy: string;
  split: Split;
  seed: number;
  n: number;
  /** Episodes that failed with an error (counted as wrong). */
  failed: number;
  /** Share of the n episodes whose final answer is right; null for environments. */
  accuracy: number | null;
  /**
   * Share of right final answers reached through at least one wrong step (Uesato et al. 2022),
   * over right answers whose trace has intermediate steps; null when there are none (snap).
   */
  traceError: number | null;
  /** Steps below the root per episode. */
  meanSteps: number;
  /** Policy calls in all. */
  calls: number;
  meanProxyReturn?: number;
  meanTrueReturn?: number;
  hackRate?: number;
  intendedRate?: number;
  /** Mean judgment score over judged steps, with `--overseer`. */
  meanProcessReward?: number;
  judgedSteps?: number;
  durationMs: number;
  runId?: string;
}

/** One episode's record after grading and judging. */
interface EvaluatedEpisode {
  episode: Episode;
  outcome?: Outcome;
  grades: StepGrade[];
  judgments: Array<{ stepId: string; judgment: Judgment }>;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** A failed copy of `episode` carrying `error` (for errors after the scaffold finished). */
function failed(episode: Episode, error: unknown): Episode {
  return { ...episode, status: 'failed', answer: null, error: toErrorRecord(error) };
}

/** Runs one episode, grades it and judges it; never throws. */
async function evaluateEpisode(
  family: TaskFamily,
  run: Parameters<ReturnType<typeof createScaffold>['run']>[0],
  scaffold: ReturnType<typeof createScaffold>,
  overseer: ReturnType<typeof createOverseer> | undefined,
): Promise<EvaluatedEpisode> {
  let episode = await scaffold.run(run);
  if (episode.status !== 'finished') return { episode, grades: [], judgments: [] };
  try {
    const outcome = gradeEpisode(family, episode);
    const grades = gradeTrace(family, episode);
    const judgments = overseer === undefined ? [] : await judgeEpisode(overseer, episode);
    return { episode, outcome, grades, judgments };
  } catch (error) {
    episode = failed(episode, error);
    return { episode, grades: [], judgments: [] };
  }
}

/** Whether a trace has a graded step besides the final answer (i.e. there is a trace to be wrong). */
function hasTrace(episode: Episode, grades: readonly StepGrade[]): boolean {
  const root = episode.steps[0]?.id;
  const finalAnswer = new Set(
    episode.steps
      .filter((step) => step.parentId === root && step.kind === 'answer')
      .map((step) => step.id),
  );
  return grades.some((grade) => grade.correct !== null && !finalAnswer.has(grade.stepId));
}

/** Runs the evaluation and returns its summary (recording it when `store` is set). */
export async function runEvaluation(request: EvaluationRequest): Promise<EvaluationSummary> {
  const started = performance.now();
  const split = request.split ?? 'test';
  const concurrency = request.concurrency ?? 16;
  const taskOptions: JsonObject = {
    ...(request.taskOptions ?? {}),
    ...(request.worldSize === undefined ? {} : { size: request.worldSize }),
  };
  const family = getFamily(request.task, taskOptions);
  const problems = family.generate({
    seed: request.seed,
    count: request.n,
    split,
    ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
  });
  const scaffold = createScaffold(request.scaffold, request.scaffoldOptions ?? {});
  scaffold.check(family);
  const policy = batchingPolicy(
    await createPolicy(request.policy, request.policyOptions ?? {}, { family }),
  );
  const overseer =
    request.overseer === undefined
      ? undefined
      : createOverseer(request.overseer, request.overseerOptions ?? {}, { family });

  const store = request.store === undefined ? undefined : RunStore.open(request.store);
  try {
    const runId = store?.createRun({
      command: 'eval',
      task: { name: family.name, options: family.options },
      scaffold: scaffold.reference,
      policy: policy.reference,
      ...(overseer === undefined ? {} : { overseer: overseer.reference }),
      split,
      n: request.n,
      seed: request.seed,
      ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
    });
    const limit = createLimit(concurrency);
    let results: EvaluatedEpisode[];
    try {
      results = await Promise.all(
        problems.map((problem, index) =>
          limit(async () => {
            const environment =
              family.kind === 'environment' ? openEnvironment(family, problem) : undefined;
            const result = await evaluateEpisode(
              family,
              {
                problem,
                family,
                policy,
                seed: request.seed,
                episodeId: `e${index}`,
                ...(environment === undefined ? {} : { environment }),
              },
              scaffold,
              overseer,
            );
            if (store !== undefined && runId !== undefined) {
              store.recordEpisode({
                runId,
                episode: result.episode,
                judgments: result.judgments,
                ...(result.outcome === undefined ? {} : { outcome: result.outcome }),
                cost: episodeCost(result.episode),
              });
            }
            return result;
          }),
        ),
      );
    } catch (error) {
      if (store !== undefined && runId !== undefined) store.failRun(runId, error);
      throw error;
    }

    const summary = summarise(request, family, split, scaffold.reference.name, results);
    summary.durationMs = Math.round(performance.now() - started);
    if (store !== undefined && runId !== undefined) {
      summary.runId = runId;
      const time = new Date().toISOString();
      const metrics = Object.entries(summary).filter(
        (entry): entry is [string, number] =>
          typeof entry[1] === 'number' && !['n', 'seed', 'durationMs'].includes(entry[0]),
      );
      store.append(
        metrics.map(([name, value]) => ({
          type: 'metric' as const,
          runId,
          time,
          name,
          value,
          step: request.n,
          split,
        })),
      );
      const { runId: _runId, ...recorded } = summary;
      store.finishRun(runId, recorded);
    }
    return summary;
  } finally {
    store?.close();
  }
}

function summarise(
  request: EvaluationRequest,
  family: TaskFamily,
  split: Split,
  scaffold: string,
  results: EvaluatedEpisode[],
): EvaluationSummary {
  const n = results.length;
  const finished = results.filter((result) => result.outcome !== undefined);
  const summary: EvaluationSummary = {
    task: family.name,
    scaffold,
    policy: request.policy,
    split,
    seed: request.seed,
    n,
    failed: n - finished.length,
    accuracy: null,
    traceError: null,
    meanSteps: mean(results.map((result) => Math.max(0, result.episode.steps.length - 1))),
    calls: results.reduce((sum, result) => sum + episodeCost(result.episode).calls, 0),
    durationMs: 0,
  };
  if (family.kind === 'question') {
    const correct = finished.filter(
      (result) => result.outcome?.kind === 'grade' && result.outcome.correct,
    );
    summary.accuracy = n === 0 ? 0 : correct.length / n;
    const traced = correct.filter((result) => hasTrace(result.episode, result.grades));
    summary.traceError =
      traced.length === 0
        ? null
        : traced.filter((result) => hasWrongStep(result.grades)).length / traced.length;
  } else {
    const outcomes = finished.map((result) => result.outcome as Outcome);
    summary.meanProxyReturn = mean(outcomes.map((outcome) => outcome.reward));
    summary.meanTrueReturn = mean(outcomes.map((outcome) => outcome.trueReward ?? outcome.reward));
    const share = (label: string): number =>
      n === 0
        ? 0
        : outcomes.filter(
            (outcome) => outcome.kind === 'return' && outcome.classification === label,
          ).length / n;
    summary.hackRate = share('hack');
    summary.intendedRate = share('intended');
  }
  if (request.overseer !== undefined) {
    const scores = results.flatMap((result) =>
      result.judgments.map(({ judgment }) => judgment.score),
    );
    summary.meanProcessReward = mean(scores);
    summary.judgedSteps = scores.length;
  }
  return summary;
}

/** Human-readable lines of a summary. */
function formatSummary(summary: EvaluationSummary): string {
  const show = (value: unknown): string =>
    typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value);
  return Object.entries(summary)
    .map(([key, value]) => `${key}: ${show(value)}`)
    .join('\n');
}

/** `overseer eval`. */
export const evalVerb: Verb = {
  register(program) {
    program
      .command('eval')
      .description(
        'Evaluate a policy through a scaffold on a task family: accuracy, trace error, steps, calls.',
      )
      .requiredOption('--task <family>', 'task family, e.g. addition, permutation-powering')
      .option('--scaffold <name>', 'snap, cot (chain-of-thought) or decompose', 'snap')
      .requiredOption(
        '--policy <name>',
        'oracle, uniform or embedded:<checkpoint dir> (provider:model)',
      )
      .option('--n <n>', 'episodes', integerArgument(0), 100)
      .option('--seed <n>', 'seed of the problems and the policy’s draws', integerArgument(0), 0)
      .option('--split <split>', 'train or test', 'test')
      .option('--difficulty <d>', 'a difficulty or a list, e.g. 3 or 1,2,3')
      .option('--world-size <n>', 'items in the world (task option size)', integerArgument(1))
      .option('--store <dir>', 'record the run in this store directory')
      .option('--overseer <name>', 'also judge every step: program or approval')
      .option('--task-options <json>', 'task family options as JSON')
      .option('--scaffold-options <json>', 'scaffold options as JSON, e.g. {"maxDepth":2}')
      .option('--policy-options <json>', 'policy options as JSON, e.g. {"temperature":1}')
      .option('--overseer-options <json>', 'overseer options as JSON')
      .option('--concurrency <n>', 'episodes run at once (calls batched)', integerArgument(1), 16)
      .option('--json', 'print one JSON line', false)
      .action(async (options: Record<string, unknown>) => {
        const split = options.split as string;
        if (split !== 'train' && split !== 'test') {
          throw new OverseerError(
            'cli.bad-split',
            `--split must be train or test, got "${split}".`,
          );
        }
        const optional = (flag: string, key: string): JsonObject | undefined =>
          options[key] === undefined ? undefined : jsonObjectArgument(flag)(options[key] as string);
        const taskOptions = optional('--task-options', 'taskOptions');
        const scaffoldOptions = optional('--scaffold-options', 'scaffoldOptions');
        const policyOptions = optional('--policy-options', 'policyOptions');
        const overseerOptions = optional('--overseer-options', 'overseerOptions');
        const summary = await runEvaluation({
          task: options.task as string,
          scaffold: options.scaffold as string,
          policy: options.policy as string,
          n: options.n as number,
          seed: options.seed as number,
          split,
          concurrency: options.concurrency as number,
          ...(options.difficulty === undefined
            ? {}
            : {
                difficulty: wholeNumberListArgument('--difficulty')(options.difficulty as string),
              }),
          ...(options.worldSize === undefined ? {} : { worldSize: options.worldSize as number }),
          ...(options.store === undefined ? {} : { store: options.store as string }),
          ...(options.overseer === undefined ? {} : { overseer: options.overseer as string }),
          ...(taskOptions === undefined ? {} : { taskOptions }),
          ...(scaffoldOptions === undefined ? {} : { scaffoldOptions }),
          ...(policyOptions === undefined ? {} : { policyOptions }),
          ...(overseerOptions === undefined ? {} : { overseerOptions }),
        });
        process.stdout.write(
          options.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`,
        );
      });
  },
};
