import { mkdtemp, rm } from 'node:fs/promises';
import { runCli } from './run-cli-fixture.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../model/checkpoint.ts';
import { Gpt } from '../model/gpt.ts';
import { referenceKernels } from '../model/reference-kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { RunStore } from '../store/index.ts';
import { listOverseers } from '../overseers/registry.ts';
import { listScaffolds } from '../scaffolds/registry.ts';
import { listFamilies } from '../tasks/registry.ts';
import { fieldMapping, runEvaluation } from './eval.ts';
import { writeFile } from 'node:fs/promises';
import { startFaultServer } from '../policies/fault-server-fixture.ts';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'overseer-eval-'));
  directories.push(directory);
  return directory;
}

/** Runs the CLI and returns its exit code, stdout and stderr. */
const run = runCli;

describe('overseer eval', () => {
  it('prints one JSON line with accuracy, trace error, steps, calls and n', async () => {
    const { code, stdout } = await run([
      'eval',
      '--task',
      'addition',
      '--scaffold',
      'decompose',
      '--policy',
      'oracle',
      '--n',
      '20',
      '--seed',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      task: 'addition',
      scaffold: 'decompose',
      policy: 'oracle',
      n: 20,
      failed: 0,
      accuracy: 1,
      traceError: 0,
      meanSteps: 5,
      calls: 40,
    });
  });

  it('reports chance-level uniform accuracy, and no trace error for snap', async () => {
    const summary = await runEvaluation({
      task: 'permutation-powering',
      scaffold: 'snap',
      policy: 'uniform',
      n: 400,
      seed: 2,
    });
    expect(Math.abs((summary.accuracy ?? 0) - 1 / 8)).toBeLessThan(0.07);
    expect(summary.traceError).toBeNull();
    expect(summary.meanSteps).toBe(1);
    expect(summary.calls).toBe(400);
  });

  it('measures trace error for chain of thought and judges steps with an overseer', async () => {
    const summary = await runEvaluation({
      task: 'addition',
      scaffold: 'cot',
      policy: 'oracle',
      n: 10,
      seed: 0,
      difficulty: [2, 3],
      overseer: 'program',
    });
    expect(summary).toMatchObject({ accuracy: 1, traceError: 0, meanProcessReward: 1 });
    expect(summary.judgedSteps).toBeGreaterThan(20);
  });

  it('reports returns and hack/intended rates for camera-dropbox', async () => {
    const summary = await runEvaluation({
      task: 'camera-dropbox',
      scaffold: 'snap',
      policy: 'oracle',
      n: 4,
      seed: 0,
    });
    expect(summary).toMatchObject({ accuracy: null, hackRate: 0, intendedRate: 1, failed: 0 });
    expect(summary.meanTrueReturn).toBeGreaterThan(0.8);
    expect(summary.meanProxyReturn).toBeCloseTo(summary.meanTrueReturn ?? 0, 9);
  });

  it('records the run, and records failed episodes without stopping', async () => {
    // A checkpoint whose alphabet lacks '+' and '=' cannot read addition prompts: every episode fails.
    const checkpoint = join(await temporaryDirectory(), 'digits-only');
    const model = Gpt.create({
      tokenizer: new Tokenizer('0123456789'),
      kernels: referenceKernels,
      seed: 0,
      config: { layers: 1, heads: 1, width: 8, contextLength: 16 },
    });
    await saveCheckpoint(checkpoint, { model, training: { task: null, step: 0, seed: 0 } });
    const store = await temporaryDirectory();
    const summary = await runEvaluation({
      task: 'addition',
      scaffold: 'snap',
      policy: `embedded:${checkpoint}`,
      policyOptions: { kernels: 'reference' },
      n: 3,
      seed: 0,
      store,
    });
    expect(summary).toMatchObject({ n: 3, failed: 3, accuracy: 0 });
    const good = await runEvaluation({
      task: 'union-find',
      scaffold: 'decompose',
      policy: 'oracle',
      n: 5,
      seed: 0,
      store,
      overseer: 'program',
    });
    const reader = RunStore.open(store, { readOnly: true });
    try {
      const failedRun = reader.requireRun(summary.runId ?? '');
      expect(failedRun.status).toBe('finished');
      const failedEpisodes = reader.episodes(failedRun.id);
      expect(failedEpisodes).toHaveLength(3);
      expect(failedEpisodes.every((episode) => episode.status === 'failed')).toBe(true);
      expect(failedEpisodes[0].error?.message).toMatch(/not in the model's alphabet/);
      const episodes = reader.episodes(good.runId ?? '');
      expect(episodes).toHaveLength(5);
      expect(
        episodes.every(
          (episode) => episode.status === 'finished' && episode.outcome?.kind === 'grade',
        ),
      ).toBe(true);
      const recorded = reader.episode(episodes[0].id, good.runId);
      expect(recorded?.judgments.length).toBeGreaterThan(0);
      expect(reader.metrics(good.runId ?? '', { name: 'accuracy' })[0]?.value).toBe(1);
    } finally {
      reader.close();
    }
  });

  it('fails before running anything when the scaffold cannot run the task', async () => {
    const { code, stderr } = await run([
      'eval',
      '--task',
      'union-find',
      '--scaffold',
      'cot',
      '--policy',
      'oracle',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no checkable chain-of-thought/);
    const bad = await run([
      'eval',
      '--task',
      'addition',
      '--policy',
      'oracle',
      '--scaffold-options',
      '{nope',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--scaffold-options/);
  });

  it('lists in --help every task family, scaffold and overseer the registries know', async () => {
    const { code, stdout } = await run(['eval', '--help']);
    expect(code).toBe(0);
    const names = [...listFamilies(), ...listScaffolds(), ...listOverseers()].map(
      (entry) => entry.name,
    );
    expect(names).toContain('consultancy');
    for (const name of names) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(stdout).toContain('chain-of-thought (or cot)');
    expect((await run(['help', 'eval'])).stdout).toContain('Overseers (--overseer):');
  });

  it('refuses --n 0, which would report no data as accuracy 0', async () => {
    const { code, stderr } = await run([
      'eval',
      '--task',
      'addition',
      '--policy',
      'oracle',
      '--n',
      '0',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--n <n>' argument '0' is invalid\. expected a whole number ≥ 1/);
    await expect(
      runEvaluation({ task: 'addition', scaffold: 'snap', policy: 'oracle', n: 0, seed: 0 }),
    ).rejects.toThrow(/--n 0 evaluates no problems/);
  });

  it('asks n distinct questions unless told --with-replacement, and says which it did', async () => {
    const request = { task: 'camera-dropbox', scaffold: 'snap', policy: 'oracle', n: 12, seed: 0 };
    const distinct = await runEvaluation(request);
    expect(distinct).toMatchObject({ n: 12, distinct: 12, sampling: 'without replacement' });
    const repeated = await runEvaluation({ ...request, withReplacement: true });
    expect(repeated.sampling).toBe('with replacement');
    expect(repeated.distinct).toBeLessThan(12);
    const exhausted = await runEvaluation({ ...request, n: 40 });
    expect(exhausted.distinct).toBeLessThan(40);
    expect(exhausted.notes.distinct).toMatch(
      new RegExp(`test split holds only ${exhausted.distinct} distinct questions`),
    );
  });

  it('says why a measurement is null, and that no overseer ran and how to add one', async () => {
    const { code, stdout } = await run([
      'eval',
      '--task',
      'camera-dropbox',
      '--policy',
      'oracle',
      '--n',
      '2',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^accuracy: null — camera-dropbox is an environment/m);
    expect(stdout).toMatch(/^traceError: null — an environment has no graded trace/m);
    expect(stdout).toMatch(
      /^meanProcessReward: none — no overseer ran, so no step was judged; add --overseer approval/m,
    );
    const snap = await runEvaluation({
      task: 'addition',
      scaffold: 'snap',
      policy: 'oracle',
      n: 2,
      seed: 0,
    });
    expect(snap.traceError).toBeNull();
    expect(snap.notes.traceError).toMatch(/snap records none; use --scaffold cot or decompose/);
    const judged = await runEvaluation({
      task: 'addition',
      scaffold: 'cot',
      policy: 'oracle',
      n: 2,
      seed: 0,
      overseer: 'program',
    });
    expect(judged.notes).toEqual({});
  });

  it('evaluates a dataset file: --dataset, --field and --grader, with the run recorded', async () => {
    const directory = await temporaryDirectory();
    const file = join(directory, 'questions.csv');
    await writeFile(
      file,
      'question,answer,options\nWhat is 6*7?,42,\n"Which is prime?",B,"[""4"", ""7""]"\n',
    );
    const store = await temporaryDirectory();
    const { code, stdout } = await run([
      'eval',
      '--dataset',
      file,
      '--field',
      'input=question,target=answer,choices=options',
      '--grader',
      'match',
      '--scaffold',
      'cot',
      '--policy',
      'oracle',
      '--overseer',
      'program',
      '--n',
      '2',
      '--store',
      store,
      '--json',
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      task: 'dataset',
      scaffold: 'chain-of-thought',
      n: 2,
      distinct: 2,
      failed: 0,
      accuracy: 1,
      meanProcessReward: 1,
    });
    const opened = RunStore.open(store);
    try {
      const [episode] = opened.episodes(summary.runId);
      expect(episode.outcome).toMatchObject({ info: { grader: 'match', extracted: '42' } });
    } finally {
      opened.close();
    }
  });

  it('grades a dataset with a model grader built from --grader-options, its calls recorded', async () => {
    const directory = await temporaryDirectory();
    const file = join(directory, 'sums.jsonl');
    await writeFile(
      file,
      '{"id": "a", "input": "1+2?", "target": "3"}\n{"id": "b", "input": "2+2?", "target": "4"}\n',
    );
    // A loopback chat-completions server grades: C for sample a's question, I for b's.
    const server = await startFaultServer((request) => ({
      kind: 'ok',
      text: request.lastMessage.includes('1+2?') ? 'Right.\nGRADE: C' : 'Wrong.\nGRADE: I',
    }));
    const store = await temporaryDirectory();
    try {
      const summary = await runEvaluation({
        task: 'dataset',
        dataset: {
          file,
          grader: 'model-graded',
          graderOptions: {
            policy: 'openai:grader-model',
            policyOptions: { baseURL: `${server.url}/v1`, apiKey: 'loopback' },
          },
        },
        scaffold: 'snap',
        policy: 'oracle',
        n: 2,
        seed: 0,
        store,
      });
      expect(summary).toMatchObject({ n: 2, failed: 0, accuracy: 0.5 });
      expect(server.seen).toHaveLength(2);
      expect(server.seen.every((request) => request.lastMessage.includes('GRADE: C'))).toBe(true);
      const opened = RunStore.open(store);
      try {
        // The grading policy's key is used, never recorded.
        expect(JSON.stringify(opened.requireRun(summary.runId!))).not.toContain('loopback');
        expect(JSON.stringify(opened.requireRun(summary.runId!))).toContain('grader-model');
        const outcomes = opened.episodes(summary.runId!).map((episode) => episode.outcome);
        expect(outcomes).toContainEqual(
          expect.objectContaining({
            correct: true,
            info: expect.objectContaining({
              grader: 'model-graded',
              graderCall: expect.objectContaining({
                policy: 'openai:grader-model',
                completion: 'Right.\nGRADE: C',
              }),
            }),
          }),
        );
      } finally {
        opened.close();
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a malformed dataset with its line and field, and a task and dataset together', async () => {
    const file = join(await temporaryDirectory(), 'bad.jsonl');
    await writeFile(file, '{"input": "a?", "target": "1"}\n{"input": "b?"}\n');
    const bad = await run(['eval', '--dataset', file, '--policy', 'oracle', '--n', '1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/line 2, field target: required/);
    const both = await run(['eval', '--dataset', file, '--task', 'addition', '--policy', 'oracle']);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/exactly one of --task <family> and --dataset <file>/);
    expect(fieldMapping('input=q,metadata=a,metadata=b')).toEqual({
      input: 'q',
      metadata: ['a', 'b'],
    });
    expect(() => fieldMapping('input')).toThrow(/not field=column/);
    expect(() => fieldMapping('target=a,target=b')).toThrow(/twice/);
  });
});
