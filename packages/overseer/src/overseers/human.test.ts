import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Judgment } from '../spec/index.ts';
import type { ProposedStep } from '../spec/index.ts';
import { HumanQueue } from '../store/human-queue.ts';
import { getFamily } from '../tasks/registry.ts';
import { humanOverseer, queueItemId } from './human.ts';
import { createOverseer } from './registry.ts';

const step: ProposedStep = {
  family: 'permutation-powering',
  question: 'P6g',
  kind: 'subquestion',
  previous: [],
  context: 'P6g',
  action: 'P3g',
  justification: 'halve the power',
};

/** Rates the first pending item as soon as it appears (the person at the viewer). */
async function rateWhenQueued(directory: string, rating: -1 | 0 | 1, note = ''): Promise<string> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const queue = HumanQueue.openExisting(directory);
    const item = queue?.list({ status: 'pending' })[0];
    if (queue !== undefined && item !== undefined) {
      queue.rate(item.id, { rating, rater: 'ann', note });
      queue.close();
      return item.id;
    }
    queue?.close();
    await sleep(10);
  }
  throw new Error('nothing was queued');
}

describe('human overseer', () => {
  let store: string;
  beforeEach(() => {
    store = mkdtempSync(join(tmpdir(), 'overseer-human-'));
  });
  afterEach(() => rmSync(store, { recursive: true, force: true }));

  it('queues the step, waits for the rating, and returns it as a human judgment', async () => {
    const overseer = humanOverseer({ store, label: 'test', pollMilliseconds: 10 });
    const [judgment, itemId] = await Promise.all([
      overseer.judge(step),
      rateWhenQueued(store, 1, 'good split'),
    ]);
    expect(Judgment.parse(judgment)).toEqual(judgment);
    expect(judgment).toMatchObject({ score: 1, rating: 1, method: 'human' });
    expect(judgment.rationale).toMatch(/^rated \+1 by ann at \S+: good split$/);
    expect(judgment.overseer).toMatchObject({ name: 'human', options: { store, label: 'test' } });
    expect(itemId).toBe(queueItemId('test', step, 0));
    const queue = HumanQueue.openExisting(store)!;
    // The person saw the justification (shown by default) and nothing else of the episode.
    expect(queue.get(itemId)?.proposal).toEqual(step);
    queue.close();
  });

  it('hides the justification when told to, and shows an assistant’s rationale', async () => {
    const family = getFamily('permutation-powering', {});
    const overseer = createOverseer(
      'human',
      { store, showJustification: false, pollMilliseconds: 10, assistant: { name: 'program' } },
      { family },
    );
    expect(overseer.reference.options.assistant).toMatchObject({ name: 'program' });
    const [judgment] = await Promise.all([overseer.judge(step), rateWhenQueued(store, 0)]);
    expect(judgment.rating).toBe(0);
    const queue = HumanQueue.openExisting(store)!;
    const [item] = queue.list();
    expect(item.proposal.justification).toBeUndefined();
    expect(item.assistance?.overseer.name).toBe('program');
    expect(item.assistance?.rationale.length).toBeGreaterThan(0);
    queue.close();
  });

  it('fails after the timeout, and a rerun picks up the rating given meanwhile', async () => {
    const first = humanOverseer({ store, timeoutSeconds: 0.05, pollMilliseconds: 10 });
    await expect(first.judge(step)).rejects.toThrow(/no one rated queued step \w+ within 0.05 s/);
    const queue = HumanQueue.openExisting(store)!;
    const [item] = queue.list();
    queue.rate(item.id, { rating: -1, rater: 'ann' });
    queue.close();
    // A new process judging the same step finds the item and its rating at once.
    const rerun = humanOverseer({ store, timeoutSeconds: 0.05, pollMilliseconds: 10 });
    const judgment = await rerun.judge(step);
    expect(judgment.rating).toBe(-1);
    // The same step judged a second time in one run is a new item.
    await expect(rerun.judge(step)).rejects.toThrow(/within 0.05 s/);
    expect(HumanQueue.openExisting(store)!.counts()).toEqual({ pending: 1, rated: 1 });
  });

  it('judges 0 on a timeout when onTimeout is neutral', async () => {
    const overseer = humanOverseer({
      store,
      timeoutSeconds: 0.02,
      pollMilliseconds: 5,
      onTimeout: 'neutral',
    });
    const judgment = await overseer.judge(step);
    expect(judgment).toMatchObject({ score: 0, rating: 0, method: 'human' });
    expect(judgment.rationale).toMatch(/no rating within 0.02 s/);
  });

  it('is in the registry with strict options', () => {
    const family = getFamily('permutation-powering', {});
    expect(() => createOverseer('human', { timeout: 3 }, { family })).toThrow(/timeout/);
    expect(() => createOverseer('human', { timeoutSeconds: -1 }, { family })).toThrow(
      /timeoutSeconds/,
    );
    expect(() => humanOverseer({ store, assistant: { name: 'program' } })).toThrow(
      /needs the registry/,
    );
  });
});
