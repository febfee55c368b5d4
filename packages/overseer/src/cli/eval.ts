/**
 * `overseer eval`: runs a policy through a scaffold on a task family's problems and reports
 * accuracy, trace error, steps and calls (for an environment: proxy and true return, hack and
 * intended rates). With `--store`, every episode, judgment and metric is recorded as a run. A
 * failed episode is recorded with its error and counted as wrong; it never stops the run.
 */
import { OverseerError } from '../errors.ts';
import type { RunStore } from '../store/index.ts';
import type { JsonObject, Split } from '../spec/index.ts';
import { EvaluationRunConfiguration } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import type { Evaluation } from '../experiments/evaluate.ts';
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

/**
 * The report of one evaluation (one JSON line with `--json`): the loop's evaluation metrics as
 * `experiments/metrics.ts` defines them, under this command's names.
 */
export interface EvaluationSummary {
  task: string;
  scaffold: string;
  policy: string;
  split: Split;
  seed: number;
  n: number;
  /** `failedEpisodes`: episodes that failed with an error (counted as wrong). */
  failed: number;
  /** `accuracy`: share of the n episodes whose final answer is right; null for environments. */
  accuracy: number | null;
  /**
   * `traceError`: among right answers with a trace, the share reached through a wrong step
   * (graded against the exact solution); null when no right answer has a trace (snap).
   */
  traceError: number | null;
  /** `meanSteps`: steps below the root per episode. */
  meanSteps: number;
  /** `policyCalls`: policy calls in all. */
  calls: number;
  /** `proxyReturn` (environments). */
  meanProxyReturn?: number;
  /** `trueReturn` (environments). */
  meanTrueReturn?: number;
  /** `hackRate` (environments). */
  hackRate?: number;
  /** `intendedRate` (environments). */
  intendedRate?: number;
  /** `meanProcessReward`: mean judgment score over judged steps, with `--overseer`. */
  meanProcessReward?: number;
  /** `judgedSteps`, with `--overseer`. */
  judgedSteps?: number;
  durationMs: number;
  runId?: string;
}

/** Runs the evaluation and returns its summary (recording it when `store` is set). */
export async function runEvaluation(request: EvaluationRequest): Promise<EvaluationSummary> {
  const started = performance.now();
  // What an evaluation runs loads here, not when the verb is registered (`--help` stays fast).
  const { getFamily } = await import('../tasks/registry.ts');
  const { createScaffold } = await import('../scaffolds/registry.ts');
  const { batchingPolicy } = await import('../policies/batching.ts');
  const { createPolicy } = await import('../policies/registry.ts');
  const { createOverseer } = await import('../overseers/registry.ts');
  const { RunStore } = await import('../store/index.ts');
  const { evaluate } = await import('../experiments/evaluate.ts');
  const split = request.split ?? 'test';
  const family = getFamily(request.task, {
    ...(request.taskOptions ?? {}),
    ...(request.worldSize === undefined ? {} : { size: request.worldSize }),
  });
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
    const runId = store?.createRun(
      EvaluationRunConfiguration.parse({
        command: 'eval',
        task: { name: family.name, options: family.options },
        scaffold: scaffold.reference,
        policy: policy.reference,
        ...(overseer === undefined ? {} : { overseer: overseer.reference }),
        split,
        n: request.n,
        seed: request.seed,
        ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
      }),
    );
    let evaluation: Evaluation;
    try {
      evaluation = await evaluate({
        family,
        scaffold,
        policy,
        ...(overseer === undefined ? {} : { overseer }),
        problems,
        ids: problems.map((_, index) => `e${index}`),
        seed: request.seed,
        concurrency: request.concurrency ?? 16,
        ...(store === undefined || runId === undefined
          ? {}
          : { recorder: { store, runId, completed: new Set<string>() } }),
      });
    } catch (error) {
      if (store !== undefined && runId !== undefined) store.failRun(runId, error);
      throw error;
    }
    const summary = await summarise(request, family, split, scaffold.reference.name, evaluation);
    summary.durationMs = Math.round(performance.now() - started);
    if (store !== undefined && runId !== undefined) {
      record(store, runId, summary, request.n);
      summary.runId = runId;
    }
    return summary;
  } finally {
    store?.close();
  }
}

/** Stores a summary's measurements as metric events and finishes the run with the summary. */
function record(store: RunStore, runId: string, summary: EvaluationSummary, step: number): void {
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
      step,
      split: summary.split,
    })),
  );
  store.finishRun(runId, { ...summary });
}

/**
 * The summary of an evaluation: the loop's evaluation metrics under this command's names (null
 * where the family does not have them), plus the policy calls and, with an overseer, the mean
 * process reward over judged steps.
 */
async function summarise(
  request: EvaluationRequest,
  family: TaskFamily,
  split: Split,
  scaffold: string,
  { metrics, played }: Evaluation,
): Promise<EvaluationSummary> {
  const { judgedSteps, meanProcessReward, policyCalls } = await import('../experiments/metrics.ts');
  return {
    task: family.name,
    scaffold,
    policy: request.policy,
    split,
    seed: request.seed,
    n: played.length,
    failed: metrics.failedEpisodes,
    accuracy: metrics.accuracy ?? null,
    traceError: metrics.traceError ?? null,
    meanSteps: metrics.meanSteps,
    calls: policyCalls(played),
    durationMs: 0,
    ...(family.kind === 'question'
      ? {}
      : {
          meanProxyReturn: metrics.proxyReturn,
          meanTrueReturn: metrics.trueReturn,
          hackRate: metrics.hackRate,
          intendedRate: metrics.intendedRate,
        }),
    ...(request.overseer === undefined
      ? {}
      : { meanProcessReward: meanProcessReward(played), judgedSteps: judgedSteps(played) }),
  };
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
