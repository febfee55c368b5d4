import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli-fixture.ts';
import { runEvaluation } from '../cli/eval.ts';
import { gradeEpisode } from '../outcomes/grade.ts';
import type { Overseer } from '../overseers/overseer.ts';
import { anthropicPolicy } from '../policies/anthropic.ts';
import { openAiPolicy } from '../policies/openai.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import type { Episode, Problem, ProposedStep } from '../spec/index.ts';
import { RunStore } from '../store/index.ts';
import { addition } from '../tasks/addition.ts';
import { startToolServer } from './tool-server-fixture.ts';
import type { ToolServer, ToolServerReply } from './tool-server-fixture.ts';
import { tools } from './tools.ts';

const family = addition();
const problem: Problem = {
  id: 'addition/test/3/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'test',
  metadata: {},
};

const servers: ToolServer[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function serve(script: (body: Record<string, unknown>, index: number) => ToolServerReply) {
  const server = await startToolServer(script);
  servers.push(server);
  return server;
}

/** The action steps' tool records. */
function toolSteps(episode: Episode) {
  return episode.steps
    .filter((step) => step.kind === 'action')
    .map((step) => ({ call: step.output, producer: step.producer, tool: step.metadata.tool }));
}

/** Four calls at once: a good one, a tool error, arguments that are not JSON, an unknown tool. */
const parallelCalls: ToolServerReply = {
  text: 'Let me compute.',
  calls: [
    { id: 'call-a', name: 'calculator', arguments: '{"expression":"123+456"}' },
    { id: 'call-b', name: 'calculator', arguments: '{"expression":"1/0"}' },
    { id: 'call-c', name: 'calculator', arguments: '{"expression":' },
    { id: 'call-d', name: 'weather', arguments: '{}' },
  ],
};

describe('the tools scaffold, native OpenAI function calling', () => {
  it('sends the tools, runs parallel calls, records errors and malformed calls as steps, and answers', async () => {
    const server = await serve((_body, index) => (index === 0 ? parallelCalls : { text: '579' }));
    const policy = await openAiPolicy('tool-model', { baseURL: `${server.url}/v1`, maxRetries: 0 });
    const episode = await tools({ tools: ['calculator'] }).run({ problem, family, policy });
    expect(episode.status).toBe('finished');
    expect(episode.answer).toBe('579');
    expect(gradeEpisode(family, episode)).toMatchObject({ correct: true });
    const [first, second] = server.seen as Array<{ tools: unknown[]; messages: unknown[] }>;
    expect(first?.tools).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({ name: 'calculator', parameters: expect.any(Object) }),
      },
    ]);
    expect(second?.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me compute.',
        tool_calls: parallelCalls.calls?.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      },
      { role: 'tool', tool_call_id: 'call-a', content: '579' },
      { role: 'tool', tool_call_id: 'call-b', content: 'division by zero' },
      {
        role: 'tool',
        tool_call_id: 'call-c',
        content: expect.stringMatching(/^the arguments are not JSON/),
      },
      {
        role: 'tool',
        tool_call_id: 'call-d',
        content: 'there is no tool "weather" (tools: calculator)',
      },
    ]);
    expect(episode.steps.map((step) => step.kind)).toEqual([
      'question',
      'thought',
      'action',
      'action',
      'action',
      'action',
      'answer',
    ]);
    expect(toolSteps(episode)).toEqual([
      {
        call: 'calculator({"expression":"123+456"})',
        producer: 'policy',
        tool: {
          id: 'call-a',
          name: 'calculator',
          arguments: { expression: '123+456' },
          argumentsText: '{"expression":"123+456"}',
          result: '579',
        },
      },
      {
        call: 'calculator({"expression":"1/0"})',
        producer: 'policy',
        tool: expect.objectContaining({
          result: '',
          error: { type: 'parsing', message: 'division by zero' },
        }),
      },
      {
        call: 'calculator({"expression":)',
        producer: 'policy',
        tool: expect.objectContaining({
          arguments: {},
          error: expect.objectContaining({ type: 'parsing' }),
        }),
      },
      {
        call: 'weather({})',
        producer: 'policy',
        tool: expect.objectContaining({ error: expect.objectContaining({ type: 'parsing' }) }),
      },
    ]);
    // Two policy calls: one on the thought that opened the first turn, one on the answer.
    expect(episode.steps.map((step) => step.cost.calls)).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect(episode.steps[0]?.metadata).toMatchObject({
      protocol: 'native',
      turns: 2,
      toolCalls: 4,
      toolErrors: 3,
      turnsExhausted: false,
    });
  });

  it('judges every call before it runs, never showing a result, and does not run a rejected call', async () => {
    const server = await serve((_body, index) =>
      index === 0
        ? {
            calls: [
              { id: 'call-a', name: 'calculator', arguments: '{"expression":"123+456"}' },
              { id: 'call-b', name: 'calculator', arguments: '{"expression":"2*3"}' },
            ],
          }
        : { text: '579' },
    );
    const proposals: ProposedStep[] = [];
    const overseer: Overseer = {
      reference: { name: 'rejects-multiplication', options: {} },
      async judge(step) {
        proposals.push(step);
        const score = step.action.includes('*') ? -1 : 1;
        return {
          score,
          rating: score,
          rationale: 'multiplication is not needed',
          overseer: this.reference,
          method: 'program',
        };
      },
    };
    const policy = await openAiPolicy('tool-model', { baseURL: `${server.url}/v1`, maxRetries: 0 });
    const episode = await tools({ overseer }).run({ problem, family, policy });
    expect(proposals.map((proposal) => [proposal.kind, proposal.action])).toEqual([
      ['action', 'calculator({"expression":"123+456"})'],
      ['action', 'calculator({"expression":"2*3"})'],
    ]);
    // Both were judged before either ran: no proposal holds a result.
    for (const proposal of proposals) expect(JSON.stringify(proposal)).not.toMatch(/579|\b6\b/);
    expect(proposals[1]?.previous).toEqual([
      { kind: 'action', text: 'calculator({"expression":"123+456"})' },
    ]);
    const [, rejected] = toolSteps(episode);
    expect(rejected).toMatchObject({
      producer: 'rejected',
      tool: { result: '', error: { type: 'approval' } },
    });
    const messages = (server.seen[1] as { messages: Array<{ content: string }> }).messages;
    expect(messages.at(-1)?.content).toBe('the overseer rejected this call, so it was not run');
    expect(episode.steps[0]?.metadata).toMatchObject({ rejectedCalls: 1 });
  });
});

describe('the tools scaffold, native Anthropic tool use', () => {
  it('sends tool_use and tool_result blocks, parallel calls and errors included', async () => {
    const server = await serve((_body, index) =>
      index === 0
        ? {
            text: 'Computing.',
            calls: [
              { id: 'toolu_a', name: 'calculator', arguments: '{"expression":"123+456"}' },
              { id: 'toolu_b', name: 'calculator', arguments: '{"expression":"1/0"}' },
              { id: 'toolu_c', name: 'calculator', arguments: '{"expr":"1"}' },
            ],
          }
        : { text: '579' },
    );
    const policy = await anthropicPolicy('tool-model', { baseURL: server.url, maxRetries: 0 });
    const episode = await tools().run({ problem, family, policy });
    expect(episode.answer).toBe('579');
    const [first, second] = server.seen as Array<{ tools: unknown[]; messages: unknown[] }>;
    expect(first?.tools).toEqual([
      expect.objectContaining({ name: 'calculator', input_schema: expect.any(Object) }),
    ]);
    expect(second?.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Computing.' },
          { type: 'tool_use', id: 'toolu_a', name: 'calculator', input: { expression: '123+456' } },
          { type: 'tool_use', id: 'toolu_b', name: 'calculator', input: { expression: '1/0' } },
          { type: 'tool_use', id: 'toolu_c', name: 'calculator', input: { expr: '1' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: '579' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_b',
            content: 'division by zero',
            is_error: true,
          },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_c',
            content: 'calculator needs a string argument "expression".',
            is_error: true,
          },
        ],
      },
    ]);
    expect(toolSteps(episode).map(({ tool }) => (tool as { id: string }).id)).toEqual([
      'toolu_a',
      'toolu_b',
      'toolu_c',
    ]);
  });
});

describe('the tools scaffold, plain-text protocol', () => {
  it('inserts result and error lines after each call line and reads the answer line', async () => {
    const policy = scriptedPolicy(
      (request, index) =>
        [
          'I add them.\ncalc: 123+456\n= 999 (a guess the scaffold drops)',
          'calc: 12*(',
          'python: print(1)',
          'answer: 579',
        ][index] ?? '?',
    );
    const episode = await tools({ instructions: false }).run({ problem, family, policy });
    expect(episode.answer).toBe('579');
    expect(policy.requests.map((request) => request.prompt).at(-1)).toBe(
      [
        '123+456',
        'I add them.',
        'calc: 123+456',
        '= 579',
        'calc: 12*(',
        '! expected a number or "(" at position 5, found the end',
        'python: print(1)',
        '! the tool "python" is not enabled (tools: calc)',
        '',
      ].join('\n'),
    );
    expect(episode.steps.map((step) => [step.kind, step.output])).toEqual([
      ['question', '579'],
      ['thought', 'I add them.'],
      ['action', 'calc: 123+456'],
      ['action', 'calc: 12*('],
      ['action', 'python: print(1)'],
      ['answer', '579'],
    ]);
    expect(episode.steps[2]?.metadata.tool).toMatchObject({
      name: 'calculator',
      arguments: { expression: '123+456' },
      result: '579',
    });
  });

  it('explains the protocol to a policy that reads, and stops after maxTurns', async () => {
    const policy = scriptedPolicy(() => 'calc: 1+1');
    const episode = await tools({ maxTurns: 2, protocol: 'text' }).run({ problem, family, policy });
    expect(policy.requests[0]?.prompt).toMatch(
      /^You may use tools[\s\S]*calc: <expression>[\s\S]*123\+456=\n$/,
    );
    expect(policy.requests).toHaveLength(2);
    expect(episode.answer).toBe('?');
    expect(episode.steps[0]?.metadata).toMatchObject({
      turns: 2,
      toolCalls: 2,
      turnsExhausted: true,
    });
  });

  it('refuses unknown tools and a lookup without documents when built', () => {
    expect(() => tools({ tools: ['calculator', 'shell'] })).toThrow(/no tool "shell"/);
    expect(() => tools({ tools: ['lookup'] })).toThrow(/needs documents/);
  });
});

describe('overseer eval --scaffold tools', () => {
  /** Calls the calculator on the question, then answers with the tool's result. */
  const solver = (body: Record<string, unknown>): ToolServerReply => {
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    const last = messages.at(-1);
    if (last?.role === 'tool') return { text: String(last.content) };
    if (Array.isArray(last?.content)) {
      return { text: String((last.content as Array<{ content: string }>)[0]?.content) };
    }
    const question = /(\d+\+\d+)/.exec(String(last?.content))?.[1] ?? '0';
    return {
      calls: [
        { id: 'call-1', name: 'calculator', arguments: JSON.stringify({ expression: question }) },
      ],
    };
  };

  it('evaluates an OpenAI-compatible and an Anthropic server end to end', async () => {
    const server = await serve(solver);
    const openai = await runEvaluation({
      task: 'addition',
      scaffold: 'tools',
      scaffoldOptions: { tools: ['calculator'] },
      policy: 'openai:tool-model',
      policyOptions: { baseURL: `${server.url}/v1`, maxRetries: 0 },
      n: 3,
      seed: 1,
      difficulty: [6],
    });
    expect(openai).toMatchObject({ n: 3, failed: 0, accuracy: 1, calls: 6 });
    const anthropic = await runEvaluation({
      task: 'addition',
      scaffold: 'tools',
      policy: 'anthropic:tool-model',
      policyOptions: { baseURL: server.url, maxRetries: 0 },
      n: 2,
      seed: 1,
    });
    expect(anthropic).toMatchObject({ n: 2, failed: 0, accuracy: 1, calls: 4 });
  });

  it('takes --tools and --documents, records the calls in the store, and names unknown tools', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'overseer-tools-eval-'));
    directories.push(directory);
    const documents = join(directory, 'documents.jsonl');
    await writeFile(documents, '{"id":"1","title":"sums","text":"add numbers"}\n');
    const server = await serve(solver);
    const store = join(directory, 'store');
    const { code, stdout, stderr } = await runCli([
      'eval',
      '--task',
      'addition',
      '--scaffold',
      'tools',
      '--tools',
      'calculator,lookup',
      '--documents',
      documents,
      '--policy',
      'openai:tool-model',
      '--policy-options',
      JSON.stringify({ baseURL: `${server.url}/v1`, maxRetries: 0 }),
      '--n',
      '2',
      '--store',
      store,
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { accuracy: number; runId: string };
    expect(summary.accuracy).toBe(1);
    expect((server.seen[0] as { tools: unknown[] }).tools).toHaveLength(2);
    const opened = RunStore.open(store);
    try {
      const run = opened.requireRun(summary.runId);
      expect(run.config).toMatchObject({
        scaffold: { name: 'tools', options: { tools: ['calculator', 'lookup'], documents } },
      });
      const episodes = [...opened.episodeRecords(summary.runId)].map((record) => record.episode);
      expect(
        episodes.flatMap(toolSteps).map(({ tool }) => (tool as { name: string }).name),
      ).toEqual(['calculator', 'calculator']);
    } finally {
      opened.close();
    }
    const refused = await runCli([
      'eval',
      '--task',
      'addition',
      '--scaffold',
      'tools',
      '--tools',
      'calculator,shell',
      '--policy',
      'oracle',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/no tool "shell"[\s\S]*calculator, python, js, lookup/);
    const misplaced = await runCli([
      'eval',
      '--task',
      'addition',
      '--tools',
      'calculator',
      '--policy',
      'oracle',
    ]);
    expect(misplaced.stderr).toMatch(/--scaffold tools/);
  });
});
