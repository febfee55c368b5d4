import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { programOverseer } from '../overseers/program.ts';
import { oraclePolicy } from '../policies/oracle.ts';
import { chainOfThought } from '../scaffolds/chain-of-thought.ts';
import { RunStore } from '../store/index.ts';
import { getFamily } from '../tasks/registry.ts';
import { evaluate } from './evaluate.ts';
import { evaluationMetrics } from './metrics.ts';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe('evaluate', () => {
  it('plays, judges and records the episodes and measures them with the loop’s metrics', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'overseer-evaluate-'));
    directories.push(directory);
    const family = getFamily('addition');
    const problems = family.generate({ seed: 3, count: 4, split: 'test', difficulty: 3 });
    const store = RunStore.open(directory);
    try {
      const runId = store.createRun({ command: 'evaluate-test' });
      const { metrics, played } = await evaluate({
        family,
        scaffold: chainOfThought(),
        policy: oraclePolicy(family),
        overseer: programOverseer(family),
        problems,
        ids: problems.map((_, index) => `e${index}`),
        seed: 3,
        recorder: { store, runId, completed: new Set() },
      });
      expect(metrics).toEqual(evaluationMetrics(family, played));
      expect(metrics).toMatchObject({ accuracy: 1, traceError: 0, failedEpisodes: 0 });
      expect(played.every((entry) => entry.judgments.length > 0)).toBe(true);
      // Outside the loop there is no round: the episodes are recorded without an iteration.
      const recorded = store.episodes(runId);
      expect(recorded.map((episode) => episode.id).sort()).toEqual(['e0', 'e1', 'e2', 'e3']);
      expect(recorded.every((episode) => episode.iteration === null)).toBe(true);
    } finally {
      store.close();
    }
  });
});
