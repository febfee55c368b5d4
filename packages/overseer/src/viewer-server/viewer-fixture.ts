/**
 * A store for the viewer's tests: one run whose texts are hostile (model output full of markup and
 * script that must show as text), with a decomposition, a debate transcript, a failed episode,
 * learning curves for two arms and a checkpoint. Deterministic: fixed ids and times.
 */
import type { Episode, Judgment, Step } from '../spec/index.ts';
import { RunStore } from '../store/index.ts';

/** Markup a model might write; the viewer must show every character and run none of it. */
export const HOSTILE_TEXT =
  '<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true"><b>bold?</b> & </pre>';

/** The fixture run's id. */
export const FIXTURE_RUN_ID = 'run-fixture-hostile';

const time = (seconds: number) => new Date(Date.UTC(2025, 0, 31, 12, 0, seconds)).toISOString();

function step(fields: Pick<Step, 'id' | 'parentId' | 'kind' | 'index' | 'input' | 'output'>): Step {
  return {
    ...fields,
    producer: fields.kind === 'question' ? 'expert' : 'policy',
    timing: { startedAt: time(1), durationMs: 12.5 },
    cost: { calls: 1, inputTokens: 7, outputTokens: 3 },
    metadata: {},
  };
}

/** Writes the fixture run into the store at `directory` (created if needed); returns its id. */
export function writeViewerFixture(directory: string): string {
  const store = RunStore.open(directory);
  try {
    const runId = store.createRun(
      {
        command: 'eval',
        task: { name: 'fixture', options: {} },
        scaffold: { name: 'decompose', options: { maxDepth: 2 } },
        policy: { name: 'scripted', options: { note: HOSTILE_TEXT } },
        overseer: { name: 'debate', options: {} },
        lambda: 0,
      },
      { id: FIXTURE_RUN_ID, time: time(0) },
    );
    const steps: Step[] = [
      step({
        id: 'root',
        parentId: null,
        kind: 'question',
        index: 0,
        input: `What is 2+3? ${HOSTILE_TEXT}`,
        output: '5',
      }),
      step({
        id: 'sq1',
        parentId: 'root',
        kind: 'subquestion',
        index: 0,
        input: 'What is 2+2?',
        output: '4',
      }),
      step({
        id: 'sq1-a',
        parentId: 'sq1',
        kind: 'answer',
        index: 0,
        input: 'What is 2+2?',
        output: `4 ${HOSTILE_TEXT}`,
      }),
      step({
        id: 't1',
        parentId: 'root',
        kind: 'thought',
        index: 1,
        input: 'context',
        output: 'then add one more',
      }),
      step({ id: 'ans', parentId: 'root', kind: 'answer', index: 2, input: '', output: '5' }),
    ];
    const debate: Judgment = {
      score: 1,
      rating: 1,
      rationale: `the judge sided with A ${HOSTILE_TEXT}`,
      overseer: { name: 'debate', options: {} },
      method: 'debate',
      transcript: [
        { speaker: 'debater-a', position: '4', text: `2+2 is 4 ${HOSTILE_TEXT}` },
        { speaker: 'debater-b', position: '5', text: '2+2 is 5' },
        { speaker: 'judge', text: 'A is right' },
      ],
    };
    const episode: Episode = {
      id: 'e-hostile',
      problem: {
        id: 'fixture/test/1/0',
        family: 'fixture',
        question: `What is 2+3? ${HOSTILE_TEXT}`,
        answer: '5',
        difficulty: 1,
        split: 'test',
        metadata: {},
      },
      scaffold: { name: 'decompose', options: { maxDepth: 2 } },
      policy: { name: 'scripted', options: {} },
      status: 'finished',
      steps,
      answer: '5',
      startedAt: time(1),
      finishedAt: time(2),
    };
    store.recordEpisode({
      runId,
      episode,
      judgments: [
        { stepId: 'sq1', judgment: debate, time: time(2) },
        {
          stepId: 'ans',
          judgment: {
            score: -0.5,
            rating: -1,
            rationale: 'off by one?',
            overseer: { name: 'program', options: {} },
            method: 'program',
          },
          time: time(2),
        },
      ],
      outcome: { kind: 'grade', answer: '5', expected: '5', correct: true, reward: 1, info: {} },
      cost: { calls: 5, inputTokens: 35, outputTokens: 15 },
    });
    store.recordEpisode({
      runId,
      episode: {
        ...episode,
        id: 'e-failed',
        status: 'failed',
        steps: [steps[0]],
        answer: null,
        error: { name: 'OverseerError', code: 'policy.bad', message: `crashed on ${HOSTILE_TEXT}` },
      },
    });
    store.append(
      ['a', 'b'].flatMap((arm, armIndex) =>
        [0, 10, 20].map((at, index) => ({
          type: 'metric' as const,
          runId,
          time: time(3 + index),
          name: 'loss',
          value: 2 - index * 0.5 - armIndex * 0.2,
          step: at,
          tags: { arm },
        })),
      ),
    );
    store.append({
      type: 'checkpoint-saved',
      runId,
      time: time(6),
      path: 'checkpoints/step-20',
      step: 20,
    });
    store.finishRun(runId, { accuracy: 0.5, calls: 5 }, time(7));
    return runId;
  } finally {
    store.close();
  }
}
