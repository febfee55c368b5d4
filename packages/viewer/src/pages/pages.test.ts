/** The pages' filters, comparisons, metric grouping, routing and formatting. */
import { describe, expect, it } from 'vitest';
import {
  flatten,
  formatDuration,
  formatNumber,
  formatRating,
  nameAt,
  runNumber,
} from '../format.ts';
import { href, parseRoute } from '../router.ts';
import type { EpisodeSummary, MetricRecord, RunListing, RunRecord, Step } from '../types.ts';
import { configDifferences, summaryDifference } from './compare-page.tsx';
import { isCurve, metricSeries, seriesLabel } from './metrics-view.tsx';
import { filterChoices, outcomeLabel, pageOf, selectEpisodes } from './episode-filters.ts';
import { sharedQuestions, stepsInTreeOrder } from './judgment-comparison.tsx';
import { correctness, experimentsOf, filterEpisodes } from './run-page.tsx';
import { filterRuns, headlineText } from './runs-page.tsx';

const time = '2025-01-31T12:00:00.000Z';

function run(id: string, status: RunRecord['status'], config: RunRecord['config']): RunRecord {
  return {
    id,
    specVersion: 1,
    status,
    config,
    startedAt: time,
    summary: { accuracy: 0.5, calls: 10 },
    episodes: { running: 0, finished: 1, failed: 0 },
    eventCount: 3,
    updatedAt: time,
  };
}

const runs = [
  run('r1', 'finished', {
    task: { name: 'addition', options: {} },
    policy: { name: 'oracle' },
    lambda: 0.3,
  }),
  run('r2', 'failed', { task: 'camera-dropbox', overseer: { name: 'approval', options: {} } }),
];

describe('runs page', () => {
  it('finds an experiment run by its file, experiment, arm and task family', () => {
    const experiment: RunListing = {
      ...run('x1', 'finished', { command: 'npx overseer run examples/quickstart.yaml' }),
      overview: {
        kind: 'experiment',
        source: 'examples/quickstart.yaml',
        experiments: [
          { name: 'ida', arms: ['supervised', 'ida-imitation'] },
          { name: 'tampering', arms: ['process-rl'] },
        ],
        tasks: ['permutation-powering', 'camera-dropbox'],
        scaffolds: ['decompose'],
        policies: [],
        overseers: ['program', 'approval'],
        headline: [
          { experiment: 'ida', arm: 'supervised', metric: 'accuracy', value: 0.93 },
          { experiment: 'ida', arm: 'supervised', metric: 'expertCalls', value: 0 },
          { experiment: 'tampering', arm: 'process-rl', metric: 'hackRate', value: 0 },
        ],
        label: 'examples/quickstart.yaml: ida (supervised, ida-imitation) · tampering (process-rl)',
      },
    };
    const listed = [...runs.map((item) => ({ ...item })), experiment];
    for (const needle of ['ida', 'quickstart', 'tampering', 'ida-imitation', 'process-rl']) {
      expect(filterRuns(listed, '', needle).map((item) => item.id)).toEqual(['x1']);
    }
    expect(filterRuns(listed, '', 'camera-dropbox').map((item) => item.id)).toEqual(['r2', 'x1']);
    expect(headlineText(experiment)).toBe(
      'ida/supervised accuracy 0.93 expertCalls 0; tampering/process-rl hackRate 0',
    );
    expect(headlineText(runs[0])).toBe('');
  });

  it('filters runs by status and by text in their id, task, policy and overseer', () => {
    expect(filterRuns(runs, '', '').map((item) => item.id)).toEqual(['r1', 'r2']);
    expect(filterRuns(runs, 'failed', '').map((item) => item.id)).toEqual(['r2']);
    expect(filterRuns(runs, '', 'ADDITION').map((item) => item.id)).toEqual(['r1']);
    expect(filterRuns(runs, '', 'approval').map((item) => item.id)).toEqual(['r2']);
    expect(filterRuns(runs, 'finished', 'approval')).toEqual([]);
  });

  it('reads names and numbers from configs and summaries', () => {
    expect(nameAt(runs[0].config, 'task')).toBe('addition');
    expect(nameAt(runs[1].config, 'task')).toBe('camera-dropbox');
    expect(nameAt(runs[1].config, 'policy')).toBe('');
    expect(runNumber(runs[0], ['lambda'])).toBe(0.3);
    expect(runNumber(runs[0], ['calls'])).toBe(10);
    expect(runNumber(runs[1], ['lambda', 'dial.lambda'])).toBeUndefined();
  });
});

describe('run page', () => {
  const episode = (id: string, status: EpisodeSummary['status'], correct?: boolean) =>
    ({
      runId: 'r1',
      id,
      attempt: 1,
      iteration: null,
      phase: null,
      unit: null,
      problem: { id, family: 'f', question: 'q', difficulty: 1, split: 'test', metadata: {} },
      scaffold: { name: 'snap', options: {} },
      policy: { name: 'oracle', options: {} },
      status,
      answer: null,
      error: null,
      outcome:
        correct === undefined
          ? null
          : { kind: 'grade', answer: 'a', expected: 'a', correct, reward: 1, info: {} },
      cost: null,
      startedAt: time,
      finishedAt: null,
      stepCount: 1,
      judgmentCount: 0,
    }) satisfies EpisodeSummary;
  const episodes = [
    episode('e0', 'finished', true),
    episode('e1', 'finished', false),
    episode('e2', 'failed'),
  ];

  it('filters episodes by status and correctness', () => {
    expect(correctness(episodes[2])).toBeNull();
    expect(filterEpisodes(episodes, '', 'yes').map((item) => item.id)).toEqual(['e0']);
    expect(filterEpisodes(episodes, '', 'no').map((item) => item.id)).toEqual(['e1']);
    expect(filterEpisodes(episodes, 'failed', '').map((item) => item.id)).toEqual(['e2']);
    expect(filterEpisodes(episodes, '', '')).toHaveLength(3);
  });

  it('filters loop episodes by experiment, arm, phase, round and outcome, and pages them', () => {
    const loop = (
      id: string,
      experiment: string,
      arm: string,
      iteration: number,
      classification?: string,
    ): EpisodeSummary => ({
      ...episode(id, 'finished', classification === undefined ? true : undefined),
      iteration,
      phase: classification === undefined ? 'evaluation' : 'rollout',
      unit: { experiment, arm, seed: 1 },
      ...(classification === undefined
        ? {}
        : {
            outcome: {
              kind: 'return',
              reward: 1,
              length: 3,
              terminated: true,
              truncated: false,
              classification,
              info: {},
            },
          }),
    });
    const played = [
      loop('a', 'ida', 'supervised', 0),
      loop('b', 'tampering', 'process-rl', 1, 'hack'),
      loop('c', 'tampering', 'outcome-rl', 0, 'intended'),
      loop('d', 'tampering', 'process-rl', 9, 'hack'),
    ];
    const ids = (list: EpisodeSummary[]) => list.map((item) => item.id);
    expect(ids(selectEpisodes(played, { outcome: 'hack' }))).toEqual(['b', 'd']);
    expect(ids(selectEpisodes(played, { experiment: 'tampering', round: '1' }))).toEqual(['c']);
    expect(ids(selectEpisodes(played, { arm: 'process-rl', round: '10' }))).toEqual(['d']);
    expect(ids(selectEpisodes(played, { phase: 'evaluation' }))).toEqual(['a']);
    expect(outcomeLabel(episodes[2])).toBe('none');
    const choices = filterChoices(played);
    expect(choices.round).toEqual(['1', '2', '10']);
    expect(choices.outcome).toEqual(['hack', 'intended', 'right']);
    expect(choices.experiment).toEqual(['ida', 'tampering']);
    expect(filterChoices(episodes).experiment).toEqual([]);
    expect(experimentsOf([], played)).toEqual(['ida', 'tampering']);
    const many = Array.from({ length: 120 }, (_, index) => index);
    expect(pageOf(many, 2)).toEqual({ items: many.slice(100), page: 2, pages: 3 });
    expect(pageOf(many, 7).page).toBe(2);
    expect(pageOf([], 0)).toEqual({ items: [], page: 0, pages: 1 });
  });

  it('groups metrics into one series per split and tag set', () => {
    const metric = (step: number, arm: string, value: number): MetricRecord => ({
      seq: step,
      name: 'loss',
      value,
      step,
      iteration: null,
      split: 'train',
      tags: { arm },
      time,
    });
    const metrics = [metric(0, 'a', 2), metric(0, 'b', 3), metric(5, 'a', 1), metric(5, 'b', 2)];
    const series = metricSeries(metrics).get('loss')!;
    expect(series.map((line) => line.label)).toEqual(['train, arm=a', 'train, arm=b']);
    expect(series[0].points).toEqual([
      { x: 0, y: 2 },
      { x: 5, y: 1 },
    ]);
    expect(isCurve(series)).toBe(true);
    expect(isCurve([{ label: 'x', points: [{ x: 3, y: 1 }] }])).toBe(false);
    expect(seriesLabel({ ...metric(0, 'a', 1), split: null, tags: {} })).toBe('value');
    expect(seriesLabel(metric(0, 'a', 1), 'r1')).toBe('r1 · train, arm=a');
  });
});

describe('compare page', () => {
  it('lists every configuration key of two runs, marking the ones that differ', () => {
    const rows = configDifferences(
      { task: { name: 'addition' }, lambda: 0, seed: 1 },
      { task: { name: 'addition' }, lambda: 1, extra: [1, 2] },
    );
    expect(rows).toEqual([
      { key: 'extra', left: '—', right: '[1,2]', differs: true },
      { key: 'lambda', left: '0', right: '1', differs: true },
      { key: 'seed', left: '1', right: '—', differs: true },
      { key: 'task.name', left: '"addition"', right: '"addition"', differs: false },
    ]);
    expect(flatten({})).toEqual([['(value)', '{}']]);
  });
});

describe('compare page judgments', () => {
  const answered = (
    runId: string,
    id: string,
    question: string,
    judgmentCount: number,
  ): EpisodeSummary => ({
    runId,
    id,
    attempt: 1,
    iteration: null,
    phase: null,
    unit: null,
    problem: { id, family: 'addition', question, difficulty: 1, split: 'test', metadata: {} },
    scaffold: { name: 'decompose', options: {} },
    policy: { name: 'oracle', options: {} },
    status: 'finished',
    answer: '4',
    error: null,
    outcome: null,
    cost: null,
    startedAt: time,
    finishedAt: time,
    stepCount: 3,
    judgmentCount,
  });

  it('pairs the questions both runs answered, judged ones first, by question text', () => {
    const left = [
      answered('a', 'a0', '2+2', 0),
      answered('a', 'a1', '3+3', 2),
      answered('a', 'a2', '9+9', 2),
      answered('a', 'a3', '2+2', 0),
    ];
    // Problem ids differ between runs; the question text is what matches.
    const right = [
      answered('b', 'b0', '3+3', 4),
      answered('b', 'b1', '2+2', 1),
      answered('b', 'b2', '5+5', 1),
    ];
    const shared = sharedQuestions(left, right);
    expect(shared.map((entry) => [entry.question, entry.left.id, entry.right.id])).toEqual([
      ['3+3', 'a1', 'b0'],
      ['2+2', 'a3', 'b1'],
    ]);
    expect(sharedQuestions(left, [])).toEqual([]);
  });

  it('lists an episode’s steps in tree order with their depths', () => {
    const step = (id: string, parentId: string | null, index: number): Step => ({
      id,
      parentId,
      kind: parentId === null ? 'question' : 'subquestion',
      index,
      input: id,
      output: '',
      producer: 'policy',
      timing: { startedAt: time, durationMs: 1 },
      cost: { calls: 0, inputTokens: 0, outputTokens: 0 },
      metadata: {},
    });
    const rows = stepsInTreeOrder([
      step('root', null, 0),
      step('second', 'root', 1),
      step('first', 'root', 0),
      step('first-child', 'first', 0),
    ]);
    expect(rows.map((row) => [row.step.id, row.depth])).toEqual([
      ['root', 0],
      ['first', 1],
      ['first-child', 2],
      ['second', 1],
    ]);
  });
});

describe('compare page differences', () => {
  it('gives the right-hand value minus the left-hand one, for numbers only', () => {
    expect(summaryDifference(0.5, 0.75)).toBe('+0.25');
    expect(summaryDifference(3, 1)).toBe('−2');
    expect(summaryDifference(1, 1)).toBe('0');
    expect(summaryDifference('a', 1)).toBe('');
    expect(summaryDifference(undefined, 1)).toBe('');
  });
});

describe('routing and formatting', () => {
  it('parses and builds fragment routes with encoded ids', () => {
    const route = parseRoute('#/runs/run%2F1/episodes/e0?step=s%203');
    expect(route.segments).toEqual(['runs', 'run/1', 'episodes', 'e0']);
    expect(route.query.get('step')).toBe('s 3');
    expect(parseRoute('').segments).toEqual([]);
    expect(href('runs', 'run/1')).toBe('#/runs/run%2F1');
  });

  it('formats numbers, durations and ratings', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatDuration(5.25)).toBe('5.3 ms');
    expect(formatDuration(2400)).toBe('2.4 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatRating(1)).toBe('+1');
    expect(formatRating(-1)).toBe('−1');
    expect(formatRating(0)).toBe('0');
  });
});
