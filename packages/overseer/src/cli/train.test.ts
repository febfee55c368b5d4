import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { runCli } from './run-cli-fixture.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpointConfig } from '../model/checkpoint.ts';
import { parseExperimentFile } from '../experiments/config.ts';
import { QUICKSTART_FILE } from './start.ts';

/** Runs the CLI, capturing what it prints. */
const run = runCli;

// A model small enough that the reference kernels train it in well under a second.
const tiny = ['--layers', '1', '--width', '16', '--heads', '2', '--context', '16'];
const quick = [
  '--train-count',
  '64',
  '--test-count',
  '8',
  '--kernels',
  'reference',
  '--no-progress',
];

describe('overseer train, sample and start', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'overseer-cli-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('trains, resumes and samples from a checkpoint', async () => {
    const out = join(folder, 'addition');
    const trained = await run([
      'train',
      '--task',
      'addition',
      '--steps',
      '4',
      '--out',
      out,
      ...tiny,
      ...quick,
    ]);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/steps +0 → 4/);
    expect(trained.stdout).toMatch(/final loss +\d+\.\d{4}/);
    expect(trained.stdout).toMatch(/held-out exact match +\d+\.\d% \(\d+\/8, greedy decoding\)/);
    expect((await readdir(out)).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.safetensors',
    ]);
    expect((await readCheckpointConfig(out)).training).toMatchObject({
      task: 'addition',
      step: 4,
      seed: 1,
    });

    const resumed = await run([
      'train',
      '--task',
      'addition',
      '--steps',
      '6',
      '--out',
      out,
      '--resume',
      ...quick,
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/steps +4 → 6/);
    expect((await readCheckpointConfig(out)).training.step).toBe(6);

    const wrongShape = await run([
      'train',
      '--task',
      'addition',
      '--steps',
      '8',
      '--out',
      out,
      '--resume',
      '--width',
      '32',
      ...quick,
    ]);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr).toMatch(/has model width = 16, but 32 was given/);

    const sampled = await run([
      'sample',
      '--checkpoint',
      out,
      '--prompt',
      '123+456=',
      '--n',
      '3',
      '--seed',
      '4',
      '--max-tokens',
      '5',
      '--kernels',
      'reference',
      '--json',
    ]);
    expect(sampled.code).toBe(0);
    // Completions may themselves contain newlines (the alphabet has them), so count JSON lines.
    const lines = sampled.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect((JSON.parse(line) as { tokens: number[] }).tokens.length).toBeLessThanOrEqual(5);
    }
    const again = await run([
      'sample',
      '--checkpoint',
      out,
      '--prompt',
      '123+456=',
      '--n',
      '3',
      '--seed',
      '4',
      '--max-tokens',
      '5',
      '--kernels',
      'reference',
      '--json',
    ]);
    expect(again.stdout).toBe(sampled.stdout);

    const json = await run([
      'sample',
      '--checkpoint',
      out,
      '--prompt',
      '1+1=',
      '--json',
      '--temperature',
      '0',
      '--max-tokens',
      '2',
      '--kernels',
      'reference',
    ]);
    const record = JSON.parse(json.stdout);
    expect(record.logProbs.every((value: number) => value === 0)).toBe(true);
    expect(record.modelLogProbs).toHaveLength(record.tokens.length);
  });

  it('reports bad input with what to change', async () => {
    const unknown = await run([
      'train',
      '--task',
      'nope',
      '--steps',
      '1',
      '--out',
      join(folder, 'x'),
      ...quick,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown task family "nope"/);
    const steps = await run([
      'train',
      '--task',
      'addition',
      '--steps',
      'many',
      '--out',
      join(folder, 'x'),
    ]);
    expect(steps.code).not.toBe(0);
    expect(steps.stderr).toMatch(/expected a whole number ≥ 1, got "many"/);
    const heads = await run([
      'train',
      '--task',
      'addition',
      '--steps',
      '1',
      '--out',
      join(folder, 'x'),
      '--width',
      '10',
      '--heads',
      '4',
      ...quick,
    ]);
    expect(heads.stderr).toMatch(/width 10 is not divisible by heads 4/);
    const missing = await run(['sample', '--checkpoint', join(folder, 'none'), '--prompt', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/is not a checkpoint/);
    const notResumable = await run([
      'train',
      '--task',
      'addition',
      '--steps',
      '2',
      '--out',
      join(folder, 'none'),
      '--resume',
      ...quick,
    ]);
    expect(notResumable.stderr).toMatch(/is not a checkpoint/);
  });

  it('start runs the shipped quickstart experiment file', async () => {
    expect((await readFile(QUICKSTART_FILE, 'utf8')).length).toBeGreaterThan(0);
    const parsed = await parseExperimentFile(QUICKSTART_FILE);
    expect(parsed.experiments.map((experiment) => experiment.name)).toEqual(['ida', 'tampering']);
    const help = await run(['start', '--help']);
    expect(help.stdout).toContain('quickstart');
  });
});
