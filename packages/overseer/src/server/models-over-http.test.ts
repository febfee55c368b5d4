/**
 * The whole model path end to end: the tiny embedded checkpoint behind `overseer serve`, reached
 * through the `openai:` policy (the official SDK), driving every model overseer, the
 * model-driven decompose scaffold and the reward server. The tiny model cannot really argue or
 * plan; these tests check that everything runs through the same code path anyway and degrades
 * visibly (a neutral or parsed score with its reason, a failed plan recorded), never crashing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardServer } from '../cli/reward-server.ts';
import { startServe } from '../cli/serve.ts';
import { createOverseer } from '../overseers/registry.ts';
import { createPolicy } from '../policies/registry.ts';
import '../policies/backends.ts';
import { modelDecompose } from '../scaffolds/model-decompose.ts';
import { Judgment } from '../spec/index.ts';
import type { JsonObject, ProposedStep } from '../spec/index.ts';
import { getFamily } from '../tasks/registry.ts';
import type { RewardResponse } from './reward-service.ts';
import { tinyAdditionCheckpoint } from './tiny-model-fixture.ts';

const MODEL = 'tiny-addition';
const family = getFamily('addition');
let server: Awaited<ReturnType<typeof startServe>>;
let judge: { name: string; options: { baseURL: string; maxTokens: number } };
let folder: string;

beforeAll(async () => {
  const checkpoint = await tinyAdditionCheckpoint();
  server = await startServe({
    checkpoint,
    port: 0,
    modelName: MODEL,
    unknownCharacters: 'drop',
    truncate: 'left',
  });
  judge = { name: `openai:${MODEL}`, options: { baseURL: `${server.url}/v1`, maxTokens: 16 } };
  folder = await mkdtemp(join(tmpdir(), 'overseer-http-models-'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const step: ProposedStep = {
  family: 'addition',
  question: '123+456',
  kind: 'thought',
  previous: [{ kind: 'thought', text: '3+6+0=09' }],
  context: '123+456:3+6+0=09\n',
  action: '2+5+0=07',
};

/** A reading of the score the rationale must state: from log-probs, from samples, or neutral. */
const EXPLAINED =
  /expected rating \d\.\d{3} from log-probs|mean rating \d\.\d{3} of|no rating 1–5 could be read/;

describe('model overseers through overseer serve', () => {
  it('runs a debate end to end and records every turn', async () => {
    const overseer = createOverseer(
      'debate',
      { judge, rounds: 2, turnMaxTokens: 24, samples: 2 },
      { family },
    );
    const judgment = Judgment.parse(await overseer.judge(step));
    expect(judgment.method).toBe('debate');
    expect(judgment.score).toBeGreaterThanOrEqual(-1);
    expect(judgment.score).toBeLessThanOrEqual(1);
    expect(judgment.rationale).toMatch(EXPLAINED);
    const speakers = judgment.transcript?.map((turn) => turn.speaker) ?? [];
    expect(speakers.filter((speaker) => speaker.startsWith('debater-'))).toHaveLength(4);
    expect(speakers.at(-1)).toBe('judge');
    // Four arguments and at least one rating call, all over HTTP.
    expect(judgment.cost?.calls).toBeGreaterThanOrEqual(5);
    expect(judgment.cost?.inputTokens).toBeGreaterThan(0);
    // The server gives log-probs, so the judge reads the expected rating from them.
    expect(judgment.rationale).toMatch(/from log-probs/);
  });

  it('runs every model overseer through the same path', async () => {
    const expectations: Record<string, string> = {
      'model-judge': 'model',
      naive: 'model',
      'judge-with-justification': 'justification',
      consultancy: 'consultation',
      consult: 'consultation',
    };
    for (const [name, method] of Object.entries(expectations)) {
      const extra: JsonObject =
        name === 'consult'
          ? { questions: 1, turnMaxTokens: 16 }
          : name === 'consultancy'
            ? { rounds: 2, turnMaxTokens: 16 }
            : {};
      const judgment = Judgment.parse(
        await createOverseer(name, { judge, ...extra }, { family }).judge(step),
      );
      expect(judgment.method, name).toBe(method);
      expect(judgment.rationale, name).toMatch(EXPLAINED);
      expect(judgment.transcript?.length, name).toBeGreaterThanOrEqual(3);
    }
    // Without log-probs the judge falls back to sampled ratings, or to a neutral score it explains.
    const sampled = await createOverseer(
      'model-judge',
      { judge, logProbs: false, samples: 3 },
      { family },
    ).judge(step);
    expect(sampled.rationale).toMatch(/mean rating|no rating 1–5 could be read/);
  });

  it('runs model-driven decompose; a plan the tiny model cannot write is recorded, then it answers', async () => {
    const policy = await createPolicy(`openai:${MODEL}`, {
      baseURL: `${server.url}/v1`,
      maxTokens: 16,
    });
    const [problem] = family.generate({ seed: 9, count: 1, split: 'test' });
    const episode = await modelDecompose({ planAttempts: 2, planMaxTokens: 24 }).run({
      problem,
      family,
      policy,
    });
    expect(episode.status).toBe('finished');
    const [root, plan] = episode.steps;
    expect(plan.metadata.plan).toMatchObject({ ok: false });
    expect(root.metadata.decomposition).toMatch(/^no valid plan: .*; answered directly$/);
    expect(episode.steps.at(-1)).toMatchObject({
      kind: 'answer',
      producer: 'policy',
      input: `${problem.question}=`,
    });
  });

  it('serves a model overseer’s reward through the reward server', async () => {
    const config = join(folder, 'reward.yaml');
    await writeFile(
      config,
      `task: { name: addition }\nformat: chain-of-thought\nlambda: 0.25\noverseer:\n  name: model-judge\n  options:\n    judge: ${JSON.stringify(judge)}\n`,
    );
    const rewards = await startRewardServer({ config, port: 0 });
    try {
      const response = await fetch(`${rewards.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: ['123+456:3+6+0=09\n2+5+0=07\n1+4+0=05\n=579', '123+456:=580'],
          prompts: ['123+456:', '123+456:'],
          labels: ['579', '579'],
        }),
      });
      const answer = (await response.json()) as RewardResponse;
      expect(answer.errors).toEqual([null, null]);
      expect(answer.extra_logs.judged_steps).toEqual([4, 1]);
      expect(answer.extra_logs.outcome_reward).toEqual([1, 0]);
      answer.rewards.forEach((reward, index) => {
        expect(reward).toBeCloseTo(
          0.75 * answer.extra_logs.process_reward[index] +
            0.25 * answer.extra_logs.outcome_reward[index],
          12,
        );
      });
    } finally {
      await rewards.close();
    }
  });
});
