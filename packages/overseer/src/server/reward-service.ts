/**
 * Overseer's process-based reward as an HTTP service with OpenRLHF's remote reward contract, so
 * existing RL trainers (OpenRLHF `--remote_rm_url`, verl or TRL through a small reward function)
 * can train large models with it:
 *
 *   POST /  (or /get_reward)  {"query": [prompt+response…], "prompts": [prompt…], "labels": [answer…]}
 *   →  {"rewards": […], "scores": […], "extra_logs": {name: [one number per sample]}, "errors": […]}
 *
 * Each response is read the way a scaffold would have recorded it (chain of thought: one step per
 * line and the answer line; snap: the answer), the configured overseer judges every step on paper,
 * the step scores are aggregated into a process reward, the family grades the answer against the
 * label for the outcome reward, and the dial mixes them: reward = (1 − λ)·process + λ·outcome.
 * A sample that cannot be scored gets `failureReward` and its error in `errors` (and a 1 in
 * `extra_logs.failed`) — it is never dropped, and never fails the batch. With `store`, every
 * episode, its judgments and outcome are recorded in a run, like any other run.
 *
 * Trainers send both a few batches of thousands (OpenRLHF up to 0.9.0) and hundreds of concurrent
 * single-sample requests on fresh connections, retried on failure (OpenRLHF from 0.9.1, verl's
 * per-sample `compute_score`). So each sample is keyed by a hash of (query, prompt, label,
 * scoring config): a result is remembered (`cacheSize`) and a sample already being scored is
 * joined, so a retry costs nothing and scores the same; samples wait their turn for one of
 * `concurrency` judge slots rather than being refused; `GET /metrics` says how it is going.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { gradeEpisode } from '../outcomes/grade.ts';
import { judgeEpisode } from '../overseers/judge-episode.ts';
import type { Overseer } from '../overseers/overseer.ts';
import { createOverseer } from '../overseers/registry.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { dial } from '../rewards/dial.ts';
import { chainOfThought } from '../scaffolds/chain-of-thought.ts';
import { snap } from '../scaffolds/snap.ts';
import {
  AnswerFormat,
  JsonObject,
  RegistryReference,
  RewardServiceRunConfiguration,
  toErrorRecord,
} from '../spec/index.ts';
import type { Problem } from '../spec/index.ts';
import { RunStore } from '../store/index.ts';
import { SNAP_MARK, THOUGHT_MARK } from '../tasks/family.ts';
import type { QuestionFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { ApiError, readJsonBody, sendError, sendJson } from './http.ts';
import { rewardCache } from './reward-cache.ts';
import { prometheusText, rewardMetrics } from './reward-metrics.ts';
import type { RewardMetricsSnapshot } from './reward-metrics.ts';

/** The reward service's configuration file (YAML or JSON), parsed strictly. */
export const RewardServiceConfig = z.strictObject({
  /** The task family whose answers are graded and whose steps are judged. */
  task: z.strictObject({ name: z.string().min(1), options: JsonObject.default({}) }),
  /** How a response is read into steps: `chain-of-thought` (lines, then the answer) or `snap`. */
  format: AnswerFormat.default('chain-of-thought'),
  /** The overseer that judges each step, e.g. `{ name: program }` or `{ name: debate, options: {…} }`. */
  overseer: RegistryReference,
  /** The dial λ: 0 purely process-based (default), 1 purely outcome-based. */
  lambda: z.number().min(0).max(1).default(0),
  /** How step scores become one process reward. */
  aggregate: z.enum(['mean', 'min', 'last']).default('mean'),
  /**
   * A regular expression with one capture group that finds the question inside a prompt (for
   * chat-templated prompts); by default the prompt minus the family's trailing mark.
   */
  questionPattern: z.string().min(1).optional(),
  /** Reward of a sample that could not be scored. */
  failureReward: z.number().default(0),
  /** Samples judged at once; the rest wait in arrival order (never refused). */
  concurrency: z.number().int().positive().default(4),
  /** Most samples per request. */
  maxBatch: z.number().int().positive().default(4096),
  /** Most scored samples remembered, so retries and repeats are free (0 remembers none). */
  cacheSize: z.number().int().nonnegative().default(100_000),
  /**
   * A run store to record every episode in (off when absent): a directory, or a `postgres://` URL
   * that `overseer reward-server` forwards to (each replica its own run).
   */
  store: z.string().min(1).optional(),
});
/** The reward service's configuration, parsed. */
export type RewardServiceConfig = z.output<typeof RewardServiceConfig>;

/** Reads and validates a configuration file, naming the key at fault. */
export async function readRewardServiceConfig(path: string): Promise<RewardServiceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OverseerError('reward-service.config', `cannot read ${path}`, {
      cause: error,
      hint: 'pass --config with a YAML file (see docs/models.md)',
    });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new OverseerError(
      'reward-service.config',
      `${path} is not valid YAML: ${(error as Error).message}`,
    );
  }
  const parsed = RewardServiceConfig.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => {
        const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        return `${issue.path.join('.') || '(root)'}: ${issue.message}${keys}`;
      })
      .join('; ');
    throw new OverseerError('reward-service.config', `${path}: ${problems}`, {
      hint: `The keys are: ${Object.keys(RewardServiceConfig.shape).join(', ')}.`,
    });
  }
  return parsed.data;
}

const RewardRequest = z.object({
  query: z.array(z.string(), { error: 'query must be a list of strings (prompt + response)' }),
  prompts: z.array(z.string().nullable()).nullable().optional(),
  labels: z.array(z.string().nullable()).nullable().optional(),
});
/** A reward request as OpenRLHF sends it. */
export type RewardRequest = z.infer<typeof RewardRequest>;

/** The answer to a reward request. */
export interface RewardResponse {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
  errors: Array<string | null>;
}

/** One sample's scores. */
interface SampleResult {
  reward: number;
  process: number;
  outcome: number;
  steps: number;
  correct: number;
  error: string | null;
}

/** The reward service: scores batches and (optionally) records them. */
export interface RewardService {
  readonly config: RewardServiceConfig;
  readonly overseer: Overseer;
  /** The run episodes are recorded in, when `store` is set. */
  readonly runId: string | undefined;
  /** A hash of everything in the config that changes a score (replicas serving alike share it). */
  readonly configHash: string;
  score(request: RewardRequest): Promise<RewardResponse>;
  /** Counters, queue and latency percentiles, as `GET /metrics` returns them. */
  metrics(): RewardMetricsSnapshot;
  handler: RequestListener;
  close(): void;
}

function aggregate(scores: readonly number[], how: RewardServiceConfig['aggregate']): number {
  if (scores.length === 0) return 0;
  if (how === 'min') return Math.min(...scores);
  if (how === 'last') return scores[scores.length - 1];
  return scores.reduce((sum, score) => sum + score, 0) / scores.length;
}

/** Builds the service for `config`. */
export function rewardService(config: RewardServiceConfig): RewardService {
  const family = getFamily(config.task.name, config.task.options);
  if (family.kind !== 'question') {
    throw new OverseerError(
      'reward-service.family',
      `${family.name} is an environment family; the reward service scores answers to questions.`,
      { hint: 'Use a question family such as addition.' },
    );
  }
  const questions: QuestionFamily = family;
  const overseer = createOverseer(config.overseer.name, config.overseer.options, { family });
  const metrics = rewardMetrics();
  // The scoring path judges through this, so /metrics counts the judge calls a sample really cost.
  const countedOverseer: Overseer = {
    reference: overseer.reference,
    judge: (step) => {
      metrics.judgeCall();
      return overseer.judge(step);
    },
  };
  const scaffold = config.format === 'snap' ? snap() : chainOfThought();
  scaffold.check(family);
  const mark = config.format === 'snap' ? SNAP_MARK : THOUGHT_MARK;
  const pattern =
    config.questionPattern === undefined ? undefined : new RegExp(config.questionPattern, 's');
  const mixer = dial(config.lambda);
  const limit = concurrencyLimit(config.concurrency);
  const store = config.store === undefined ? undefined : RunStore.open(config.store);
  const runId = store?.createRun(
    RewardServiceRunConfiguration.parse({
      kind: 'reward-service',
      task: config.task,
      format: config.format,
      overseer: overseer.reference,
      lambda: config.lambda,
      aggregate: config.aggregate,
    }),
  );
  let served = 0;
  const cache = rewardCache<SampleResult>({
    capacity: config.cacheSize,
    // A failure may be transient (a model judge timing out), so a retry scores it afresh.
    keep: (result) => result.error === null,
  });
  const configHash = createHash('sha256')
    .update(
      JSON.stringify([
        config.task,
        config.format,
        overseer.reference,
        config.lambda,
        config.aggregate,
        config.questionPattern ?? null,
        config.failureReward,
      ]),
    )
    .digest('hex');
  const sampleKey = (
    query: string,
    prompt: string | undefined,
    label: string | undefined,
  ): string =>
    createHash('sha256')
      .update(JSON.stringify([configHash, query, prompt ?? null, label ?? null]))
      .digest('hex');

  /** The question a prompt asks, and the response after it. */
  const split = (
    query: string,
    prompt: string | undefined,
  ): { question: string; response: string } => {
    let promptText = prompt;
    let response: string;
    if (promptText !== undefined && query.startsWith(promptText)) {
      response = query.slice(promptText.length);
    } else if (promptText !== undefined) {
      throw new Error('the query does not start with its prompt');
    } else {
      const at = query.indexOf(mark);
      if (at < 0) throw new Error(`no prompt was given and the query has no "${mark}" mark`);
      promptText = query.slice(0, at + mark.length);
      response = query.slice(at + mark.length);
    }
    let question: string;
    if (pattern !== undefined) {
      const match = pattern.exec(promptText);
      if (match?.[1] === undefined)
        throw new Error(`questionPattern found no question in the prompt`);
      question = match[1];
    } else {
      const trimmed = promptText.trimEnd();
      question = trimmed.endsWith(mark) ? trimmed.slice(0, -mark.length) : trimmed;
    }
    return { question: question.trim(), response: response.replace(/^\s*\n/, '').trimEnd() };
  };

  const scoreOne = async (
    sampleId: string,
    query: string,
    prompt: string | undefined,
    label: string | undefined,
  ): Promise<SampleResult> => {
    const { question, response } = split(query, prompt);
    // Without a label the family's exact solver says what the answer is, where it can read the question.
    let expected = label;
    if (expected === undefined) {
      try {
        expected = questions.oracle(question);
      } catch {
        expected = undefined;
      }
    }
    const problem: Problem = {
      id: `reward/${sampleId}`,
      family: family.name,
      question,
      ...(expected === undefined ? {} : { answer: expected }),
      difficulty: 0,
      split: 'train',
      metadata: {},
    };
    const episode = await scaffold.run({
      problem,
      family,
      policy: scriptedPolicy(() => response, 'reward-service'),
      episodeId: problem.id,
    });
    if (episode.status === 'failed')
      throw new Error(episode.error?.message ?? 'the response could not be read');
    const judgments = await judgeEpisode(countedOverseer, episode);
    const process = aggregate(
      judgments.map(({ judgment }) => judgment.score),
      config.aggregate,
    );
    let outcome = 0;
    let correct = 0;
    let graded;
    if (expected !== undefined) {
      graded = gradeEpisode(questions, episode);
      outcome = graded.reward;
      correct = graded.kind === 'grade' && graded.correct ? 1 : 0;
    } else if (config.lambda > 0) {
      throw new Error(
        'no label was given and the family cannot solve the question, but λ > 0 needs an answer to grade',
      );
    }
    if (store !== undefined && runId !== undefined) {
      store.recordEpisode({
        runId,
        episode,
        judgments,
        ...(graded === undefined
          ? {
              outcome: {
                kind: 'grade',
                answer: episode.answer,
                expected: '',
                correct: false,
                reward: 0,
                info: { ungraded: true },
              },
            }
          : { outcome: graded }),
      });
    }
    return {
      reward: mixer.mix(process, outcome),
      process,
      outcome,
      steps: judgments.length,
      correct,
      error: null,
    };
  };

  const score = async (request: RewardRequest): Promise<RewardResponse> => {
    const { query } = request;
    const prompts = request.prompts ?? undefined;
    const labels = request.labels ?? undefined;
    if (query.length > config.maxBatch) {
      throw new ApiError(413, `${query.length} samples exceed maxBatch ${config.maxBatch}`, {
        param: 'query',
      });
    }
    for (const [name, list] of [
      ['prompts', prompts],
      ['labels', labels],
    ] as const) {
      if (list !== undefined && list.length !== query.length) {
        throw new ApiError(400, `${name} has ${list.length} entries for ${query.length} queries`, {
          param: name,
        });
      }
    }
    served += 1;
    const batch = served;
    const results = await Promise.all(
      query.map(async (text, index) => {
        const prompt = prompts?.[index] ?? undefined;
        const label = labels?.[index] ?? undefined;
        const { value, source } = await cache.get(sampleKey(text, prompt, label), () =>
          limit(async () => {
            // Yield to the event loop first, so a batch of thousands of fast samples still lets
            // other requests (and /health) in between.
            await new Promise((resolve) => setImmediate(resolve));
            const started = performance.now();
            const result = await scoreOne(`${batch}/${index}`, text, prompt, label).catch(
              (error: unknown): SampleResult => ({
                reward: config.failureReward,
                process: 0,
                outcome: 0,
                steps: 0,
                correct: 0,
                error: toErrorRecord(error).message,
              }),
            );
            metrics.scored(performance.now() - started);
            return result;
          }),
        );
        metrics.sample(source, value.error !== null);
        return value;
      }),
    );
    const rewards = results.map((result) => result.reward);
    return {
      rewards,
      scores: rewards,
      extra_logs: {
        process_reward: results.map((result) => result.process),
        outcome_reward: results.map((result) => result.outcome),
        judged_steps: results.map((result) => result.steps),
        correct: results.map((result) => result.correct),
        failed: results.map((result) => (result.error === null ? 0 : 1)),
        lambda: results.map(() => config.lambda),
      },
      errors: results.map((result) => result.error),
    };
  };

  const metricsNow = (): RewardMetricsSnapshot =>
    metrics.snapshot({
      queueDepth: limit.waiting,
      inFlight: limit.inFlight,
      concurrency: config.concurrency,
      cacheEntries: cache.size,
    });

  /** Whether a `/metrics` caller asked for Prometheus text (a scraper's Accept, or `?format=prometheus`). */
  const wantsPrometheus = (request: IncomingMessage, url: URL): boolean => {
    const format = url.searchParams.get('format');
    if (format !== null) return format === 'prometheus';
    const accept = request.headers.accept ?? '';
    return accept.includes('text/plain') || accept.includes('application/openmetrics-text');
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/health') {
      sendJson(response, 200, {
        status: 'ok',
        overseer: overseer.reference,
        lambda: config.lambda,
        configHash,
        queueDepth: limit.waiting,
        inFlight: limit.inFlight,
      });
      return;
    }
    if (path === '/metrics') {
      const snapshot = metricsNow();
      if (!wantsPrometheus(request, url)) {
        sendJson(response, 200, snapshot);
        return;
      }
      const text = prometheusText(snapshot);
      response.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
      return;
    }
    if (path !== '/' && path !== '/get_reward') {
      throw new ApiError(
        404,
        `no route ${path}; POST / (or /get_reward) with {"query", "prompts", "labels"}, or GET /health, /metrics`,
      );
    }
    if (request.method !== 'POST') throw new ApiError(405, `use POST for ${path}`);
    // Room for a full batch (maxBatch samples of long responses) in one body.
    const parsed = RewardRequest.safeParse(await readJsonBody(request, 256 << 20));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(400, `${issue.path.join('.') || '(body)'}: ${issue.message}`, {
        param: issue.path.map(String).join('.') || null,
      });
    }
    sendJson(response, 200, await score(parsed.data));
  };

  return {
    config,
    overseer,
    runId,
    configHash,
    score,
    metrics: metricsNow,
    handler: (request, response) => {
      const started = performance.now();
      route(request, response)
        .catch((error: unknown) => sendError(response, error))
        .finally(() => {
          if (request.method === 'POST')
            metrics.request(performance.now() - started, response.statusCode >= 400);
        });
    },
    close: () => {
      if (store !== undefined && runId !== undefined) store.finishRun(runId, { batches: served });
      store?.close();
    },
  };
}
