import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardServer } from '../cli/reward-server.ts';
import { RunStore } from '../store/index.ts';
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
