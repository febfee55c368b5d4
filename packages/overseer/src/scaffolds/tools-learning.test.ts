/**
 * The embedded model learns tool use: two tiny models of one size, trained by imitation for the
 * same steps on addition of many digits — one on snap answers, one on the tools scaffold's
 * plain-text demonstrations (call line, result line inserted by the scaffold, answer line) —
 * then evaluated through their own scaffolds on held-out questions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli-fixture.ts';
import { saveCheckpoint } from '../model/checkpoint.ts';
import { evaluate } from '../experiments/evaluate.ts';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { modelPolicy } from '../policies/embedded.ts';
import type { SupervisedExample } from '../tasks/family.ts';
import { addition } from '../tasks/addition.ts';
import { imitation } from '../training/imitation.ts';
import { snap } from './snap.ts';
import { tools } from './tools.ts';
import { TEXT_PROTOCOL_CHARACTERS, toolDemonstrations } from './tools-text-protocol.ts';

const DIGITS = 6;
const family = addition({ maxDigits: DIGITS });
const alphabet = [...new Set(family.alphabet + TEXT_PROTOCOL_CHARACTERS)].sort().join('');
const trainOptions = { seed: 1, count: 4000, split: 'train' as const, difficulty: DIGITS };

async function trained(examples: SupervisedExample[]): Promise<Gpt> {
  const model = Gpt.create({
    tokenizer: new Tokenizer(alphabet),
    kernels: loadKernels('auto'),
    seed: 7,
    config: { layers: 2, heads: 4, width: 64, contextLength: 64 },
  });
  await imitation({ steps: 400, learningRate: 3e-3, batchSize: 32 }).train({
    model,
    seed: 7,
    examples,
  });
  return model;
}

describe('the embedded model with a calculator', () => {
  it(`answers more ${DIGITS}-digit additions through the tools scaffold than from snap answers`, async () => {
    const problems = family.generate({ seed: 2, count: 60, split: 'test', difficulty: DIGITS });
    const ids = problems.map((_, index) => `e${index}`);
    const demonstrations = toolDemonstrations(family, trainOptions);
    expect(demonstrations[0]?.completion).toMatch(/^calc: \d+\+\d+$/);
    expect(demonstrations[1]?.prompt).toMatch(/^(\d+)\+(\d+)\ncalc: \1\+\2\n= \d+\n$/);
    expect(demonstrations[1]?.completion).toMatch(/^answer: \d+$/);
    const toolModel = await trained(demonstrations);
    const snapModel = await trained(family.supervised({ ...trainOptions, format: 'snap' }));
    const withTools = await evaluate({
      family,
      scaffold: tools({ maxTurns: 3, maxTokens: 40 }),
      policy: modelPolicy(toolModel, 'tools-model'),
      problems,
      ids,
      seed: 0,
      concurrency: 60,
    });
    const snapped = await evaluate({
      family,
      scaffold: snap(),
      policy: modelPolicy(snapModel, 'snap-model'),
      problems,
      ids,
      seed: 0,
      concurrency: 60,
    });
    const toolAccuracy = withTools.metrics.accuracy ?? 0;
    const snapAccuracy = snapped.metrics.accuracy ?? 0;
    console.log(
      `accuracy on ${problems.length} held-out ${DIGITS}-digit additions: tools ${toolAccuracy}, snap ${snapAccuracy}`,
    );
    // Every episode called the calculator with a well-formed expression and the call ran.
    const calls = withTools.played.flatMap(({ episode }) =>
      episode.steps.filter((step) => step.kind === 'action'),
    );
    expect(calls.length).toBeGreaterThanOrEqual(problems.length);
    expect(calls.every((step) => /^calc: \d+\+\d+$/.test(step.output))).toBe(true);
    expect(
      calls.every(
        (step) => typeof (step.metadata.tool as { result?: unknown }).result === 'string',
      ),
    ).toBe(true);
    expect(toolAccuracy).toBeGreaterThan(snapAccuracy);

    // The same model from its checkpoint, through `overseer eval` with the plain-text protocol.
    const directory = await mkdtemp(join(tmpdir(), 'overseer-tools-model-'));
    try {
      await saveCheckpoint(directory, {
        model: toolModel,
        training: { task: null, step: 400, seed: 7 },
      });
      const { code, stdout, stderr } = await runCli([
        'eval',
        '--task',
        'addition',
        '--task-options',
        JSON.stringify({ maxDigits: DIGITS }),
        '--difficulty',
        String(DIGITS),
        '--scaffold',
        'tools',
        '--tools',
        'calculator',
        '--scaffold-options',
        '{"maxTurns":3,"maxTokens":40}',
        '--policy',
        `embedded:${directory}`,
        '--n',
        '10',
        '--json',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const summary = JSON.parse(stdout) as { accuracy: number; calls: number; failed: number };
      expect(summary.failed).toBe(0);
      // A call turn and an answer turn per question.
      expect(summary.calls).toBeGreaterThanOrEqual(20);
      expect(summary.accuracy).toBeGreaterThan(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 600_000);
});
