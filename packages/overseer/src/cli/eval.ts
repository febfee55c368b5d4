/**
 * `overseer eval`: runs a policy through a scaffold on a task family's problems and reports
 * accuracy, trace error, steps and calls (for an environment: proxy and true return, hack and
 * intended rates). With `--store`, every episode, judgment and metric is recorded as a run. A
 * failed episode is recorded with its error and counted as wrong; it never stops the run.
 */
import { OverseerError } from '../errors.ts';
import type { RunStore } from '../store/index.ts';
import type { JsonObject, RegistryReference, Split } from '../spec/index.ts';
import type { EpisodeRecipe } from '../experiments/episode-recipe.ts';
import { EvaluationRunConfiguration } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import type { GraderContext } from '../tasks/graders/model-graded.ts';
import type { createPolicy as CreatePolicy } from '../policies/registry.ts';
import type { Evaluation } from '../experiments/evaluate.ts';
import type { EvaluationSample } from './evaluation-sample.ts';
import { integerArgument, jsonObjectArgument, wholeNumberListArgument } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** What to evaluate, as the flags give it. */
export interface EvaluationRequest {
  /** A task family by name; ignored when `dataset` is given. */
  task: string;
  /** Evaluate on the samples of a dataset file instead of a named family. */
  dataset?: DatasetRequest;
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
  /** Problems to evaluate (at least 1). */
  n: number;
  seed: number;
  /**
   * Draw the n questions independently, so one may come up twice; by default they are n distinct
   * questions while the split holds that many (evaluation-sample.ts).
   */
  withReplacement?: boolean;
  /** Episodes run at once (their policy calls are batched together); default 16. */
  concurrency?: number;
  /** Store directory: record the run there. */
  store?: string;
  /** Play the episodes on `overseer worker`s through the queue in this Redis (URL or socket). */
  queue?: string;
}

/** A dataset file, the columns that hold Inspect's sample fields, and the grader. */
export interface DatasetRequest {
  file: string;
  fields?: Record<string, string | string[]>;
  grader?: string;
  graderOptions?: JsonObject;
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
  /** Distinct questions among the n (n unless drawn with replacement or the split ran out). */
  distinct: number;
  /** How the questions were drawn. */
  sampling: 'without replacement' | 'with replacement';
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
  /**
   * Why a measurement is null or absent, by its field (`accuracy`, `traceError`,
   * `meanProcessReward`), and what to change to have it; and when the questions repeat, why.
   */
  notes: Record<string, string>;
}

/**
 * What the dataset's grader needs built: for `model-graded`, the grading policy its options name
 * (`--grader-options '{"policy": "openai:gpt-4o-mini"}'`), built by the policies registry.
 */
async function datasetGraderContext(
  request: DatasetRequest,
  createPolicy: typeof CreatePolicy,
): Promise<GraderContext> {
  if (request.grader !== 'model-graded') return {};
  const { ModelGradedOptions } = await import('../tasks/graders/model-graded.ts');
  const parsed = ModelGradedOptions.safeParse(request.graderOptions ?? {});
  // Bad options are reported by the grader registry when the dataset builds its grader.
  if (!parsed.success) return {};
  return { policy: await createPolicy(parsed.data.policy, parsed.data.policyOptions) };
}

/** Runs the evaluation and returns its summary (recording it when `store` is set). */
export async function runEvaluation(request: EvaluationRequest): Promise<EvaluationSummary> {
  if (!Number.isInteger(request.n) || request.n < 1) {
    throw new OverseerError(
      'cli.no-problems',
      `--n ${request.n} evaluates no problems: there would be no data to report.`,
      { hint: 'give --n 1 or more (the default is 100).' },
    );
  }
  const started = performance.now();
  // What an evaluation runs loads here, not when the verb is registered (`--help` stays fast).
  const { getFamily } = await import('../tasks/registry.ts');
  const { createScaffold } = await import('../scaffolds/registry.ts');
  const { batchingPolicy } = await import('../policies/batching.ts');
  const { createPolicy } = await import('../policies/registry.ts');
  const { createOverseer } = await import('../overseers/registry.ts');
  const { RunStore } = await import('../store/index.ts');
  const { writableStore } = await import('../store/open-run-store.ts');
  const { evaluate } = await import('../experiments/evaluate.ts');
  const split = request.split ?? 'test';
  const graderContext =
    request.dataset === undefined ? {} : await datasetGraderContext(request.dataset, createPolicy);
  const family =
    request.dataset === undefined
      ? getFamily(request.task, {
          ...(request.taskOptions ?? {}),
          ...(request.worldSize === undefined ? {} : { size: request.worldSize }),
        })
      : (await import('../tasks/dataset.ts')).dataset(
          {
            ...(request.taskOptions ?? {}),
            file: request.dataset.file,
            ...(request.dataset.fields === undefined ? {} : { fields: request.dataset.fields }),
            ...(request.dataset.grader === undefined
              ? {}
              : {
                  grader: {
                    name: request.dataset.grader,
                    options: request.dataset.graderOptions ?? {},
                  },
                }),
          },
          graderContext,
        );
  const { drawEvaluationProblems } = await import('./evaluation-sample.ts');
  const sample = drawEvaluationProblems(family, {
    n: request.n,
    seed: request.seed,
    split,
    withReplacement: request.withReplacement === true,
    ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
  });
  const { problems } = sample;
  const scaffold = createScaffold(request.scaffold, request.scaffoldOptions ?? {});
  scaffold.check(family);
  const policy = batchingPolicy(
    await createPolicy(request.policy, request.policyOptions ?? {}, { family }),
  );
  const overseer =
    request.overseer === undefined
      ? undefined
      : createOverseer(request.overseer, request.overseerOptions ?? {}, { family });

  // A Postgres store is written through a local staging store that forwards its events.
  const local = request.store === undefined ? undefined : await writableStore(request.store);
  const store = local === undefined ? undefined : RunStore.open(local.directory);
  const executor =
    request.queue === undefined
      ? undefined
      : await (
          await import('../executor/queue-executor.ts')
        ).queueExecutor({
          target: request.queue,
        });
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
        ...(executor === undefined
          ? {}
          : { executor, recipe: evaluationRecipe(request, family, scaffold.reference) }),
        ...(store === undefined || runId === undefined
          ? {}
          : { recorder: { store, runId, completed: new Set<string>() } }),
      });
    } catch (error) {
      if (store !== undefined && runId !== undefined) store.failRun(runId, error);
      throw error;
    }
    const summary = await summarise(
      request,
      family,
      split,
      scaffold.reference.name,
      sample,
      evaluation,
    );
    summary.durationMs = Math.round(performance.now() - started);
    if (store !== undefined && runId !== undefined) {
      record(store, runId, summary, request.n);
      summary.runId = runId;
    }
    return summary;
  } finally {
    store?.close();
    await local?.close();
    await executor?.close();
  }
}

/**
 * What a queue worker rebuilds this evaluation's parts from: the family as built (a dataset's
 * file must be at the same path on every worker), the scaffold, and the policy and overseer as
 * the flags name them.
 */
function evaluationRecipe(
  request: EvaluationRequest,
  family: TaskFamily,
  scaffold: RegistryReference,
): EpisodeRecipe {
  if (request.dataset?.grader === 'model-graded') {
    throw new OverseerError(
      'cli.queue-model-graded',
      '--queue cannot yet rebuild a model-graded grader on the workers.',
      { hint: 'evaluate a model-graded dataset without --queue' },
    );
  }
  return {
    task: { name: family.name, options: family.options },
    scaffold,
    policy: {
      kind: 'registry',
      reference: { name: request.policy, options: request.policyOptions ?? {} },
    },
    ...(request.overseer === undefined
      ? {}
      : {
          overseer: {
            kind: 'registry' as const,
            reference: { name: request.overseer, options: request.overseerOptions ?? {} },
          },
        }),
  };
}

/** Stores a summary's measurements as metric events and finishes the run with the summary. */
function record(store: RunStore, runId: string, summary: EvaluationSummary, step: number): void {
  const time = new Date().toISOString();
  const metrics = Object.entries(summary).filter(
    (entry): entry is [string, number] =>
      typeof entry[1] === 'number' && !['n', 'distinct', 'seed', 'durationMs'].includes(entry[0]),
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
 * process reward over judged steps; `notes` say why a measurement is null or absent.
 */
async function summarise(
  request: EvaluationRequest,
  family: TaskFamily,
  split: Split,
  scaffold: string,
  sample: EvaluationSample,
  { metrics, played }: Evaluation,
): Promise<EvaluationSummary> {
  const { judgedSteps, meanProcessReward, policyCalls } = await import('../experiments/metrics.ts');
  const summary: EvaluationSummary = {
    task: family.name,
    scaffold,
    policy: request.policy,
    split,
    seed: request.seed,
    n: played.length,
    distinct: sample.distinct,
    sampling: request.withReplacement === true ? 'with replacement' : 'without replacement',
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
    notes: {},
  };
  summary.notes = evaluationNotes(summary, family, sample);
  return summary;
}

/** Why each null or absent measurement of `summary` is so, and what would give it a value. */
export function evaluationNotes(
  summary: EvaluationSummary,
  family: Pick<TaskFamily, 'name' | 'kind'>,
  sample: Pick<EvaluationSample, 'distinct' | 'exhausted'>,
): Record<string, string> {
  const notes: Record<string, string> = {};
  if (sample.exhausted) {
    notes.distinct = `the ${summary.split} split holds only ${sample.distinct} distinct questions at these settings, so the ${summary.n} episodes repeat them`;
  }
  if (summary.accuracy === null) {
    notes.accuracy = `${family.name} is an environment: it has returns (meanTrueReturn, meanProxyReturn), not right answers`;
  }
  if (summary.traceError === null) {
    notes.traceError =
      family.kind === 'environment'
        ? 'an environment has no graded trace; see hackRate and intendedRate'
        : summary.accuracy === 0
          ? 'no answer was right, and trace error is measured on right answers'
          : `no right answer has a checkable trace: ${summary.scaffold} records none; use --scaffold cot or decompose`;
  }
  if (summary.meanProcessReward === undefined) {
    const overseer = family.kind === 'environment' ? 'approval' : 'program';
    notes.meanProcessReward = `no overseer ran, so no step was judged; add --overseer ${overseer}, or another overseer that overseer eval --help lists`;
  }
  return notes;
}

/** Human-readable lines of a summary; a null or absent measurement with its note. */
function formatSummary(summary: EvaluationSummary): string {
  const show = (value: unknown): string =>
    typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value);
  const { notes, ...fields } = summary;
  const lines = Object.entries(fields).map(
    ([key, value]) => `${key}: ${show(value)}${notes[key] === undefined ? '' : ` — ${notes[key]}`}`,
  );
  for (const [key, note] of Object.entries(notes)) {
    if (!(key in fields)) lines.push(`${key}: none — ${note}`);
  }
  return lines.join('\n');
}

/**
 * `--field input=question,target=answer,metadata=source,metadata=year`: the column of each sample
 * field; `choices` and `metadata` may name several columns by repeating the field.
 */
export function fieldMapping(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const pair of text.split(',')) {
    const [field, column, ...rest] = pair.split('=').map((part) => part.trim());
    if (field === undefined || column === undefined || rest.length > 0 || !field || !column) {
      throw new OverseerError(
        'cli.bad-field',
        `--field ${JSON.stringify(pair)} is not field=column.`,
        {
          hint: 'Write --field input=question,target=answer (fields: input, target, choices, id, metadata).',
        },
      );
    }
    const earlier = fields[field];
    const several = field === 'choices' || field === 'metadata';
    if (earlier !== undefined && !several) {
      throw new OverseerError('cli.bad-field', `--field names the column of ${field} twice.`, {
        hint: 'Only choices and metadata may gather several columns.',
      });
    }
    fields[field] = earlier === undefined ? column : [earlier, column].flat();
  }
  return fields;
}

/**
 * The scaffold options with `--tools` and `--documents` folded in (the tools scaffold's `tools` and
 * `documents`); either flag with another scaffold is an error.
 */
export async function toolOptions(
  scaffold: string,
  given: JsonObject | undefined,
  tools: string | undefined,
  documents: string | undefined,
): Promise<JsonObject | undefined> {
  if (tools === undefined && documents === undefined) return given;
  if (scaffold !== 'tools') {
    throw new OverseerError(
      'cli.tools-without-scaffold',
      `--tools and --documents are options of the tools scaffold, not of ${scaffold}.`,
      { hint: 'Add --scaffold tools.' },
    );
  }
  const { parseToolList } = await import('../outcomes/tools/registry.ts');
  return {
    ...(given ?? {}),
    ...(tools === undefined ? {} : { tools: parseToolList(tools) }),
    ...(documents === undefined ? {} : { documents }),
  };
}

/** `overseer eval`. */
export const evalVerb: Verb = {
  help: {
    verb: 'eval',
    async text() {
      const { registryListing } = await import('./registry-listing.ts');
      return registryListing();
    },
  },
  register(program) {
    program
      .command('eval')
      .description(
        'Evaluate a policy through a scaffold on a task family: accuracy, trace error, steps, calls.',
      )
      .option('--task <family>', 'task family (listed below); or --dataset')
      .option('--dataset <file>', 'evaluate on a .jsonl, .json or .csv file of Inspect samples')
      .option(
        '--field <mapping>',
        'dataset columns of the sample fields, e.g. input=question,target=answer,metadata=source',
      )
      .option(
        '--grader <name>',
        'dataset grader: exact, includes, match, choice, regex, model-graded (default: choice with choices, else match)',
      )
      .option(
        '--grader-options <json>',
        'grader options as JSON, e.g. {"location":"first"}; model-graded: {"policy":"openai:gpt-4o-mini"}',
      )
      .option(
        '--scaffold <name>',
        'how the policy answers (the scaffolds are listed below)',
        'snap',
      )
      .requiredOption(
        '--policy <name>',
        'oracle, uniform or embedded:<checkpoint dir> (provider:model; listed below)',
      )
      .option('--n <n>', 'episodes: questions asked (at least 1)', integerArgument(1), 100)
      .option(
        '--with-replacement',
        'draw the n questions independently, so one may repeat (default: n distinct questions while the split holds that many)',
        false,
      )
      .option('--seed <n>', 'seed of the problems and the policy’s draws', integerArgument(0), 0)
      .option('--split <split>', 'train or test', 'test')
      .option('--difficulty <d>', 'a difficulty or a list, e.g. 3 or 1,2,3')
      .option('--world-size <n>', 'items in the world (task option size)', integerArgument(1))
      .option(
        '--store <dir|url>',
        'record the run in this store directory, or Postgres database (postgres://…)',
      )
      .option('--overseer <name>', 'also judge every step with this overseer (listed below)')
      .option(
        '--tools <names>',
        'with --scaffold tools: the tools offered, e.g. calculator,python,js,lookup (default calculator)',
      )
      .option('--documents <file>', 'with --tools lookup: a JSONL file of {"id","title","text"}')
      .option('--task-options <json>', 'task family options as JSON')
      .option('--scaffold-options <json>', 'scaffold options as JSON, e.g. {"maxDepth":2}')
      .option('--policy-options <json>', 'policy options as JSON, e.g. {"temperature":1}')
      .option('--overseer-options <json>', 'overseer options as JSON')
      .option('--concurrency <n>', 'episodes run at once (calls batched)', integerArgument(1), 16)
      .option(
        '--queue <redis>',
        'play the episodes on `overseer worker`s: redis://HOST:PORT or a unix socket path',
      )
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
        const scaffoldOptions = await toolOptions(
          options.scaffold as string,
          optional('--scaffold-options', 'scaffoldOptions'),
          options.tools as string | undefined,
          options.documents as string | undefined,
        );
        const policyOptions = optional('--policy-options', 'policyOptions');
        const overseerOptions = optional('--overseer-options', 'overseerOptions');
        const graderOptions = optional('--grader-options', 'graderOptions');
        if ((options.task === undefined) === (options.dataset === undefined)) {
          throw new OverseerError(
            'cli.no-task',
            'overseer eval needs exactly one of --task <family> and --dataset <file>.',
            { hint: 'Name a task family (listed by overseer eval --help) or give a dataset file.' },
          );
        }
        const dataset =
          options.dataset === undefined
            ? undefined
            : {
                file: options.dataset as string,
                ...(options.field === undefined
                  ? {}
                  : { fields: fieldMapping(options.field as string) }),
                ...(options.grader === undefined ? {} : { grader: options.grader as string }),
                ...(graderOptions === undefined ? {} : { graderOptions }),
              };
        const summary = await runEvaluation({
          task: (options.task as string | undefined) ?? 'dataset',
          ...(dataset === undefined ? {} : { dataset }),
          scaffold: options.scaffold as string,
          policy: options.policy as string,
          n: options.n as number,
          withReplacement: options.withReplacement === true,
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
          ...(options.queue === undefined ? {} : { queue: options.queue as string }),
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
