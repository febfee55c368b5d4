/**
 * What the Inspect export's tests share: a store holding a small run (chain-of-thought episodes
 * and one decomposition, judged and graded), and a validator for Inspect's published schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import type { Episode, Step } from '../spec/index.ts';
import { fixtureEpisode, fixtureKey } from '../store/episode-fixtures.ts';
import type { RunStore } from '../store/index.ts';

/** The Inspect release the checked-in schema comes from. */
export const schemaInspectVersion = '0.3.260';

/**
 * A validator of one of Inspect's types (`EvalLog`, `EvalSample` …) against the OpenAPI document
 * Inspect publishes (src/inspect_ai/_view/inspect-openapi.json at the tag `schemaInspectVersion`);
 * it returns the errors, none when the value is valid.
 */
export function inspectValidator(): (type: string, value: unknown) => ErrorObject[] {
  const document = JSON.parse(
    readFileSync(
      new URL(`./inspect-fixtures/inspect-openapi-${schemaInspectVersion}.json`, import.meta.url),
      'utf8',
    ),
  ) as { components: object };
  // `discriminator` is OpenAPI's; `oneOf` over the events' `event` constants says the same.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'inspect', components: document.components });
  return (type, value) => {
    const validate = ajv.getSchema(`inspect#/components/schemas/${type}`);
    if (validate === undefined) throw new Error(`no Inspect type ${type}`);
    return validate(value) ? [] : (validate.errors ?? []);
  };
}

/** A decomposition episode: a root question, a sub-question with its own lines, an answer. */
export function decompositionEpisode(runId: string): Parameters<RunStore['recordEpisode']>[0] {
  const time = (offset: number) => new Date(Date.UTC(2025, 1, 1, 9, 0, offset)).toISOString();
  const step = (
    fields: Partial<Step> & Pick<Step, 'id' | 'parentId' | 'kind' | 'index'>,
  ): Step => ({
    input: '',
    output: '',
    producer: 'policy',
    timing: { startedAt: time(fields.index + 1), durationMs: 500 },
    cost: { calls: 1, inputTokens: 7, outputTokens: 3 },
    metadata: {},
    ...fields,
  });
  const steps: Step[] = [
    step({
      id: 'root',
      parentId: null,
      kind: 'question',
      index: 0,
      input: 'what is 12+30?',
      output: '42',
    }),
    step({
      id: 'sub',
      parentId: 'root',
      kind: 'subquestion',
      index: 0,
      input: 'what is 2+0?',
      output: '2',
    }),
    step({
      id: 'sub-line',
      parentId: 'sub',
      kind: 'thought',
      index: 0,
      input: 'what is 2+0?',
      output: '2+0=2',
    }),
    step({
      id: 'memo',
      parentId: 'sub',
      kind: 'answer',
      index: 1,
      output: '2',
      producer: 'memo',
      cost: { calls: 0, inputTokens: 0, outputTokens: 0 },
    }),
    step({ id: 'answer', parentId: 'root', kind: 'answer', index: 1, output: '42' }),
  ];
  const episode: Episode = {
    id: 'decompose-1',
    problem: {
      id: 'addition/test/2/0',
      family: 'addition',
      question: 'what is 12+30?',
      answer: '42',
      difficulty: 2,
      split: 'test',
      metadata: {},
    },
    scaffold: { name: 'decompose', options: { maxDepth: 2 } },
    policy: { name: 'openai:gpt-4o-mini', options: {} },
    status: 'finished',
    steps,
    answer: '42',
    startedAt: time(0),
    finishedAt: time(9),
  };
  const judge = (stepId: string, score: number) => ({
    stepId,
    time: time(8),
    judgment: {
      score,
      rationale: `judged ${stepId}`,
      overseer: { name: 'model-judge', options: {} },
      method: 'model' as const,
      cost: { calls: 1, inputTokens: 20, outputTokens: 5 },
    },
  });
  return {
    runId,
    iteration: 1,
    episode,
    judgments: [judge('sub', 1), judge('sub-line', 0.5), judge('answer', -0.25)],
    outcome: { kind: 'grade', answer: '42', expected: '42', correct: true, reward: 1, info: {} },
    cost: { calls: 4, inputTokens: 21, outputTokens: 9 },
  };
}

/** A run in `store`: three chain-of-thought episodes, one decomposition, one failed episode. */
export function recordSmallRun(store: RunStore): string {
  const runId = store.createRun(
    { experiment: 'inspect-export-test' },
    { time: '2025-01-31T11:59:00.000Z' },
  );
  for (let index = 0; index < 3; index += 1)
    store.recordEpisode(fixtureEpisode(runId, fixtureKey(index)));
  store.recordEpisode(decompositionEpisode(runId));
  const failed = fixtureEpisode(runId, fixtureKey(9));
  store.recordEpisode({
    runId,
    episode: {
      ...failed.episode,
      status: 'failed',
      answer: null,
      error: { name: 'OverseerError', message: 'the policy timed out' },
    },
  });
  store.finishRun(runId, {}, '2025-02-01T10:00:00.000Z');
  return runId;
}
