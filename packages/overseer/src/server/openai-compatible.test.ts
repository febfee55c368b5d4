import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../cli/serve.ts';
import { loadCheckpoint } from '../model/checkpoint.ts';
import type { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { createPolicy } from '../policies/registry.ts';
import '../policies/backends.ts';
import type { ChatGeneration } from '../policies/chat.ts';
import { snap } from '../scaffolds/snap.ts';
import { getFamily } from '../tasks/registry.ts';
import { tinyAdditionCheckpoint } from './tiny-model-fixture.ts';

let checkpoint: string;
let model: Gpt;
let server: Awaited<ReturnType<typeof startServe>>;
let lenient: Awaited<ReturnType<typeof startServe>>;
let client: OpenAI;
const MODEL = 'tiny-addition';

beforeAll(async () => {
  checkpoint = await tinyAdditionCheckpoint();
  ({ model } = await loadCheckpoint(checkpoint, loadKernels('auto')));
  server = await startServe({ checkpoint, port: 0, modelName: MODEL });
  lenient = await startServe({
    checkpoint,
    port: 0,
    modelName: MODEL,
    unknownCharacters: 'drop',
    truncate: 'left',
  });
  client = new OpenAI({ apiKey: 'unused', baseURL: `${server.url}/v1`, maxRetries: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await lenient?.close();
});

const greedy = (prompt: string, maxTokens?: number): string =>
  model.sample([prompt], { temperature: 0, ...(maxTokens === undefined ? {} : { maxTokens }) })[0]
    .text;

describe('overseer serve (OpenAI-compatible, official client)', () => {
  it('lists the model', async () => {
    const models = await client.models.list();
    expect(models.data.map((entry) => entry.id)).toEqual([MODEL]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('completes a chat greedily, exactly as the model does in-process, with usage', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '123+456=' }],
      temperature: 0,
    });
    expect(completion.object).toBe('chat.completion');
    const [choice] = completion.choices;
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBe(greedy('123+456='));
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: '123+456='.length + 1,
      // The reply's characters and the end token.
      completion_tokens: (choice.message.content ?? '').length + 1,
    });
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('reports log-probs and top alternatives that match the model’s own scores', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '205+317=' }],
      temperature: 0,
      logprobs: true,
      top_logprobs: 5,
    });
    const [choice] = completion.choices;
    const text = choice.message.content ?? '';
    const content = choice.logprobs?.content ?? [];
    expect(content.map((entry) => entry.token).join('')).toBe(text);
    const [scored] = model.score([{ prompt: '205+317=', completion: text, end: false }]);
    let largest = 0;
    content.forEach((entry, index) => {
      expect(entry.top_logprobs).toHaveLength(5);
      // Greedy: the chosen token is the likeliest alternative, with the same log-prob.
      expect(entry.top_logprobs[0].token).toBe(entry.token);
      largest = Math.max(
        largest,
        Math.abs(entry.logprob - entry.top_logprobs[0].logprob),
        Math.abs(entry.logprob - scored.tokenLogProbs[index]),
      );
      const sorted = [...entry.top_logprobs].sort((a, b) => b.logprob - a.logprob);
      expect(entry.top_logprobs).toEqual(sorted);
      expect(entry.bytes).toEqual([...Buffer.from(entry.token)]);
    });
    expect(largest, `largest log-prob difference ${largest}`).toBeLessThan(1e-4);
  });

  it('samples n choices reproducibly for a seed, and honours stop and max_tokens', async () => {
    const request = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: '48+71=' }],
      temperature: 1,
      n: 3,
      seed: 11,
    };
    const first = await client.chat.completions.create(request);
    const again = await client.chat.completions.create(request);
    expect(first.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(again.choices.map((c) => c.message.content)).toEqual(
      first.choices.map((c) => c.message.content),
    );

    const full = greedy('999+999=');
    expect(full.length).toBeGreaterThan(1);
    const stopped = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '999+999=' }],
      temperature: 0,
      stop: [full[1]],
    });
    expect(stopped.choices[0].message.content).toBe(full.slice(0, full.indexOf(full[1])));
    expect(stopped.choices[0].finish_reason).toBe('stop');

    const short = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '999+999=' }],
      temperature: 0,
      max_completion_tokens: 1,
    });
    expect(short.choices[0].message.content).toBe(full.slice(0, 1));
    expect(short.choices[0].finish_reason).toBe('length');
  });

  it('streams chat.completion.chunk events with a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '123+456=' }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      logprobs: true,
      top_logprobs: 2,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const text = chunks
      .flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''))
      .join('');
    expect(text).toBe(greedy('123+456='));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const finishes = chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason));
    expect(finishes.filter((reason) => reason !== null)).toEqual(['stop']);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(text.length + 1);
    const tokens = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.logprobs?.content ?? []),
    );
    expect(tokens.map((entry) => entry.token).join('')).toBe(text);
    expect(tokens.every((entry) => entry.top_logprobs.length === 2)).toBe(true);
  });

  it('answers bad requests with 4xx errors in OpenAI’s shape', async () => {
    const failure = async (body: Record<string, unknown>) => {
      try {
        await client.chat.completions.create(body as never);
      } catch (error) {
        return error as InstanceType<typeof OpenAI.APIError>;
      }
      throw new Error('the request succeeded');
    };
    const unknownModel = await failure({
      model: 'gpt-9',
      messages: [{ role: 'user', content: '1+1=' }],
    });
    expect(unknownModel).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknownModel.code).toBe('model_not_found');
    const hot = await failure({
      model: MODEL,
      messages: [{ role: 'user', content: '1+1=' }],
      temperature: 7,
    });
    expect(hot.status).toBe(400);
    expect(hot.param).toBe('temperature');
    const letters = await failure({ model: MODEL, messages: [{ role: 'user', content: 'hello' }] });
    expect([letters.status, letters.code]).toEqual([400, 'unknown_character']);
    const tools = await failure({
      model: MODEL,
      messages: [{ role: 'user', content: '1+1=' }],
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect([tools.status, tools.param]).toEqual([400, 'tools']);
    const role = await failure({ model: MODEL, messages: [{ role: 'tool', content: '1' }] });
    expect([role.status, role.param]).toEqual([400, 'messages[0].role']);
    const long = await failure({
      model: MODEL,
      messages: [{ role: 'user', content: '1+'.repeat(40) }],
    });
    expect([long.status, long.code]).toEqual([400, 'context_length_exceeded']);

    // The raw body, as any client sees it.
    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": ',
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.type).toBe('invalid_request_error');
    expect((await fetch(`${server.url}/v2/nothing`)).status).toBe(404);
  });

  it('drops unknown characters and cuts long prompts when started leniently', async () => {
    const lenientClient = new OpenAI({ apiKey: 'unused', baseURL: `${lenient.url}/v1` });
    const completion = await lenientClient.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You add numbers.' },
        { role: 'user', content: `${'Please add: '.repeat(20)}123+456=` },
      ],
      temperature: 0,
      max_tokens: 8,
    });
    expect(typeof completion.choices[0].message.content).toBe('string');
    expect(completion.usage?.prompt_tokens).toBeLessThanOrEqual(64);
  });

  it('serves the openai: policy, and a scaffold runs through it like the embedded policy', async () => {
    const family = getFamily('addition');
    const remote = await createPolicy(`openai:${MODEL}`, {
      baseURL: `${server.url}/v1`,
      logProbs: true,
    });
    const local = await createPolicy(`embedded:${checkpoint}`);
    expect(remote.reference.options).toMatchObject({ baseURL: `${server.url}/v1`, temperature: 0 });
    expect(JSON.stringify(remote.reference)).not.toMatch(/unused-local-key/);
    const problems = family.generate({ seed: 3, count: 6, split: 'test' });
    const viaHttp = await Promise.all(
      problems.map((problem) => snap().run({ problem, family, policy: remote })),
    );
    const inProcess = await Promise.all(
      problems.map((problem) => snap().run({ problem, family, policy: local })),
    );
    expect(viaHttp.map((episode) => episode.status)).toEqual(problems.map(() => 'finished'));
    expect(viaHttp.map((episode) => episode.answer)).toEqual(inProcess.map((e) => e.answer));
    const [generation] = (await remote.generate([{ prompt: '12+30=' }])) as ChatGeneration[];
    expect(generation.cost).toMatchObject({ calls: 1, inputTokens: 7 });
    expect(generation.tokenLogProbs?.length).toBe(generation.text.length);
  });
});
