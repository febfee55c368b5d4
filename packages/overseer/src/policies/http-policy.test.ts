import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isOverseerError } from '../errors.ts';
import { gradeEpisode } from '../outcomes/grade.ts';
import { snap } from '../scaffolds/snap.ts';
import { RunStore } from '../store/index.ts';
import { getFamily } from '../tasks/registry.ts';
import { anthropicPolicy } from './anthropic.ts';
import type { ChatGeneration } from './chat.ts';
import { startFaultServer } from './fault-server-fixture.ts';
import type { Fault, FaultServer } from './fault-server-fixture.ts';
import { classifySdkError, MalformedReplyError } from './http-policy.ts';
import type { HttpHooks } from './http-policy.ts';
import { openAiPolicy } from './openai.ts';
import type { OpenAiOptions } from './openai.ts';
import { backoffDelay, parseRetryAfter } from './retry.ts';
import type { CallFailure } from './retry.ts';
import { extractJson, generateStructured } from './structured-output.ts';

const servers: FaultServer[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

async function serve(script: (request: FaultServer['seen'][number], index: number) => Fault) {
  const server = await startFaultServer(script);
  servers.push(server);
  return server;
}

/** A policy against `server` with fast retries, recording every retry it makes. */
async function policyFor(server: FaultServer, options: OpenAiOptions = {}) {
  const retries: Array<{ failure: CallFailure; delay: number }> = [];
  const hooks: HttpHooks = {
    onRetry: (failure, _attempt, delay) => retries.push({ failure, delay }),
  };
  const policy = await openAiPolicy(
    'fault-model',
    {
      baseURL: `${server.url}/v1`,
      initialBackoffMs: 5,
      maxBackoffMs: 1000,
      timeoutMs: 2000,
      ...options,
    },
    hooks,
  );
  return { policy, retries };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('retry helpers', () => {
  it('backs off exponentially with full jitter, never before retry-after', () => {
    const options = { initialBackoffMs: 100, maxBackoffMs: 1000, random: () => 0.5 };
    expect([0, 1, 2, 3, 4].map((retry) => backoffDelay(retry, options))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect(backoffDelay(0, options, 700)).toBe(700);
    expect(backoffDelay(0, options, 5000)).toBe(1000);
    const headers = (values: Record<string, string>) => (name: string) => values[name];
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': new Date(10_000).toUTCString() }), 4000)).toBe(
      6000,
    );
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });
});

describe('classifySdkError', () => {
  it('classifies both SDKs’ errors alike: what is retried, and how long to wait', async () => {
    const { default: OpenAI } = await import('openai');
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const classified = (sdk: typeof OpenAI | typeof Anthropic) =>
      [
        new MalformedReplyError('bad shape'),
        new SyntaxError('bad json'),
        new sdk.APIUserAbortError(),
        new sdk.APIConnectionTimeoutError(),
        new sdk.APIConnectionError({ cause: new SyntaxError('cut off') }),
        new sdk.APIConnectionError({ message: 'reset' }),
        sdk.APIError.generate(429, undefined, 'slow down', new Headers({ 'retry-after': '2' })),
        sdk.APIError.generate(400, undefined, 'bad request', new Headers()),
        'a string',
      ].map((error) => classifySdkError(error, sdk, 1234));
    const openai = classified(OpenAI);
    expect(openai.map(({ kind, retryable }) => `${kind}:${retryable}`)).toEqual([
      'malformed-response:true',
      'malformed-response:true',
      'aborted:false',
      'timeout:true',
      'malformed-response:true',
      'network:true',
      'rate-limit:true',
      'client:false',
      'client:false',
    ]);
    expect(openai[3]?.message).toBe('timed out after 1234 ms');
    expect(openai[4]?.message).toBe('cut off');
    expect(openai[6]).toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(classified(Anthropic)).toEqual(openai);
  });
});

describe('openai: policy against a fault-injecting server', () => {
  it('waits out a 429 for its retry-after, then succeeds', async () => {
    const server = await serve((request) =>
      request.repeat === 0
        ? { kind: 'status', status: 429, headers: { 'retry-after-ms': '80' } }
        : { kind: 'ok', text: 'fine' },
    );
    const { policy, retries } = await policyFor(server);
    const [generation] = (await policy.generate([{ prompt: 'hello' }])) as ChatGeneration[];
    expect(generation).toMatchObject({
      text: 'fine',
      attempts: 2,
      cost: { calls: 2, inputTokens: 5, outputTokens: 4 },
    });
    expect(retries.map(({ failure }) => [failure.kind, failure.status])).toEqual([
      ['rate-limit', 429],
    ]);
    expect(retries[0].delay).toBeGreaterThanOrEqual(80);
    expect(policy.usage).toMatchObject({ requests: 1, httpRequests: 2, retries: 1, failures: 0 });
  });

  it('retries 500, truncated JSON, a wrong-shaped body, a dropped connection and a timeout', async () => {
    const faults: Fault[] = [
      { kind: 'status', status: 500 },
      { kind: 'truncate' },
      { kind: 'wrong-shape' },
      { kind: 'reset' },
      { kind: 'hang', ms: 6000 },
      { kind: 'ok', text: 'survived' },
    ];
    const server = await serve((request) => faults[request.repeat]);
    // The timeout is far above a loopback answer's time even on a loaded machine, so only the
    // hanging request times out.
    const { policy, retries } = await policyFor(server, { maxRetries: 5, timeoutMs: 1500 });
    const [generation] = await policy.generate([{ prompt: 'persist' }]);
    expect(generation.text).toBe('survived');
    expect(retries.map(({ failure }) => failure.kind)).toEqual([
      'server',
      'malformed-response',
      'malformed-response',
      'network',
      'timeout',
    ]);
  });

  it('fails a bad request at once, and a persistent 503 after its retries, naming every attempt', async () => {
    const server = await serve((request) =>
      request.lastMessage === 'bad'
        ? { kind: 'status', status: 400, message: 'bad parameter' }
        : { kind: 'status', status: 503 },
    );
    const { policy } = await policyFor(server, { maxRetries: 2 });
    const bad = await rejection(policy.generate([{ prompt: 'bad' }]));
    expect(isOverseerError(bad) && bad.code).toBe('policy.call-failed');
    expect(bad.message).toMatch(/1 attempt: client 400/);
    expect(server.seen.filter((seen) => seen.lastMessage === 'bad')).toHaveLength(1);
    const down = await rejection(policy.generate([{ prompt: 'down' }]));
    expect(down.message).toMatch(/3 attempts: server 503, server 503, server 503/);
    expect(policy.usage.failures).toBe(2);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const server = await serve(() => ({ kind: 'ok', text: 'x', delayMs: 30 }));
    const { policy } = await policyFor(server, { concurrency: 2 });
    const generations = await policy.generate(
      Array.from({ length: 8 }, (_, index) => ({ prompt: `p${index}` })),
    );
    expect(generations).toHaveLength(8);
    expect(server.peakInFlight).toBe(2);
    expect(policy.peakConcurrency).toBe(2);
  });

  it('answers a rerun from the on-disk cache, keyed by the full request', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'overseer-cache-'));
    folders.push(folder);
    let counter = 0;
    const server = await serve(() => ({ kind: 'ok', text: `reply ${(counter += 1)}` }));
    const prices = { inputPerMillionTokens: 2, outputPerMillionTokens: 8 };
    const first = await policyFor(server, { cache: folder, prices });
    const [original] = (await first.policy.generate([
      { prompt: 'same', seed: 1 },
    ])) as ChatGeneration[];
    expect(original.cost.usd).toBeCloseTo((5 * 2 + 7 * 8) / 1e6, 12);
    const rerun = await policyFor(server, { cache: folder, prices });
    const [again] = (await rerun.policy.generate([
      { prompt: 'same', seed: 1 },
    ])) as ChatGeneration[];
    expect(again).toMatchObject({ text: original.text, cached: true, cost: { calls: 0, usd: 0 } });
    expect(server.seen).toHaveLength(1);
    expect(rerun.policy.usage).toMatchObject({ cacheHits: 1, httpRequests: 0 });
    // Another seed or another option is another request.
    await rerun.policy.generate([{ prompt: 'same', seed: 2 }]);
    const hotter = await policyFor(server, { cache: folder, temperature: 1 });
    await hotter.policy.generate([{ prompt: 'same', seed: 1 }]);
    expect(server.seen).toHaveLength(3);
  });

  it('accounts for every episode: completed, or recorded with its error', async () => {
    const family = getFamily('addition');
    const problems = family.generate({ seed: 5, count: 12, split: 'test' });
    const answers = new Map(problems.map((problem) => [family.prompt(problem.question), problem]));
    const server = await serve((request) => {
      const problem = answers.get(request.lastMessage);
      const index = problem === undefined ? -1 : problems.indexOf(problem);
      const answer = problem?.answer ?? '?';
      if (index % 4 === 0) return { kind: 'status', status: 500 };
      if (index % 4 === 1 && request.repeat === 0) return { kind: 'status', status: 429 };
      if (index % 4 === 2 && request.repeat === 0) return { kind: 'truncate' };
      return { kind: 'ok', text: answer };
    });
    const { policy } = await policyFor(server, { maxRetries: 2 });
    const episodes = await Promise.all(
      problems.map((problem) => snap().run({ problem, family, policy })),
    );
    const folder = await mkdtemp(join(tmpdir(), 'overseer-store-'));
    folders.push(folder);
    const store = RunStore.open(folder);
    try {
      const runId = store.createRun({ test: 'faults' });
      for (const episode of episodes) {
        store.recordEpisode({
          runId,
          episode,
          ...(episode.status === 'finished' ? { outcome: gradeEpisode(family, episode) } : {}),
        });
      }
      const recorded = store.episodes(runId);
      expect(recorded).toHaveLength(problems.length);
      const failed = recorded.filter((episode) => episode.status === 'failed');
      expect(failed.map((episode) => episode.problem.id).sort()).toEqual(
        problems
          .filter((_, index) => index % 4 === 0)
          .map((problem) => problem.id)
          .sort(),
      );
      for (const episode of failed) {
        expect(episode.error?.message).toMatch(/3 attempts: server 500/);
      }
      const finished = recorded.filter((episode) => episode.status === 'finished');
      expect(finished).toHaveLength(9);
      expect(
        finished.every((episode) => episode.outcome?.kind === 'grade' && episode.outcome.correct),
      ).toBe(true);
    } finally {
      store.close();
    }
  });
});

describe('structured output', () => {
  const Plan = z.strictObject({ subQuestions: z.array(z.string().min(1)).max(4) });

  it('re-asks after malformed output and validates with zod', async () => {
    const replies = [
      'I think you should add them.',
      '{"subQuestions": ["1+2", ',
      '```json\n{"subQuestions": ["1+2", "3+4"]}\n```',
    ];
    const server = await serve((_request, index) => ({
      kind: 'ok',
      text: replies[Math.min(2, index)],
    }));
    const { policy } = await policyFor(server);
    const result = await generateStructured(
      policy,
      [{ role: 'user', content: 'Split 12+34.' }],
      Plan,
      {
        name: 'plan',
      },
    );
    expect(result.ok && result.value).toEqual({ subQuestions: ['1+2', '3+4'] });
    expect(result.attempts.map((attempt) => attempt.error ?? 'ok')).toEqual([
      'the reply contains no JSON object',
      expect.stringMatching(/does not parse/),
      'ok',
    ]);
    // The re-ask carries the bad reply and the reason.
    const second = server.seen[1].body.messages as Array<{ role: string; content: string }>;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: replies[0] });
    expect(second.at(-1)?.content).toMatch(/not valid: the reply contains no JSON object/);
    expect(String((server.seen[0].body.messages as Array<{ content: string }>)[0].content)).toMatch(
      /JSON schema/,
    );
  });

  it('gives up after maxAttempts with every attempt kept, without throwing', async () => {
    const server = await serve(() => ({ kind: 'ok', text: '{"subQuestions": "not a list"}' }));
    const { policy } = await policyFor(server, { structuredOutput: 'json-schema' });
    const result = await generateStructured(policy, [{ role: 'user', content: 'Split.' }], Plan, {
      name: 'plan',
      maxAttempts: 2,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/subQuestions: .*\(after 2 attempts\)/);
    expect(result.attempts).toHaveLength(2);
    // With structuredOutput json-schema, servers that enforce schemas get it as response_format.
    expect(server.seen[0].body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'plan', schema: { type: 'object', required: ['subQuestions'] } },
    });
    expect(extractJson('noise {"a": 1} more')).toBe('{"a": 1}');
  });
});

describe('anthropic: policy', () => {
  it('speaks the Messages API, lifting system messages, and retries an overloaded 529', async () => {
    const server = await serve((request) =>
      request.repeat === 0 ? { kind: 'status', status: 529 } : { kind: 'ok', text: 'Bonjour' },
    );
    const policy = await anthropicPolicy('claude-test', {
      baseURL: server.url,
      initialBackoffMs: 1,
      system: 'Be brief.',
    });
    const [generation] = await policy.generate([
      {
        prompt: 'Say hello.',
        messages: [
          { role: 'system', content: 'In French.' },
          { role: 'user', content: 'Say hello.' },
        ],
      } as never,
    ]);
    expect(generation).toMatchObject({
      text: 'Bonjour',
      finishReason: 'end',
      cost: { calls: 2, outputTokens: 7 },
    });
    expect(server.seen[0].path).toBe('/v1/messages');
    expect(server.seen[1].body).toMatchObject({
      model: 'claude-test',
      system: 'Be brief.\n\nIn French.',
      messages: [{ role: 'user', content: 'Say hello.' }],
      max_tokens: 256,
    });
    expect(policy.reference.name).toBe('anthropic:claude-test');
  });

  it('needs a key for a remote endpoint, and says where to put it', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      await expect(
        anthropicPolicy('claude-test', { baseURL: 'https://example.invalid' }),
      ).rejects.toThrow(/needs an API key/);
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});
