import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardServer } from '../cli/reward-server.ts';
import type { RewardMetricsSnapshot } from './reward-metrics.ts';

// The shipped verl shim (integrations/verl/overseer_reward.py) against a running reward server.
const shimFolder = fileURLToPath(new URL('../../../../integrations/verl/', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;
if (!python && process.env.CI === 'true')
  throw new Error('python3 is needed for the verl shim test');
if (!python) console.warn('verl-integration.test.ts: skipped, python3 is not on the PATH');

// Calls every entry point the way verl does; prints what each returned as one JSON object.
const driver = String.raw`
import asyncio, json, sys
sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, sys.argv[1])
import overseer_reward as reward
url = sys.argv[2]
prompt = "123+456:"
right = "3+6+0=09\n2+5+0=07\n1+4+0=05\n=579"
wrong = "3+6+0=09\n2+5+0=07\n1+4+0=05\n=578"
out = {}
out["sync"] = [
    reward.compute_score("addition", right, "579", {"prompt": prompt}, url=url),
    reward.compute_score("addition", wrong, 579, {"question": prompt}, url=url),
]
out["details"] = reward.compute_score("addition", right, "579", {"prompt": prompt}, url=url, details=True)
async def concurrent():
    return await asyncio.gather(*[
        reward.compute_score_async("addition", right if i % 2 == 0 else wrong, "579", {"prompt": prompt}, url=url)
        for i in range(32)
    ])
out["async"] = asyncio.run(concurrent())
out["batch"] = reward.compute_score_batch(
    ["addition"] * 10, [right, wrong] * 5, ["579"] * 10, [{"prompt": prompt}] * 10, url=url, batch_size=4
)
try:
    reward.compute_score("addition", right, "579", {"prompt": prompt}, url=url + "/nowhere")
except reward.RewardServiceError as error:
    out["refused"] = str(error)
try:
    asyncio.run(reward.compute_score_async("addition", right, "579", None, url="http://127.0.0.1:1", attempts=2))
except reward.RewardServiceError as error:
    out["unreachable"] = str(error)
print(json.dumps(out))
`;

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'overseer-verl-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe.skipIf(!python)('verl compute_score shim', () => {
  it('scores through the sync, async and batch entry points, retried requests free', async () => {
    const config = join(folder, 'reward.yaml');
    await writeFile(config, 'task: { name: addition }\noverseer: { name: program }\nlambda: 0.5\n');
    const server = await startRewardServer({ config, port: 0 });
    try {
      const { stdout } = await promisify(execFile)('python3', [
        '-c',
        driver,
        shimFolder,
        server.url,
      ]);
      const out = JSON.parse(stdout) as Record<string, unknown>;
      expect(out.sync).toEqual([1, 0.25]);
      expect(out.details).toEqual({
        score: 1,
        process_reward: 1,
        outcome_reward: 1,
        judged_steps: 4,
        correct: 1,
        failed: 0,
        lambda: 0.5,
      });
      expect(out.async).toEqual(
        Array.from({ length: 32 }, (_, index) => (index % 2 === 0 ? 1 : 0.25)),
      );
      expect(out.batch).toEqual([1, 0.25, 1, 0.25, 1, 0.25, 1, 0.25, 1, 0.25]);
      expect(out.refused).toMatch(/HTTP 404.*no route \/nowhere/);
      expect(out.unreachable).toMatch(/127\.0\.0\.1:1.*after 2 attempts/);

      const metrics = (await (
        await fetch(`${server.url}/metrics`)
      ).json()) as RewardMetricsSnapshot;
      // 2 + 1 + 32 + 10 samples, two distinct ones (the label 579 and "579", and the prompt
      // given as extra_info's "prompt" or "question", are the same sample): judged once each.
      expect(metrics.samples.total).toBe(45);
      expect(metrics.samples.scored).toBe(2);
      expect(metrics.samples.cacheHits + metrics.samples.deduplicated).toBe(43);
      expect(metrics.judgeCalls).toBe(8);
      // 2 + 1 + 32 single requests, 3 batches of at most 4, and the refused one.
      expect(metrics.requests).toEqual({ total: 39, failed: 1 });
    } finally {
      await server.close();
    }
  });
});
