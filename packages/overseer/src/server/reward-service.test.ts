import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardServer } from '../cli/reward-server.ts';
import { RunStore } from '../store/index.ts';
import { referenceCompletion } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import type { RewardMetricsSnapshot } from './reward-metrics.ts';
import type { RewardResponse } from './reward-service.ts';
import { readRewardServiceConfig, rewardService } from './reward-service.ts';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'overseer-reward-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const prompt = '123+456:';
const right = '3+6+0=09\n2+5+0=07\n1+4+0=05\n=579';
// The second line is wrong, and the answer follows from it.
const wrong = '3+6+0=09\n2+5+0=08\n1+4+0=05\n=589';

async function configFile(name: string, yaml: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, yaml);
  return path;
}

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('reward server (OpenRLHF remote reward contract)', () => {
  it('scores each response’s steps with the overseer and mixes in the outcome by λ', async () => {
    const store = join(folder, 'store');
    const path = await configFile(
      'program.yaml',
      `task: { name: addition }\noverseer: { name: program }\nlambda: 0.5\nstore: ${store}\n`,
    );
    const server = await startRewardServer({ config: path, port: 0 });
    try {
      const { status, json } = await post(`${server.url}/`, {
        query: [prompt + right, prompt + wrong, `${prompt}\n${right}`],
        prompts: [prompt, prompt, prompt],
        labels: ['579', '579', '579'],
      });
      expect(status).toBe(200);
      const answer = json as RewardResponse;
      // Right: every step +1, correct answer → 1. Wrong: one of four steps −1 (the answer line
      // follows from the lines before it) → process 0.5, outcome 0 → 0.25.
      expect(answer.extra_logs.process_reward).toEqual([1, 0.5, 1]);
      expect(answer.extra_logs.outcome_reward).toEqual([1, 0, 1]);
      expect(answer.rewards).toEqual([1, 0.25, 1]);
      expect(answer.scores).toEqual(answer.rewards);
      expect(answer.extra_logs.judged_steps).toEqual([4, 4, 4]);
      expect(answer.extra_logs.lambda).toEqual([0.5, 0.5, 0.5]);
      expect(answer.errors).toEqual([null, null, null]);
      // /get_reward is the same endpoint, and labels may be left to the family's solver.
      const again = await post(`${server.url}/get_reward`, { query: [prompt + right] });
      expect((again.json as RewardResponse).rewards).toEqual([1]);
    } finally {
      await server.close();
    }
    const reader = RunStore.open(store, { readOnly: true });
    try {
      const [run] = reader.listRuns();
      expect(run.status).toBe('finished');
      const episodes = reader.episodes(run.id);
      expect(episodes).toHaveLength(4);
      expect(episodes.every((episode) => episode.judgmentCount === 4)).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('accounts for samples it cannot score and rejects malformed requests', async () => {
    const service = rewardService(
      await readRewardServiceConfig(
        await configFile(
          'process.yaml',
          'task: { name: addition }\noverseer: { name: program }\nfailureReward: -1\n',
        ),
      ),
    );
    const scored = await service.score({
      query: [prompt + right, 'no mark at all', 'other prompt' + right],
      prompts: null,
    });
    expect(scored.rewards).toEqual([1, -1, -1]);
    expect(scored.extra_logs.failed).toEqual([0, 1, 1]);
    expect(scored.errors[1]).toMatch(/no prompt was given/);
    const mismatched = await service
      .score({ query: [prompt + right], prompts: [prompt, prompt] })
      .catch((error: Error) => error.message);
    expect(mismatched).toMatch(/prompts has 2 entries for 1 queries/);

    const server = await startRewardServer({
      config: await configFile(
        'plain.yaml',
        'task: { name: addition }\noverseer: { name: program }\n',
      ),
      port: 0,
    });
    try {
      const bad = await post(`${server.url}/`, { query: 'not a list' });
      expect(bad.status).toBe(400);
      expect((bad.json as { error: { param: string } }).error.param).toBe('query');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('names the key at fault in a bad config', async () => {
    await expect(
      readRewardServiceConfig(
        await configFile(
          'bad.yaml',
          'task: { name: addition }\noverseer: { name: program }\nlamda: 1\n',
        ),
      ),
    ).rejects.toThrow(/unrecognized key.*lamda/i);
    await expect(
      readRewardServiceConfig(
        await configFile(
          'bad2.yaml',
          'task: { name: addition }\noverseer: { name: program }\nlambda: 2\n',
        ),
      ),
    ).rejects.toThrow(/lambda/);
  });
});

/** Distinct addition samples: even ones answered right (reward 1), odd ones off by one (0.25 at λ 0.5). */
function additionSamples(count: number): {
  query: string[];
  prompts: string[];
  labels: string[];
  expected: number[];
} {
  const family = getFamily('addition', {});
  const samples = {
    query: [] as string[],
    prompts: [] as string[],
    labels: [] as string[],
    expected: [] as number[],
  };
  for (let index = 0; index < count; index += 1) {
    const question = `${100 + (index % 900)}+${10 + Math.floor(index / 900)}`;
    const lines = referenceCompletion(family, question, 'chain-of-thought').split('\n');
    if (index % 2 === 1)
      lines[lines.length - 1] = `=${Number(lines[lines.length - 1].slice(1)) + 1}`;
    samples.query.push(`${question}:${lines.join('\n')}`);
    samples.prompts.push(`${question}:`);
    samples.labels.push(family.oracle(question));
    samples.expected.push(index % 2 === 0 ? 1 : 0.25);
  }
  return samples;
}

async function metricsOf(url: string): Promise<RewardMetricsSnapshot> {
  return (await (await fetch(`${url}/metrics`)).json()) as RewardMetricsSnapshot;
}

describe('reward server at trainer scale', () => {
  const configYaml = 'task: { name: addition }\noverseer: { name: program }\nlambda: 0.5\n';

  it('answers 64 concurrent single-sample requests and one 4,096-sample batch', async () => {
    const server = await startRewardServer({
      config: await configFile('scale.yaml', configYaml),
      port: 0,
    });
    try {
      const single = additionSamples(64);
      const answers = await Promise.all(
        single.query.map((query, index) =>
          post(`${server.url}/get_reward`, {
            query: [query],
            prompts: [single.prompts[index]],
            labels: [single.labels[index]],
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(single.query.map(() => 200));
      expect(answers.map((answer) => (answer.json as RewardResponse).rewards[0])).toEqual(
        single.expected,
      );
      let metrics = await metricsOf(server.url);
      expect(metrics.requests).toEqual({ total: 64, failed: 0 });
      expect(metrics.samples).toEqual({
        total: 64,
        scored: 64,
        cacheHits: 0,
        deduplicated: 0,
        failed: 0,
      });
      // Four steps per addition of three-digit numbers: three digit lines and the answer line.
      expect(metrics.judgeCalls).toBe(64 * 4);
      expect(metrics.latencyMs.request.count).toBe(64);

      const batch = additionSamples(4096);
      const { status, json } = await post(`${server.url}/`, {
        query: batch.query,
        prompts: batch.prompts,
        labels: batch.labels,
      });
      expect(status).toBe(200);
      const answer = json as RewardResponse;
      expect(answer.rewards).toEqual(batch.expected);
      expect(answer.errors.every((error) => error === null)).toBe(true);
      metrics = await metricsOf(server.url);
      // The batch's first 64 samples are the single requests' samples: remembered, not re-judged.
      expect(metrics.samples).toEqual({
        total: 64 + 4096,
        scored: 4096,
        cacheHits: 64,
        deduplicated: 0,
        failed: 0,
      });
      expect(metrics.judgeCalls).toBe(4096 * 4);
      expect(metrics.queue).toEqual({ depth: 0, inFlight: 0, concurrency: 4 });
      expect(metrics.cache.entries).toBe(4096);
    } finally {
      await server.close();
    }
  });

  it('scores a repeated request from the cache and joins identical requests in flight', async () => {
    const server = await startRewardServer({
      config: await configFile('repeat.yaml', configYaml),
      port: 0,
    });
    try {
      const body = { query: [prompt + wrong], prompts: [prompt], labels: ['579'] };
      const first = await post(`${server.url}/`, body);
      const retry = await post(`${server.url}/`, body);
      expect(retry.json).toEqual(first.json);
      expect((first.json as RewardResponse).rewards).toEqual([0.25]);
      let metrics = await metricsOf(server.url);
      expect(metrics.samples).toMatchObject({ total: 2, scored: 1, cacheHits: 1 });
      expect(metrics.judgeCalls).toBe(4);

      // Sixteen identical requests at once: one is judged; each other one either joins it in
      // flight or, arriving after it finished, is a cache hit.
      const other = { query: [prompt + right], prompts: [prompt], labels: ['579'] };
      const answers = await Promise.all(
        Array.from({ length: 16 }, () => post(`${server.url}/`, other)),
      );
      expect(answers.map((answer) => (answer.json as RewardResponse).rewards[0])).toEqual(
        Array(16).fill(1),
      );
      metrics = await metricsOf(server.url);
      expect(metrics.samples.scored).toBe(2);
      expect(metrics.samples.cacheHits + metrics.samples.deduplicated).toBe(1 + 15);
      expect(metrics.judgeCalls).toBe(8);

      const text = await (await fetch(`${server.url}/metrics?format=prometheus`)).text();
      expect(text).toContain('overseer_reward_judge_calls_total 8\n');
      expect(text).toContain('overseer_reward_requests_total 18\n');
      const scraped = await fetch(`${server.url}/metrics`, {
        headers: { accept: 'text/plain;version=0.0.4' },
      });
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    } finally {
      await server.close();
    }
  });

  it('deduplicates identical samples in flight deterministically, and re-scores failures', async () => {
    const service = rewardService(
      await readRewardServiceConfig(await configFile('dedupe.yaml', configYaml)),
    );
    const sample = { query: [prompt + right], prompts: [prompt], labels: ['579'] };
    // Identical samples started in the same tick: the later ones join the first.
    const answers = await Promise.all([
      service.score(sample),
      service.score(sample),
      service.score({
        query: [prompt + right, prompt + right],
        prompts: [prompt, prompt],
        labels: ['579', '579'],
      }),
    ]);
    expect(answers.map((answer) => answer.rewards)).toEqual([[1], [1], [1, 1]]);
    expect(service.metrics().samples).toMatchObject({
      total: 4,
      scored: 1,
      deduplicated: 3,
      cacheHits: 0,
    });
    expect(service.metrics().judgeCalls).toBe(4);
    // The label is part of the key: the same response under another label is scored anew.
    await service.score({ ...sample, labels: ['580'] });
    expect(service.metrics().samples.scored).toBe(2);
    // A failed sample is not remembered, so a retry is scored again.
    await service.score({ query: ['no mark at all'] });
    await service.score({ query: ['no mark at all'] });
    expect(service.metrics().samples).toMatchObject({ scored: 4, failed: 2, cacheHits: 0 });
    service.close();
  });
});
