import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { Judgment, Outcome, Step, StepKind } from '../spec/index.ts';
import { RunStore } from '../store/index.ts';
import { exportFormatNamed, exportFormatNames, exportRun, jsonLine } from './formats.ts';
import type { ExportOptions } from './options.ts';

// ── The target formats, written from their documentation ──────────────────────────────────
// TRL "Dataset formats and types" (huggingface.co/docs/trl/dataset_formats): conversational
// language modeling, standard preference with an explicit prompt, standard stepwise supervision.
const TrlMessage = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
const TrlSft = z.strictObject({ messages: z.array(TrlMessage).min(2) });
const TrlDpo = z.strictObject({ prompt: z.string(), chosen: z.string(), rejected: z.string() });
const TrlPrm = z
  .strictObject({
    prompt: z.string(),
    completions: z.array(z.string()).min(1),
    labels: z.array(z.boolean()).min(1),
  })
  .refine((row) => row.completions.length === row.labels.length, 'one label per completion');
// OpenAI fine-tuning chat format: {"messages": [...]} with system/user/assistant messages whose
// content is a string; an assistant message may carry "weight": 0 | 1; at least one assistant.
const OpenAiSft = z
  .strictObject({
    messages: z.array(
      z.discriminatedUnion('role', [
        z.strictObject({ role: z.literal('system'), content: z.string() }),
        z.strictObject({ role: z.literal('user'), content: z.string() }),
        z.strictObject({
          role: z.literal('assistant'),
          content: z.string(),
          weight: z.union([z.literal(0), z.literal(1)]).optional(),
        }),
      ]),
    ),
  })
  .refine((row) => row.messages.some((message) => message.role === 'assistant'), 'an assistant');
// PRM800K (github.com/openai/prm800k README): one labeled solution per line.
const Prm800k = z.strictObject({
  labeler: z.string(),
  timestamp: z.string(),
  generation: z.number().int().nullable(),
  is_quality_control_question: z.boolean(),
  is_initial_screening_question: z.boolean(),
  question: z.strictObject({
    problem: z.string(),
    ground_truth_answer: z.string().optional(),
    pre_generated_steps: z.array(z.string()),
    pre_generated_answer: z.string().nullable(),
  }),
  label: z.strictObject({
    steps: z
      .array(
        z.strictObject({
          completions: z
            .array(
              z.strictObject({
                text: z.string(),
                rating: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
                flagged: z.boolean().nullable(),
              }),
            )
            .min(1),
          human_completion: z.string().nullable(),
          chosen_completion: z.number().int().nonnegative().nullable(),
        }),
      )
      .min(1),
    total_time: z.number().int().nonnegative(),
    finish_reason: z.enum(['found_error', 'solution', 'bad_problem', 'give_up']),
  }),
});
const schemas = {
  'trl-sft': TrlSft,
  'trl-dpo': TrlDpo,
  'trl-prm': TrlPrm,
  'openai-sft': OpenAiSft,
  prm800k: Prm800k,
} as const;

// ── A real store, populated through the store's API ───────────────────────────────────────
const time = '2025-01-31T12:00:00.000Z';
const later = '2025-01-31T12:00:05.000Z';
/** Untrusted text: JSON look-alikes, newlines, line separators, quotes, a lone surrogate. */
const nasty = `2+2"}\n{"prompt":"injected"}\r\n\u2028\u2029 \\" \ud800 🙂`;

type StepSpec = [
  id: string,
  parentId: string | null,
  kind: StepKind,
  input: string,
  output: string,
];

function steps(specs: StepSpec[]): Step[] {
  const counts = new Map<string | null, number>();
  return specs.map(([id, parentId, kind, input, output]) => {
    const index = counts.get(parentId) ?? 0;
    counts.set(parentId, index + 1);
    return {
      id,
      parentId,
      kind,
      index,
      input,
      output,
      producer: 'policy',
      timing: { startedAt: time, durationMs: 1 },
      cost: { calls: 1, inputTokens: 1, outputTokens: 1 },
      metadata: {},
    };
  });
}

function judged(score: number, overseer = 'program', rating?: -1 | 0 | 1): Judgment {
  return {
    score,
    ...(rating === undefined ? {} : { rating }),
    rationale: `score ${score}`,
    overseer: { name: overseer, options: {} },
    method: overseer === 'program' ? 'program' : 'model',
    durationMs: 10,
  };
}

function grade(answer: string, expected: string): Outcome {
  return {
    kind: 'grade',
    answer,
    expected,
    correct: answer === expected,
    reward: answer === expected ? 1 : 0,
    info: {},
  };
}

const directories: string[] = [];
let store: RunStore;
let runId: string;

function record(
  id: string,
  question: string,
  expected: string | undefined,
  specs: StepSpec[],
  judgments: Array<[stepId: string, judgment: Judgment]>,
  end: { answer: string; outcome: Outcome } | { error: string },
  iteration = 0,
): void {
  const failed = 'error' in end;
  store.recordEpisode({
    runId,
    iteration,
    episode: {
      id,
      problem: {
        id: `${id}-problem`,
        family: 'test',
        question,
        ...(expected === undefined ? {} : { answer: expected }),
        difficulty: 1,
        split: 'train',
        metadata: {},
      },
      scaffold: { name: 'chain-of-thought', options: {} },
      policy: { name: 'scripted', options: {} },
      status: failed ? 'failed' : 'finished',
      steps: steps(specs),
      answer: failed ? null : end.answer,
      ...(failed ? { error: { name: 'Error', message: end.error } } : {}),
      startedAt: time,
      finishedAt: later,
    },
    judgments: judgments.map(([stepId, judgment]) => ({ stepId, judgment })),
    ...(failed ? {} : { outcome: end.outcome }),
  });
}

beforeAll(() => {
  const directory = mkdtempSync(join(tmpdir(), 'overseer-export-'));
  directories.push(directory);
  store = RunStore.open(directory);
  runId = store.createRun({ experiment: 'export-test' });
  // Two chain-of-thought samples of one problem: same first line, different second lines.
  record(
    'cot-a',
    '12+34',
    '46',
    [
      ['r', null, 'question', '12+34', '56'],
      ['t0', 'r', 'thought', '12+34', '2+4=6'],
      ['t1', 'r', 'thought', '12+34', '1+4=5'],
      ['a', 'r', 'answer', '', '56'],
    ],
    [
      ['t0', judged(0.8)],
      ['t1', judged(-0.6)],
      ['a', judged(-0.5)],
    ],
    { answer: '56', outcome: grade('56', '46') },
  );
  record(
    'cot-b',
    '12+34',
    '46',
    [
      ['r', null, 'question', '12+34', '46'],
      ['t0', 'r', 'thought', '12+34', '2+4=6'],
      ['t1', 'r', 'thought', '12+34', '1+3=4'],
      ['a', 'r', 'answer', '', '46'],
    ],
    [
      ['t0', judged(0.6)],
      ['t1', judged(0.9)],
      ['a', judged(0.7, 'program', 0)],
    ],
    { answer: '46', outcome: grade('46', '46') },
  );
  // A decomposition: two sub-questions (the second with its own steps) and the answer.
  record(
    'decompose',
    'Pa,3',
    'c',
    [
      ['r', null, 'question', 'Pa,3', 'c'],
      ['s1', 'r', 'subquestion', 'Pa,1', 'b'],
      ['s2', 'r', 'subquestion', 'Pb,2', 'c'],
      ['s2a', 's2', 'subquestion', 'Pb,1', 'x'],
      ['s2b', 's2', 'answer', '', 'c'],
      ['a', 'r', 'answer', '', 'c'],
    ],
    [
      ['s1', judged(0.5)],
      ['s2', judged(0.4)],
      ['s2a', judged(-1)],
      ['s2b', judged(0.1)],
      ['a', judged(1)],
    ],
    { answer: 'c', outcome: grade('c', 'c') },
    1,
  );
  // An environment: observations in, actions out, a return outcome.
  record(
    'gridworld',
    '#A.G#',
    undefined,
    [
      ['r', null, 'question', '#A.G#', 'R'],
      ['m0', 'r', 'action', '#A.G#', 'R'],
      ['m1', 'r', 'action', '#.AG#', 'R'],
    ],
    [
      ['m0', judged(0.5)],
      ['m1', judged(0.5)],
    ],
    {
      answer: 'R',
      outcome: {
        kind: 'return',
        reward: 1,
        length: 2,
        terminated: true,
        truncated: false,
        info: {},
      },
    },
  );
  // Untrusted text, judged by two overseers who disagree.
  record(
    'untrusted',
    nasty,
    '4',
    [
      ['r', null, 'question', nasty, nasty],
      ['t0', 'r', 'thought', nasty, nasty],
      ['a', 'r', 'answer', '', nasty],
    ],
    [
      ['t0', judged(0.9, 'program')],
      ['t0', judged(-0.9, 'debate')],
      ['a', judged(0.2, 'program')],
    ],
    { answer: nasty, outcome: grade(nasty, '4') },
  );
  // A failed episode whose first step was judged before the failure.
  record(
    'failed',
    '9+9',
    '18',
    [
      ['r', null, 'question', '9+9', ''],
      ['t0', 'r', 'thought', '9+9', '9+9=18'],
    ],
    [['t0', judged(0.3)]],
    { error: 'policy timed out' },
  );
});

afterAll(() => {
  store.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** Exports, checks every line is one valid JSON object of the format, and parses them. */
function lines(format: keyof typeof schemas, options: ExportOptions = {}): unknown[] {
  const text = [...exportRun(store, runId, format, options)].map((line) => `${line}\n`).join('');
  // Split like a strict line reader would, including on the separators Python splits on.
  const physical = text.split(/\r\n|\r|\n|\u2028|\u2029/).filter((line) => line !== '');
  return physical.map((line) => {
    const value: unknown = JSON.parse(line);
    const result = schemas[format].safeParse(value);
    if (!result.success)
      throw new Error(`${format} line does not match: ${z.prettifyError(result.error)}`);
    return value;
  });
}

describe('export formats', () => {
  it('trl-sft: one conversation per finished episode, policy lines as assistant turns', () => {
    const rows = lines('trl-sft');
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({
      messages: [
        { role: 'user', content: '12+34' },
        { role: 'assistant', content: '2+4=6\n1+4=5\n56' },
      ],
    });
    // A decomposition: the policy asks, the sub-tree answers.
    expect(rows[2]).toEqual({
      messages: [
        { role: 'user', content: 'Pa,3' },
        { role: 'assistant', content: 'Pa,1' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'Pb,2' },
        { role: 'user', content: 'c' },
        { role: 'assistant', content: 'c' },
      ],
    });
    // An environment: observations are user turns, each action an assistant turn.
    expect(rows[3]).toEqual({
      messages: [
        { role: 'user', content: '#A.G#' },
        { role: 'assistant', content: 'R' },
        { role: 'user', content: '#.AG#' },
        { role: 'assistant', content: 'R' },
      ],
    });
    expect(rows[4]).toEqual({
      messages: [
        { role: 'user', content: nasty },
        { role: 'assistant', content: `${nasty}\n${nasty}` },
      ],
    });
  });

  it('trl-sft: answers only, every sub-question, correct episodes, one iteration', () => {
    expect(lines('trl-sft', { target: 'answer' })[0]).toEqual({
      messages: [
        { role: 'user', content: '12+34' },
        { role: 'assistant', content: '56' },
      ],
    });
    const nodes = lines('trl-sft', { allNodes: true, target: 'answer', iteration: 1 });
    expect(nodes).toEqual(
      [
        ['Pa,3', 'c'],
        ['Pa,1', 'b'],
        ['Pb,2', 'c'],
        ['Pb,1', 'x'],
      ].map(([question, answer]) => ({
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: answer },
        ],
      })),
    );
    const correct = lines('trl-sft', { onlyCorrect: true }) as Array<{
      messages: Array<{ content: string }>;
    }>;
    expect(correct.map((row) => row.messages[0].content)).toEqual(['12+34', 'Pa,3']);
  });

  it('openai-sft: chat lines, an optional system message and approval weights', () => {
    const plain = lines('openai-sft', { system: 'You add numbers.' });
    expect(plain).toHaveLength(5);
    expect(plain[1]).toEqual({
      messages: [
        { role: 'system', content: 'You add numbers.' },
        { role: 'user', content: '12+34' },
        { role: 'assistant', content: '2+4=6\n1+3=4\n46' },
      ],
    });
    const weighted = lines('openai-sft', { weights: true }) as Array<{
      messages: Array<{ role: string; content: string; weight?: number }>;
    }>;
    // cot-a and the untrusted episode (whose thought the last overseer judged −0.9) have a step
    // judged ≤ 0 in their only assistant message: nothing to learn, left out.
    expect(weighted.map((row) => row.messages[0].content)).toEqual(['12+34', 'Pa,3', '#A.G#']);
    expect(weighted[1].messages.filter((m) => m.role === 'assistant').map((m) => m.weight)).toEqual(
      [1, 1, 1],
    );
    // The two overseers disagree on the untrusted thought: the chosen overseer decides (and
    // steps an overseer did not judge keep weight 1).
    const program = lines('openai-sft', { weights: true, overseer: 'program' }) as typeof weighted;
    expect(program.map((row) => row.messages[0].content)).toEqual([
      '12+34',
      'Pa,3',
      '#A.G#',
      nasty,
    ]);
    const debate = lines('openai-sft', { weights: true, overseer: 'debate' }) as typeof weighted;
    expect(debate.map((row) => row.messages[0].content)).toEqual([
      '12+34',
      '12+34',
      'Pa,3',
      '#A.G#',
    ]);
  });

  it('trl-dpo: pairs of judged proposals in the same context', () => {
    expect(lines('trl-dpo')).toEqual([
      { prompt: '12+34\n2+4=6\n', chosen: '1+3=4', rejected: '1+4=5' },
    ]);
    expect(lines('trl-dpo', { margin: 2 })).toEqual([]);
    const directory = mkdtempSync(join(tmpdir(), 'overseer-export-dpo-'));
    directories.push(directory);
    // Three samples of one first step: every pair with different scores, best first.
    const other = RunStore.open(directory);
    const previous = { store, runId };
    store = other;
    runId = other.createRun({});
    for (const [index, [line, score]] of (
      [
        ['x', 0.1],
        ['y', 0.9],
        ['z', -0.5],
        ['y', 0.5],
      ] as const
    ).entries()) {
      record(
        `sample-${index}`,
        'q',
        'y',
        [
          ['r', null, 'question', 'q', line],
          ['t', 'r', 'thought', 'q', line],
        ],
        [['t', judged(score)]],
        { answer: line, outcome: grade(line, 'y') },
      );
    }
    expect(lines('trl-dpo')).toEqual([
      { prompt: 'q\n', chosen: 'y', rejected: 'x' },
      { prompt: 'q\n', chosen: 'x', rejected: 'z' },
      { prompt: 'q\n', chosen: 'y', rejected: 'z' },
    ]);
    expect(lines('trl-dpo', { maxPairsPerPrompt: 1 })).toHaveLength(1);
    other.close();
    ({ store, runId } = previous);
  });

  it('trl-prm: judged steps per node, labels from score > 0', () => {
    const rows = lines('trl-prm');
    expect(rows).toEqual([
      { prompt: '12+34', completions: ['2+4=6', '1+4=5', '56'], labels: [true, false, false] },
      { prompt: '12+34', completions: ['2+4=6', '1+3=4', '46'], labels: [true, true, true] },
      { prompt: 'Pa,3', completions: ['Pa,1=b', 'Pb,2=c', 'c'], labels: [true, true, true] },
      { prompt: 'Pb,2', completions: ['Pb,1=x', 'c'], labels: [false, true] },
      { prompt: '#A.G#', completions: ['R', '#.AG#\nR'], labels: [true, true] },
      { prompt: nasty, completions: [nasty, nasty], labels: [false, true] },
      { prompt: '9+9', completions: ['9+9=18'], labels: [true] },
    ]);
    const debate = lines('trl-prm', { overseer: 'debate' });
    expect(debate).toEqual([{ prompt: nasty, completions: [nasty], labels: [false] }]);
  });

  it('prm800k: labeled solutions, stopping at the first error', () => {
    const rows = lines('prm800k') as z.infer<typeof Prm800k>[];
    expect(rows.map((row) => [row.question.problem, row.label.finish_reason])).toEqual([
      ['12+34', 'found_error'],
      ['12+34', 'solution'],
      ['Pa,3', 'solution'],
      ['#A.G#', 'solution'],
      [nasty, 'found_error'],
      ['9+9', 'give_up'],
    ]);
    expect(rows[0]).toEqual({
      labeler: 'program',
      timestamp: later,
      generation: 0,
      is_quality_control_question: false,
      is_initial_screening_question: false,
      question: {
        problem: '12+34',
        ground_truth_answer: '46',
        pre_generated_steps: ['2+4=6', '1+4=5', '56'],
        pre_generated_answer: '56',
      },
      label: {
        steps: [
          {
            completions: [{ text: '2+4=6', rating: 1, flagged: null }],
            human_completion: null,
            chosen_completion: 0,
          },
          {
            completions: [{ text: '1+4=5', rating: -1, flagged: null }],
            human_completion: null,
            chosen_completion: null,
          },
        ],
        total_time: 20,
        finish_reason: 'found_error',
      },
    });
    // An explicit rating wins over the score's sign.
    expect(rows[1].label.steps.map((step) => step.completions[0].rating)).toEqual([1, 1, 0]);
    expect(rows[4].labeler).toBe('debate');
    expect(rows[3].question).not.toHaveProperty('ground_truth_answer');
    expect(rows[5].question.pre_generated_answer).toBeNull();
    const debate = lines('prm800k', { overseer: 'debate' }) as z.infer<typeof Prm800k>[];
    expect(debate.map((row) => [row.labeler, row.label.finish_reason])).toEqual([
      ['debate', 'found_error'],
    ]);
  });

  it('keeps untrusted text exact: JSON-encoded, one physical line per row', () => {
    for (const format of exportFormatNames) {
      for (const line of exportRun(store, runId, format)) {
        expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(jsonLine(JSON.parse(line))).toBe(line);
      }
    }
    const row = lines('trl-sft')[4] as { messages: Array<{ content: string }> };
    expect(row.messages[0].content).toBe(nasty);
  });

  it('names the valid formats for an unknown one, and the store for an unknown run', () => {
    const error = (() => {
      try {
        exportFormatNamed('csv');
      } catch (caught) {
        return caught as OverseerError;
      }
    })();
    expect(error).toBeInstanceOf(OverseerError);
    expect(error?.code).toBe('export.unknown-format');
    expect(error?.hint).toBe('valid formats: trl-sft, trl-dpo, trl-prm, openai-sft, prm800k');
    expect(() => [...exportRun(store, 'no-such-run', 'trl-sft')]).toThrow(/no run "no-such-run"/);
    expect(() => [...exportRun(store, runId, 'TRL-SFT')]).toThrow(/unknown export format/);
  });
});
