/**
 * Deterministic episodes for the store's tests: the same key always gives the same episode, so a
 * test can check what it reads back against what must have been written, byte for byte.
 */
import type { Episode, Judgment, Outcome, Step } from '../spec/index.ts';
import type { RecordedEpisode } from './records.ts';

/** A small seeded generator (mulberry32): deterministic across runs and processes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  }
  return value >>> 0;
}

/** The resume key of the `index`-th episode of a fixture run. */
export function fixtureKey(index: number): string {
  return `episode-${String(index).padStart(4, '0')}`;
}

/**
 * A finished chain-of-thought episode for `key`: a root question, `thoughts` lines and an
 * answer, every line judged, graded against the reference answer. Texts include quotes,
 * newlines and non-ASCII so a store or export that concatenates strings would show it.
 */
export function fixtureEpisode(
  runId: string,
  key: string,
  options: { maxThoughts?: number; lineLength?: number } = {},
): RecordedEpisode {
  const random = seededRandom(hash(key));
  const thoughts = 1 + Math.floor(random() * (options.maxThoughts ?? 12));
  const lineLength = options.lineLength ?? 120;
  const time = (offset: number) => new Date(Date.UTC(2025, 0, 31, 12, 0, 0) + offset).toISOString();
  const question = `${key}: what is "${Math.floor(random() * 1000)}+${Math.floor(random() * 1000)}"?`;
  const line = (index: number) =>
    `step ${index} of ${key} — "quoted", {"json":true}\nnext\u2028line ${'x'.repeat(
      Math.floor(random() * lineLength),
    )}`;
  const steps: Step[] = [
    {
      id: 'root',
      parentId: null,
      kind: 'question',
      index: 0,
      input: question,
      output: 'final',
      producer: 'policy',
      timing: { startedAt: time(0), durationMs: 1 },
      cost: { calls: 1, inputTokens: 10, outputTokens: 2 },
      metadata: {},
    },
  ];
  for (let index = 0; index < thoughts; index += 1) {
    steps.push({
      id: `t${index}`,
      parentId: 'root',
      kind: 'thought',
      index,
      input: question,
      output: line(index),
      producer: 'policy',
      timing: { startedAt: time(index + 1), durationMs: 1 },
      cost: { calls: 1, inputTokens: 10, outputTokens: 10 },
      metadata: { logProbability: -random() },
    });
  }
  steps.push({
    id: 'answer',
    parentId: 'root',
    kind: 'answer',
    index: thoughts,
    input: '',
    output: 'final',
    producer: 'policy',
    timing: { startedAt: time(thoughts + 1), durationMs: 1 },
    cost: { calls: 1, inputTokens: 10, outputTokens: 1 },
    metadata: {},
  });
  const judgments = steps.slice(1).map((step) => {
    // `+ 0` turns -0 into 0, which is what JSON gives back.
    const score = Math.round((random() * 2 - 1) * 100) / 100 + 0;
    const judgment: Judgment = {
      score,
      rating: score > 0.3 ? 1 : score < -0.3 ? -1 : 0,
      rationale: `checked ${step.id}`,
      overseer: { name: 'program', options: {} },
      method: 'program',
    };
    return { stepId: step.id, judgment, time: time(thoughts + 2) };
  });
  const correct = random() < 0.5;
  const outcome: Outcome = {
    kind: 'grade',
    answer: 'final',
    expected: correct ? 'final' : 'other',
    correct,
    reward: correct ? 1 : 0,
    info: {},
  };
  const episode: Episode = {
    id: key,
    problem: {
      id: `fixture/train/1/${key}`,
      family: 'fixture',
      question,
      answer: correct ? 'final' : 'other',
      difficulty: 1,
      split: 'train',
      metadata: {},
    },
    scaffold: { name: 'chain-of-thought', options: {} },
    policy: { name: 'scripted', options: {} },
    status: 'finished',
    steps,
    answer: 'final',
    startedAt: time(0),
    finishedAt: time(thoughts + 3),
  };
  return { runId, iteration: 0, episode, judgments, outcome };
}
