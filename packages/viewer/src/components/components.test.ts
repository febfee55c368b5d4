/**
 * Component tests: each component rendered to HTML on the server side (react-dom/server), so they
 * run in Node without a browser. Untrusted text must come out escaped, the trace tree must open
 * and close as it should, and every event type must have its component.
 */
import { createElement } from 'react';
import type { ComponentProps, FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HOSTILE_TEXT } from '../../../overseer/src/viewer-server/viewer-fixture.ts';
import type { JudgmentRecord, QueueItem, RunEvent, Step, StoredEvent } from '../types.ts';
import { EventView, eventViews } from './event-views.tsx';
import { JudgmentView } from './judgment-view.tsx';
import { Chart, chartAxis, styleByLabel } from './line-chart.tsx';
import type { Series } from './line-chart.tsx';
import { OutcomeView } from './outcome-view.tsx';
import { QueueItemCard } from './queue-item-card.tsx';
import { ShortText, TextBlock } from './text-block.tsx';
import { ancestorsOf, buildTree, TraceTree } from './trace-tree.tsx';

function render<P extends object>(component: FunctionComponent<P>, props: P): string {
  return renderToStaticMarkup(createElement(component, props));
}

/** The hostile text as React escapes it in a text node. */
const escaped = HOSTILE_TEXT.replace(/&/g, '&amp;')
  .replace(/</g, '&lt;')
  .replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;');

const time = '2025-01-31T12:00:00.000Z';

function step(id: string, parentId: string | null, kind: Step['kind'], index: number): Step {
  return {
    id,
    parentId,
    kind,
    index,
    input: `input of ${id}`,
    output: `output of ${id}`,
    producer: 'policy',
    timing: { startedAt: time, durationMs: 3 },
    cost: { calls: 1, inputTokens: 2, outputTokens: 1 },
    metadata: {},
  };
}

// A root with two sub-questions (listed out of sibling order), the first with an answer below it.
const steps: Step[] = [
  step('root', null, 'question', 0),
  step('q2', 'root', 'subquestion', 1),
  step('q1', 'root', 'subquestion', 0),
  step('q1-answer', 'q1', 'answer', 0),
  step('final', 'root', 'answer', 2),
];

const judgments: JudgmentRecord[] = [
  {
    seq: 9,
    stepId: 'q1',
    time,
    judgment: {
      score: 1,
      rating: 1,
      rationale: 'the sub-question the plan needs',
      overseer: { name: 'program', options: {} },
      method: 'program',
    },
  },
];

describe('untrusted text', () => {
  it('renders markup and script as escaped text, never as elements', () => {
    for (const html of [
      render(TextBlock, { text: HOSTILE_TEXT }),
      render(ShortText, { text: HOSTILE_TEXT, length: 500 }),
    ]) {
      expect(html).toContain(escaped);
      expect(html).not.toMatch(/<script|<img|<b>/);
    }
  });

  it('escapes a judgment’s rationale and its debate turns', () => {
    const html = render(JudgmentView, {
      judgment: {
        score: -1,
        rating: -1,
        rationale: HOSTILE_TEXT,
        overseer: { name: 'debate', options: {} },
        method: 'debate',
        transcript: [{ speaker: 'debater-a', position: HOSTILE_TEXT, text: HOSTILE_TEXT }],
      },
    });
    expect(html.split(escaped).length - 1).toBe(3);
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('debate (1 turns)');
    expect(html).toContain('−1');
  });
});

describe('judgment view', () => {
  const base = {
    rationale: 'value under the intended task',
    overseer: { name: 'approval', options: {} },
    method: 'program' as const,
  };

  it('shows the score as the number the reward used, with a clipped value and the rating', () => {
    const html = render(JudgmentView, {
      judgment: { ...base, score: -1, unclipped: -1.0104, rating: -1 },
    });
    expect(html).toContain('−1.00');
    expect(html).toContain('score, used by the reward (clipped from −1.010) · rating −1');
    expect(html).toMatch(/class="badge bad"[^>]*data-testid="score-badge"/);
    expect(html).not.toContain('against the score');
  });

  it('colours by the score and flags a rating recorded against its sign', () => {
    const html = render(JudgmentView, { judgment: { ...base, score: 0.93, rating: -1 } });
    expect(html).toMatch(/class="badge good"[^>]*>\+0\.93</);
    expect(html).toContain('rating −1 (recorded against the score’s sign)');
  });
});

describe('trace tree', () => {
  it('builds the tree in sibling order and finds a step’s ancestors', () => {
    const [root] = buildTree(steps);
    expect(root.children.map((child) => child.step.id)).toEqual(['q1', 'q2', 'final']);
    expect(root.children[0].children.map((child) => child.step.id)).toEqual(['q1-answer']);
    expect(root.children[0].children[0].depth).toBe(2);
    expect([...ancestorsOf(steps, 'q1-answer')]).toEqual(['q1-answer', 'q1', 'root']);
    expect(ancestorsOf(steps, 'missing').size).toBe(0);
  });

  it('opens the root only, with each node’s timing, cost and judgments', () => {
    const html = render(TraceTree, { steps, judgments });
    expect(html).toContain('output of q1');
    // A closed node's children are not drawn, but its leaf answers read without opening it.
    expect(html).not.toContain('data-step-id="q1-answer"');
    expect(html).toMatch(/data-testid="leaf-answers"><li>output of q1-answer<\/li>/);
    expect(html).toContain('aria-expanded="true" aria-label="collapse root"');
    expect(html).toContain('aria-expanded="false" aria-label="expand q1"');
    expect(html).toContain('the sub-question the plan needs');
    expect(html).toContain('3.0 ms · 1 call · 2+1 tokens');
  });

  it('opens down to a highlighted step', () => {
    const html = render(TraceTree, { steps, judgments, highlight: 'q1-answer' });
    expect(html).toContain('output of q1-answer');
    expect(html).toMatch(/class="node kind-answer highlight"/);
  });

  it('says so when an episode has no steps', () => {
    expect(render(TraceTree, { steps: [], judgments: [] })).toContain('recorded no steps');
  });
});

describe('queue item card', () => {
  const item: QueueItem = {
    id: 'abc',
    label: 'arm-a',
    position: 1,
    status: 'pending',
    createdAt: time,
    proposal: {
      family: 'addition',
      question: 'What is 12+34?',
      kind: 'thought',
      previous: [{ kind: 'subquestion', text: 'What is 2+4?', answer: '6' }],
      context: 'What is 12+34?\n',
      action: `carry nothing ${HOSTILE_TEXT}`,
      justification: 'because 2+4 < 10',
    },
    assistance: {
      overseer: { name: 'debate', options: {} },
      rationale: 'A argued better',
      transcript: [{ speaker: 'debater-a', text: 'no carry is needed' }],
    },
  };

  it('shows the step on paper with its justification and debate, and the rating choices', () => {
    const html = render(QueueItemCard, { item, rater: 'ann', canRate: true });
    for (const text of [
      'What is 12+34?',
      'What is 2+4?',
      'proposed thought',
      'because 2+4 &lt; 10',
      'debate says',
      'no carry is needed',
      '−1 wrong',
      '0 no progress',
      '+1 right',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).toContain(escaped);
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).not.toContain('<fieldset disabled');
  });

  it('disables rating without the token, and shows who rated a rated item', () => {
    expect(render(QueueItemCard, { item, rater: 'ann', canRate: false })).toContain(
      '<fieldset disabled',
    );
    const rated = render(QueueItemCard, {
      item: {
        ...item,
        status: 'rated',
        rating: { rating: -1, note: 'carries', rater: 'bob', ratedAt: time },
      },
      rater: 'ann',
      canRate: false,
    });
    expect(rated).toContain('rated <strong>−1</strong> by bob at 2025-01-31 12:00:00');
    expect(rated).toContain('carries');
    expect(rated).not.toContain('<form');
  });
});

describe('outcome', () => {
  it('says what the dial made of the outcome', () => {
    const outcome = {
      kind: 'grade',
      answer: '46',
      expected: '46',
      correct: true,
      reward: 1,
      info: {},
    } as const;
    expect(render(OutcomeView, { outcome, lambda: 0 })).toContain('purely process-based');
    expect(render(OutcomeView, { outcome, lambda: 0.25 })).toContain('λ = 0.25');
    expect(render(OutcomeView, { outcome })).toContain('recorded no dial');
    const arm = { experiment: 'tampering', arm: 'process-rl' };
    const trained = render(OutcomeView, { outcome, lambda: 0, arm: { ...arm, phase: 'rollout' } });
    expect(trained).toContain('The arm process-rl of tampering trained with λ = 0');
    expect(trained).not.toContain('recorded no dial');
    const measured = render(OutcomeView, {
      outcome,
      lambda: 1,
      arm: { ...arm, phase: 'evaluation' },
    });
    expect(measured).toContain('λ = 1 (arm process-rl of tampering)');
    expect(measured).toContain('evaluation episode trained nothing');
    const environment = render(OutcomeView, {
      outcome: {
        kind: 'return',
        reward: 1,
        trueReward: 0,
        length: 4,
        terminated: true,
        truncated: false,
        classification: 'hack',
        info: {},
      },
    });
    expect(environment).toContain('hack');
    expect(environment).toContain('terminated');
  });
});

describe('event log', () => {
  const base = { runId: 'r1', time };
  const problem = {
    id: 'p',
    family: 'addition',
    question: HOSTILE_TEXT,
    difficulty: 1,
    split: 'test' as const,
    metadata: {},
  };
  const error = { name: 'Error', message: HOSTILE_TEXT };
  const events: RunEvent[] = [
    { ...base, type: 'run-started', specVersion: 1, config: { a: 1 } },
    { ...base, type: 'iteration-started', iteration: 0 },
    { ...base, type: 'iteration-finished', iteration: 0 },
    {
      ...base,
      type: 'episode-started',
      episodeId: 'e0',
      problem,
      scaffold: { name: 'snap', options: {} },
      policy: { name: 'oracle', options: {} },
    },
    { ...base, type: 'step-proposed', episodeId: 'e0', step: steps[1] },
    {
      ...base,
      type: 'step-judged',
      episodeId: 'e0',
      stepId: 'q2',
      judgment: judgments[0].judgment,
    },
    {
      ...base,
      type: 'episode-finished',
      episodeId: 'e0',
      answer: '5',
      outcome: { kind: 'grade', answer: '5', expected: '5', correct: true, reward: 1, info: {} },
    },
    { ...base, type: 'episode-failed', episodeId: 'e1', error },
    { ...base, type: 'metric', name: 'loss', value: 0.5, step: 3, tags: { arm: 'a' } },
    { ...base, type: 'checkpoint-saved', path: 'checkpoints/3', step: 3 },
    { ...base, type: 'run-finished', summary: {} },
    { ...base, type: 'run-failed', error },
  ];

  it('has one component for every event type, and each shows its event', () => {
    expect(Object.keys(eventViews).sort()).toEqual(events.map((event) => event.type).sort());
    const expected: Record<string, string> = {
      'run-started': 'spec v1',
      'iteration-started': 'iteration 0 started',
      'iteration-finished': 'iteration 0 finished',
      'episode-started': 'href="#/runs/r1/episodes/e0"',
      'step-proposed': 'input of q2',
      'step-judged': 'the sub-question the plan needs',
      'episode-finished': 'correct',
      'episode-failed': escaped,
      metric: 'loss = 0.5 at step 3 [arm=a]',
      'checkpoint-saved': 'checkpoints/3',
      'run-finished': 'run finished',
      'run-failed': escaped,
    };
    events.forEach((event, index) => {
      const stored: StoredEvent = { seq: index + 1, event };
      const html = render(EventView, { stored } as ComponentProps<typeof EventView>);
      expect(html, event.type).toContain(expected[event.type]);
      expect(html, event.type).not.toMatch(/<script|<img|<b>/);
    });
  });
});

describe('chart axes', () => {
  it('tick round numbers, whole ones for steps, and draw a rate on 0–1', () => {
    expect(chartAxis([0, 3, 7])).toEqual({ ticks: [0, 2, 4, 6, 8], low: 0, high: 8 });
    expect(chartAxis([0, 1]).ticks).toEqual([0, 1]);
    expect(chartAxis([0.12, 0.31])).toEqual({
      ticks: [0.1, 0.15, 0.2, 0.25, 0.3, 0.35],
      low: 0.1,
      high: 0.35,
    });
    expect(chartAxis([0.4, 0.6], [0, 1])).toEqual({
      ticks: [0, 0.25, 0.5, 0.75, 1],
      low: 0,
      high: 1,
    });
    const html = render(Chart, {
      title: 'accuracy',
      series: [
        {
          label: 'a',
          points: [
            { x: 0, y: 0.4 },
            { x: 2, y: 0.6 },
          ],
        },
      ],
      xLabel: 'step',
      yLabel: 'accuracy',
    });
    for (const label of ['>0<', '>0.25<', '>1<', '>2<']) expect(html).toContain(label);
    expect(html).not.toContain('>1.5<');
  });
});

describe('chart colours', () => {
  it('give a series label one colour in every chart, whatever a chart leaves out', () => {
    const line = (label: string): Series => ({ label, points: [{ x: 0, y: 1 }] });
    const styled = styleByLabel(
      new Map([
        ['accuracy', [line('arm=a'), line('arm=b'), line('arm=c')]],
        ['calls', [line('arm=c'), line('arm=b')]],
      ]),
    );
    const styleOf = (chart: string, label: string) =>
      styled.get(chart)!.find((series) => series.label === label)!.style;
    expect(styleOf('calls', 'arm=c')).toBe(styleOf('accuracy', 'arm=c'));
    expect(styleOf('calls', 'arm=b')).toBe(1);
    const html = render(Chart, {
      title: 'calls',
      series: styled.get('calls')!,
      xLabel: 'x',
      yLabel: 'y',
    });
    expect(html).toContain('fill="#16a34a"');
  });
});

describe('chart', () => {
  it('draws one polyline per series and nothing without points', () => {
    const html = render(Chart, {
      title: 'loss',
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        {
          label: 'arm=a',
          points: [
            { x: 0, y: 2 },
            { x: 10, y: 1 },
          ],
        },
        {
          label: 'arm=b',
          points: [
            { x: 0, y: 1.8 },
            { x: 10, y: 0.7 },
          ],
        },
      ],
    });
    expect(html.match(/<polyline/g)?.length).toBe(2);
    expect(html).toContain('arm=b');
    expect(render(Chart, { title: 'x', xLabel: 'x', yLabel: 'y', series: [] })).toBe('');
  });
});
