import { describe, expect, it } from 'vitest';
import { OverseerError } from '../errors.ts';
import {
  Episode,
  ErrorRecord,
  Judgment,
  Outcome,
  Problem,
  ProposedStep,
  RegistryReference,
  Run,
  RunEvent,
  SPEC_VERSION,
  Step,
  toErrorRecord,
  trueRewardOf,
} from './index.ts';

const time = '2025-01-31T12:00:00.000Z';
const timing = { startedAt: time, durationMs: 3 };
const cost = { calls: 1, inputTokens: 8, outputTokens: 3 };
const reference = { name: 'addition', options: { digits: 3 } };

const problem: Problem = {
  id: 'addition/train/3/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'train',
  metadata: {},
};

const steps: Step[] = [
  {
    id: 's0',
    parentId: null,
    kind: 'question',
    index: 0,
    input: 'Pa,3',
    output: 'c',
    producer: 'policy',
    timing,
    cost,
    metadata: {},
  },
  {
    id: 's1',
    parentId: 's0',
    kind: 'subquestion',
    index: 0,
    input: 'Pa,1',
    output: 'b',
    producer: 'expert',
    timing,
    cost,
    metadata: { memo: true },
  },
  {
    id: 's2',
    parentId: 's0',
    kind: 'answer',
    index: 1,
    input: '',
    output: 'c',
    producer: 'policy',
    timing,
    cost,
    metadata: {},
  },
];

const episode: Episode = {
  id: 'e1',
  problem,
  scaffold: { name: 'decompose', options: { maxDepth: 4 } },
  policy: { name: 'embedded:tiny', options: {} },
  status: 'finished',
  steps,
  answer: 'c',
  startedAt: time,
  finishedAt: time,
};

const judgment: Judgment = {
  score: -0.5,
  rating: -1,
  rationale: 'carry dropped',
  overseer: { name: 'debate', options: { rounds: 2 } },
  method: 'debate',
  transcript: [
    { speaker: 'debater-a', position: '579', text: 'column 1 has no carry' },
    { speaker: 'judge', text: 'a wins' },
  ],
  durationMs: 12,
  cost,
};

const grade: Outcome = {
  kind: 'grade',
  answer: '579',
  expected: '579',
  correct: true,
  reward: 1,
  info: {},
};
const environmentReturn: Outcome = {
  kind: 'return',
  reward: 1.9,
  trueReward: -0.1,
  length: 10,
  terminated: true,
  truncated: false,
  classification: 'hack',
  info: { boxesInHole: 2 },
};

const events: RunEvent[] = [
  { type: 'run-started', runId: 'r', time, specVersion: SPEC_VERSION, config: { seed: 1 } },
  { type: 'iteration-started', runId: 'r', time, iteration: 0 },
  {
    type: 'episode-started',
    runId: 'r',
    time,
    episodeId: 'e1',
    iteration: 0,
    problem,
    scaffold: reference,
    policy: reference,
  },
  { type: 'step-proposed', runId: 'r', time, episodeId: 'e1', step: steps[1] },
  { type: 'step-judged', runId: 'r', time, episodeId: 'e1', stepId: 's1', judgment },
  {
    type: 'episode-finished',
    runId: 'r',
    time,
    episodeId: 'e1',
    answer: '579',
    outcome: grade,
    cost,
  },
  {
    type: 'episode-failed',
    runId: 'r',
    time,
    episodeId: 'e2',
    error: { name: 'OverseerError', code: 'policy.timeout', message: 'timed out' },
  },
  {
    type: 'metric',
    runId: 'r',
    time,
    name: 'trace-error',
    value: 0.1,
    step: 5,
    split: 'test',
    tags: { family: 'addition' },
  },
  { type: 'checkpoint-saved', runId: 'r', time, path: 'checkpoints/5', step: 5 },
  { type: 'iteration-finished', runId: 'r', time, iteration: 0 },
  { type: 'run-finished', runId: 'r', time, summary: { accuracy: 0.9 } },
  { type: 'run-failed', runId: 'r', time, error: { name: 'Error', message: 'disk full' } },
];

/** Parsing a valid record, and parsing it again after a trip through JSON, gives it back. */
function roundTrips<T>(schema: { parse(value: unknown): T }, value: T): void {
  expect(schema.parse(value)).toEqual(value);
  expect(schema.parse(JSON.parse(JSON.stringify(value)))).toEqual(value);
}

describe('spec', () => {
  it('has a positive integer version', () => {
    expect(Number.isInteger(SPEC_VERSION) && SPEC_VERSION > 0).toBe(true);
  });

  it('round-trips every record kind', () => {
    roundTrips(Problem, problem);
    roundTrips(Episode, episode);
    roundTrips(Judgment, judgment);
    roundTrips(Outcome, grade);
    roundTrips(Outcome, environmentReturn);
    for (const event of events) roundTrips(RunEvent, event);
    roundTrips(Run, {
      id: 'r',
      specVersion: SPEC_VERSION,
      status: 'failed',
      config: { task: reference },
      startedAt: time,
      error: { name: 'Error', message: 'x' },
    });
    roundTrips(ProposedStep, {
      family: 'addition',
      question: '123+456',
      kind: 'thought',
      previous: [{ kind: 'thought', text: '3+6+0=09' }],
      context: '123+456:3+6+0=09\n',
      action: '2+5+0=07',
      justification: 'no carry from the first column',
    });
  });

  it('fills defaults where YAML or callers may omit fields', () => {
    expect(RegistryReference.parse({ name: 'snap' })).toEqual({ name: 'snap', options: {} });
    const { metadata: _metadata, ...bare } = problem;
    expect(Problem.parse(bare).metadata).toEqual({});
    const { cost: _cost, metadata: _stepMetadata, ...bareStep } = steps[0];
    expect(Step.parse(bareStep).cost).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0 });
  });

  it('rejects scores and ratings out of range', () => {
    expect(Judgment.safeParse({ ...judgment, score: 1.5 }).success).toBe(false);
    expect(Judgment.safeParse({ ...judgment, score: -1.01 }).success).toBe(false);
    expect(Judgment.safeParse({ ...judgment, rating: 2 }).success).toBe(false);
    expect(Judgment.safeParse({ ...judgment, rating: 0.5 }).success).toBe(false);
    expect(Judgment.safeParse({ ...judgment, method: 'vibes' }).success).toBe(false);
  });

  it('rejects unknown keys, naming them', () => {
    const result = Problem.safeParse({ ...problem, answr: '579' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('answr');
    expect(RegistryReference.safeParse({ name: 'x', option: {} }).success).toBe(false);
    expect(RegistryReference.safeParse({ name: '' }).success).toBe(false);
  });

  it('rejects episodes that are not trees', () => {
    const orphan = { ...steps[1], id: 's9', parentId: 'nowhere' };
    expect(Episode.safeParse({ ...episode, steps: [...steps, orphan] }).success).toBe(false);
    const secondRoot = { ...steps[0], id: 's9' };
    expect(Episode.safeParse({ ...episode, steps: [...steps, secondRoot] }).success).toBe(false);
    const duplicate = { ...steps[2] };
    expect(Episode.safeParse({ ...episode, steps: [...steps, duplicate] }).success).toBe(false);
    const childFirst = [steps[1], steps[0], steps[2]];
    expect(Episode.safeParse({ ...episode, steps: childFirst }).success).toBe(false);
    expect(Episode.safeParse({ ...episode, status: 'failed' }).success).toBe(false);
  });

  it('rejects bad events and outcomes', () => {
    expect(RunEvent.safeParse({ type: 'episode-paused', runId: 'r', time }).success).toBe(false);
    expect(RunEvent.safeParse({ ...events[5], outcome: undefined }).success).toBe(false);
    expect(RunEvent.safeParse({ ...events[0], time: 'yesterday' }).success).toBe(false);
    expect(Outcome.safeParse({ ...grade, kind: 'score' }).success).toBe(false);
    expect(Outcome.safeParse({ ...environmentReturn, length: -1 }).success).toBe(false);
    expect(
      ProposedStep.safeParse({
        family: 'a',
        question: 'q',
        kind: 'question',
        context: '',
        action: '',
      }).success,
    ).toBe(false);
  });

  it('reads the true reward where it differs from the proxy', () => {
    expect(trueRewardOf(environmentReturn)).toBe(-0.1);
    expect(trueRewardOf(grade)).toBe(1);
  });

  it('records errors with their code and hint', () => {
    const record = toErrorRecord(new OverseerError('task.unknown', 'no such task', { hint: 'h' }));
    expect(ErrorRecord.parse(record)).toMatchObject({
      name: 'OverseerError',
      code: 'task.unknown',
      hint: 'h',
      message: 'no such task',
    });
    expect(toErrorRecord('boom')).toEqual({ name: 'Error', message: 'boom' });
  });
});
