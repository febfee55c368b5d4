import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProposedStep } from '../spec/index.ts';
import { HUMAN_QUEUE_FILE_NAME, HumanQueue, MAX_NOTE_LENGTH } from './human-queue.ts';

const proposal: ProposedStep = {
  family: 'addition',
  question: 'What is 12+34?',
  kind: 'thought',
  previous: [],
  context: 'What is 12+34?',
  action: '2+4=6',
};

describe('human queue', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'overseer-queue-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('queues an item once, keeps it across reopening, and records who rated it and when', () => {
    const queue = HumanQueue.open(directory);
    const first = queue.enqueue({ id: 'a', label: 'arm', proposal }, '2025-01-31T12:00:00.000Z');
    expect(first).toMatchObject({ id: 'a', label: 'arm', position: 1, status: 'pending' });
    expect(first.rating).toBeUndefined();
    // Queuing the same id again (a restarted run) returns the stored item unchanged.
    const again = queue.enqueue({
      id: 'a',
      label: 'other',
      proposal: { ...proposal, action: 'x' },
    });
    expect(again).toEqual(first);
    queue.enqueue({ id: 'b', label: 'arm', proposal });
    expect(queue.counts()).toEqual({ pending: 2, rated: 0 });
    queue.close();

    const reopened = HumanQueue.openExisting(directory)!;
    const rated = reopened.rate(
      'a',
      { rating: -1, rater: '  ann  ', note: 'carries a one' },
      '2025-01-31T12:05:00.000Z',
    );
    expect(rated.status).toBe('rated');
    expect(rated.rating).toEqual({
      rating: -1,
      note: 'carries a one',
      rater: 'ann',
      ratedAt: '2025-01-31T12:05:00.000Z',
    });
    expect(reopened.list({ status: 'pending' }).map((item) => item.id)).toEqual(['b']);
    expect(reopened.list({ status: 'rated' }).map((item) => item.id)).toEqual(['a']);
    expect(reopened.list().map((item) => item.position)).toEqual([1, 2]);
    expect(reopened.get('a')?.proposal).toEqual(proposal);
    reopened.close();
  });

  it('rejects a second rating, unknown items, bad ratings, missing raters and long notes', () => {
    const queue = HumanQueue.open(directory);
    queue.enqueue({ id: 'a', label: 'l', proposal });
    queue.rate('a', { rating: 1, rater: 'ann' });
    expect(() => queue.rate('a', { rating: 0, rater: 'bob' })).toThrow(/already rated by ann/);
    expect(() => queue.rate('zz', { rating: 0, rater: 'bob' })).toThrow(/no queued step "zz"/);
    queue.enqueue({ id: 'b', label: 'l', proposal });
    expect(() => queue.rate('b', { rating: 2 as 1, rater: 'bob' })).toThrow(/-1, 0 or 1, got 2/);
    expect(() => queue.rate('b', { rating: 1, rater: '  ' })).toThrow(/say who rates/);
    expect(() =>
      queue.rate('b', { rating: 1, rater: 'bob', note: 'x'.repeat(MAX_NOTE_LENGTH + 1) }),
    ).toThrow(/at most/);
    expect(queue.get('b')?.status).toBe('pending');
    queue.close();
  });

  it('is absent until created, and refuses a file that is not a queue', () => {
    expect(HumanQueue.openExisting(directory)).toBeUndefined();
    writeFileSync(join(directory, HUMAN_QUEUE_FILE_NAME), 'not a database at all, just text');
    expect(() => HumanQueue.open(directory)).toThrow(/not a readable human queue/);
    const file = join(directory, 'plain-file');
    writeFileSync(file, '');
    expect(() => HumanQueue.open(file)).toThrow(/is a file, not a store directory/);
  });
});
