import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFamily } from '../tasks/registry.ts';
import { amplifyEpisodeId, rolloutEpisodePrefix, roundNumber } from './episode-ids.ts';
import { chunkSizes } from './loop/distill.ts';
import { loopTrainer } from './loop/setup.ts';
import { checkDemonstrations, makeDemonstrations } from './run-demonstrations.ts';
import { TimeLeft, createProgress, formatDuration } from './run-progress.ts';
import {
  RUN_STATE_FILE,
  fingerprint,
  pendingUnit,
  readRunState,
  writeFileAtomic,
  writeRunState,
} from './run-state.ts';
import { planRun } from './run.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overseer-run-parts-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run state', () => {
  it('fingerprints data regardless of key order', () => {
    expect(fingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      fingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }),
    );
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });

  it('writes atomically and reads back what it wrote', async () => {
    const directory = join(root, 'state');
    const state = {
      version: 1 as const,
      fingerprint: 'abc',
      runId: 'run-1',
      store: '/tmp/store',
      source: 'x.yaml',
      createdAt: new Date(0).toISOString(),
      units: [pendingUnit('ida', 'supervised', 1)],
    };
    await writeRunState(directory, state);
    expect(await readRunState(directory)).toEqual(state);
    // No temporary file is left next to it.
    expect(await readdir(directory)).toEqual([RUN_STATE_FILE]);
    await writeFileAtomic(join(directory, 'other.txt'), 'hello');
    expect(await readFile(join(directory, 'other.txt'), 'utf8')).toBe('hello');
  });

  it('numbers rounds from 1 in new runs and keeps an old run directory’s numbering', async () => {
    const fresh = pendingUnit('ida', 'supervised', 1);
    expect(amplifyEpisodeId(fresh.key, roundNumber(fresh.firstRound, 0), 0)).toBe(
      'ida/supervised/s1/round1/amplify/0',
    );
    // A run-state.json written before ids counted from 1 has no firstRound: its rounds stay 0-based.
    const directory = join(root, 'old-numbering');
    const { firstRound: _, ...old } = fresh;
    const state = {
      version: 1,
      fingerprint: 'abc',
      runId: 'run-1',
      store: '/tmp/store',
      source: 'x.yaml',
      createdAt: new Date(0).toISOString(),
      units: [{ ...old, roundsDone: 1 }],
    };
    await writeFileAtomic(join(directory, RUN_STATE_FILE), JSON.stringify(state));
    const [unit] = (await readRunState(directory))!.units;
    expect(unit.firstRound).toBe(0);
    expect(rolloutEpisodePrefix(unit.key, roundNumber(unit.firstRound, 1), 2)).toBe(
      'ida/supervised/s1/round1/rollout/u2',
    );
  });

  it('reads nothing from an empty directory and rejects a damaged state', async () => {
    expect(await readRunState(join(root, 'nothing-here'))).toBeUndefined();
    const directory = join(root, 'damaged');
    await writeFileAtomic(join(directory, RUN_STATE_FILE), '{"version": 1, "units": 3}');
    await expect(readRunState(directory)).rejects.toMatchObject({ code: 'run.state-invalid' });
    await writeFileAtomic(join(directory, RUN_STATE_FILE), '{not json');
    await expect(readRunState(directory)).rejects.toMatchObject({ code: 'run.state-invalid' });
  });
});

describe('progress', () => {
  it('estimates the time left kind by kind', () => {
    let time = 0;
    const left = new TimeLeft(
      [
        { kind: 'imitation', steps: 100, done: 0 },
        { kind: 'rl', steps: 10, done: 0 },
      ],
      () => time,
    );
    expect(left.secondsLeft()).toBeNaN();
    left.switchTo('imitation');
    time += 1000; // 50 imitation steps in 1 s
    left.advance(50);
    // The unseen kind goes at the mean pace of those seen: 60 steps × 0.02 s.
    expect(left.secondsLeft()).toBeCloseTo(1.2);
    left.advance(50);
    left.switchTo('rl');
    time += 5000; // one RL step in 5 s
    left.advance(1);
    expect(left.secondsLeft()).toBeCloseTo(9 * 5);
    // Steps that took no time here do not make the estimate faster.
    left.advance(4, false);
    expect(left.secondsLeft()).toBeCloseTo(5 * 5);
  });

  it('prints plain lines at every round and at most every interval in between', () => {
    let time = 0;
    const lines: string[] = [];
    const stream = { write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const progress = createProgress({
      mode: 'lines',
      stream,
      lineIntervalMs: 10_000,
      now: () => time,
    });
    progress.start([{ kind: 'k', steps: 20, done: 5 }]);
    progress.at({ unit: 'ida/supervised seed 1', round: 0, rounds: 2, phase: 'distill' }, 'k');
    time += 1000;
    progress.advance(1);
    time += 10_000;
    progress.advance(1);
    progress.at({ unit: 'ida/supervised seed 1', round: 0, rounds: 2, phase: 'evaluate' }, 'k');
    progress.at({ unit: 'ida/supervised seed 1', round: 1, rounds: 2, phase: 'distill' }, 'k');
    progress.log('done');
    expect(lines).toEqual([
      '[ 25%] ida/supervised seed 1 · round 1/2 · distill · 5/20 steps · … left\n',
      '[ 35%] ida/supervised seed 1 · round 1/2 · distill · 7/20 steps · 1m 12s left\n',
      '[ 35%] ida/supervised seed 1 · round 2/2 · distill · 7/20 steps · 1m 12s left\n',
      'done\n',
    ]);
  });

  it('says nothing in quiet mode', () => {
    const lines: string[] = [];
    const stream = { write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const progress = createProgress({ mode: 'quiet', stream });
    progress.start([{ kind: 'k', steps: 2, done: 0 }]);
    progress.at({ unit: 'u', round: 0, rounds: 1, phase: 'distill' }, 'k');
    progress.advance(2);
    progress.log('hello');
    progress.stop();
    expect(lines).toEqual([]);
  });

  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(190)).toBe('3m 10s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(Number.NaN)).toBe('…');
  });
});

describe('the loop’s pieces', () => {
  it('splits a round at evaluation points', () => {
    expect(chunkSizes(10, 0)).toEqual([10]);
    expect(chunkSizes(10, 4)).toEqual([4, 4, 2]);
    expect(chunkSizes(10, 10)).toEqual([10]);
  });

  it('gives trainers the loop’s values only where they have such an option', () => {
    const values = { lambda: 0.5, credit: 'myopic', gamma: 1, steps: 7, updates: 7, iterations: 7 };
    const imitation = loopTrainer({ name: 'imitation', options: { learningRate: 0.01 } }, values);
    expect(imitation.reference.options).toMatchObject({ steps: 7, learningRate: 0.01 });
    expect(imitation.reference.options).not.toHaveProperty('lambda');
    const rl = loopTrainer({ name: 'outcome-rl', options: {} }, values);
    expect(rl.reference.options).toMatchObject({ updates: 7, lambda: 0.5, credit: 'myopic' });
    const iteration = loopTrainer({ name: 'expert-iteration', options: {} }, values);
    expect(iteration.reference.options).toMatchObject({ iterations: 7, lambda: 0.5 });
  });

  it('makes demonstrations and refuses a source that does not fit the task', () => {
    const dropbox = getFamily('camera-dropbox', { stepLimit: 25 });
    const pairs = makeDemonstrations(
      { name: 'mixed-experts', options: { proxyShare: 1 } },
      dropbox,
      { seed: 1, count: 40, format: 'snap' },
    );
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((pair) => 'UDLR'.includes(pair.completion))).toBe(true);
    const addition = getFamily('addition', {});
    const traces = makeDemonstrations(
      { name: 'noisy-traces', options: { corrupted: 1 } },
      addition,
      { seed: 1, count: 5, format: 'chain-of-thought', difficulty: 2 },
    );
    expect(traces).toHaveLength(5);
    expect(() =>
      checkDemonstrations({ name: 'mixed-experts', options: {} }, addition, 'snap'),
    ).toThrow(/camera-dropbox/);
    expect(() =>
      checkDemonstrations({ name: 'noisy-traces', options: { wrong: 1 } }, addition, 'snap'),
    ).toThrow(/bad options/);
    expect(() => checkDemonstrations({ name: 'nope', options: {} }, addition, 'snap')).toThrow(
      /unknown pretrain.demonstrations/,
    );
  });

  it('drops the carry from every carried column of a corrupted trace, answer copied or followed', () => {
    const addition = getFamily('addition', {});
    const make = (followWrong: number) =>
      makeDemonstrations(
        { name: 'noisy-traces', options: { corrupted: 1, followWrong, mistake: 'dropped-carry' } },
        addition,
        { seed: 3, count: 60, format: 'chain-of-thought', difficulty: 3 },
      );
    let carried = 0;
    for (const [copied, followed] of make(0).map((pair, i) => [pair, make(1)[i]] as const)) {
      const [a, b] = copied.prompt
        .replace(/[^\d+]/g, '')
        .split('+')
        .map(Number);
      const lines = copied.completion.split('\n').filter((line) => /=\d\d$/.test(line));
      expect(lines).toHaveLength(3);
      let carry = 0;
      let spelled = '';
      let lastCarry = 0;
      lines.forEach((line, column) => {
        const x = Math.floor(a / 10 ** column) % 10;
        const y = Math.floor(b / 10 ** column) % 10;
        const written = (x + y + carry) % 10;
        const dropped = carry === 1 ? (x + y) % 10 : written;
        expect(line).toBe(`${x}+${y}+${carry}=${Math.floor((x + y + carry) / 10)}${dropped}`);
        if (carry === 1) carried += 1;
        spelled = String(dropped) + spelled;
        lastCarry = Math.floor((x + y + carry) / 10);
        carry = lastCarry;
      });
      // followWrong 0: the right answer, copied; followWrong 1: what the wrong lines spell.
      expect(copied.completion.endsWith(String(a + b))).toBe(true);
      expect(followed.completion.endsWith(String(Number(`${lastCarry}${spelled}`)))).toBe(true);
    }
    expect(carried).toBeGreaterThan(10);
  });

  it('refuses to start a run whose arm cannot be built', async () => {
    const file = join(root, 'misfit.yaml');
    await writeFile(
      file,
      `name: misfit
task: { name: camera-dropbox }
scaffold: { name: snap }
overseer: { name: approval }
trainer: { name: process-rl }
stepsPerRound: 1
pretrain: { steps: 5, demonstrations: { name: noisy-traces } }
`,
    );
    await expect(planRun(file)).rejects.toMatchObject({ code: 'run.invalid-arm' });
  });
});
