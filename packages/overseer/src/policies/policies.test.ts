import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../model/checkpoint.ts';
import { Gpt } from '../model/gpt.ts';
import { referenceKernels } from '../model/reference-kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { getFamily } from '../tasks/registry.ts';
import { batchingPolicy } from './batching.ts';
import { oraclePolicy } from './oracle.ts';
import { createPolicy, listPolicyProviders, parsePolicyName } from './registry.ts';
import { scriptedPolicy } from './scripted.ts';
import { uniformPolicy } from './uniform.ts';
import type { GenerationRequest } from '../spec/index.ts';

describe('oracle policy', () => {
  it('answers every family exactly, in either format, from a hint or the prompt alone', async () => {
    const addition = getFamily('addition');
    const oracle = oraclePolicy(addition);
    const [snap, thought, bare] = await oracle.generate([
      { prompt: '12+30=', task: { family: 'addition', question: '12+30', format: 'snap' } },
      { prompt: '12+39:' },
      { prompt: '5+5=' },
    ]);
    expect(snap).toMatchObject({ text: '42', logProb: 0, cost: { calls: 1 } });
    expect(thought.text).toBe('2+9+0=11\n1+3+1=05\n=51');
    expect(bare.text).toBe('10');

    const dropbox = getFamily('camera-dropbox');
    const [problem] = dropbox.generate({ seed: 0, count: 1, split: 'test' });
    const [action] = await oraclePolicy(dropbox).generate([{ prompt: `${problem.question}=` }]);
    expect(action.text).toBe(dropbox.oracle(problem.question));
  });

  it('refuses prompts it cannot read and questions of another family', async () => {
    const oracle = oraclePolicy(getFamily('addition'));
    await expect(oracle.generate([{ prompt: 'what is 2+2?' }])).rejects.toThrow(/cannot tell/);
    await expect(
      oracle.generate([
        { prompt: 'Pa=', task: { family: 'union-find', question: 'Pa', format: 'snap' } },
      ]),
    ).rejects.toThrow(/built for addition/);
  });
});

describe('uniform policy', () => {
  it('is reproducible for a seed and answers inside the answer space', async () => {
    const family = getFamily('union-find');
    const problems = family.generate({ seed: 0, count: 50, split: 'test' });
    const requests: GenerationRequest[] = problems.map((problem, index) => ({
      prompt: `${problem.question}=`,
      seed: index,
    }));
    const first = await uniformPolicy(family, { seed: 4 }).generate(requests);
    const again = await uniformPolicy(family, { seed: 4 }).generate(requests);
    const other = await uniformPolicy(family, { seed: 5 }).generate(requests);
    expect(again.map((g) => g.text)).toEqual(first.map((g) => g.text));
    expect(other.map((g) => g.text)).not.toEqual(first.map((g) => g.text));
    // A request's own seed fixes its answer whatever else is in the batch.
    const alone = await uniformPolicy(family, { seed: 4 }).generate([requests[7]]);
    expect(alone[0].text).toBe(first[7].text);
    problems.forEach((problem, index) => {
      const space = family.answerSpace(problem.question);
      const answers = Array.from({ length: space.size }, (_, at) => space.at(at));
      expect(answers).toContain(first[index].text);
      expect(first[index].logProb).toBeCloseTo(-Math.log(space.size));
    });
  });

  it('is right about as often as chance', async () => {
    const family = getFamily('permutation-powering'); // 8 items: chance is 1/8
    const problems = family.generate({ seed: 1, count: 2000, split: 'train' });
    const answers = await uniformPolicy(family, { seed: 0 }).generate(
      problems.map((problem, index) => ({ prompt: `${problem.question}=`, seed: index })),
    );
    const accuracy =
      answers.filter((answer, index) => answer.text === problems[index].answer).length /
      problems.length;
    // Binomial(2000, 1/8) has standard deviation 0.0074: ±0.03 is four of them.
    expect(Math.abs(accuracy - 1 / 8)).toBeLessThan(0.03);
  });

  it('draws from answer spaces larger than 2^32 and writes answer lines for chain of thought', async () => {
    const family = getFamily('addition');
    const [answer, line] = await uniformPolicy(family).generate([
      { prompt: '9999999999+9999999999=' },
      { prompt: '12+34:' },
    ]);
    expect(Number(answer.text)).toBeLessThanOrEqual(19999999998);
    expect(line.text).toMatch(/^=\d+$/);
  });
});

describe('batching', () => {
  it('sends requests made in the same turn as one batch, in order', async () => {
    const inner = scriptedPolicy((request) => request.prompt.toUpperCase());
    const policy = batchingPolicy(inner);
    const results = await Promise.all(
      ['a', 'b', 'c'].map(async (prompt) => (await policy.generate([{ prompt }]))[0].text),
    );
    expect(results).toEqual(['A', 'B', 'C']);
    expect(inner.batches).toBe(1);
    expect(policy.reference).toEqual(inner.reference);
  });

  it('fails only the request that breaks a batch', async () => {
    const inner = scriptedPolicy((request) => {
      if (request.prompt === 'bad') throw new Error('unknown character');
      return 'ok';
    });
    const policy = batchingPolicy(inner, { maximumBatch: 8 });
    const settled = await Promise.allSettled(
      ['x', 'bad', 'y'].map((prompt) => policy.generate([{ prompt }])),
    );
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('policy registry', () => {
  it('parses provider:model names', () => {
    expect(parsePolicyName('embedded:runs/a:b')).toEqual({
      provider: 'embedded',
      model: 'runs/a:b',
    });
    expect(parsePolicyName('oracle')).toEqual({ provider: 'oracle', model: '' });
    expect(listPolicyProviders().map((provider) => provider.provider)).toEqual(
      expect.arrayContaining(['oracle', 'uniform', 'embedded']),
    );
  });

  it('builds reference policies with a family, and says what is wrong otherwise', async () => {
    const family = getFamily('addition');
    expect((await createPolicy('uniform', { seed: 3 }, { family })).reference).toEqual({
      name: 'uniform',
      options: { seed: 3 },
    });
    await expect(createPolicy('oracle')).rejects.toThrow(/none was given/);
    await expect(createPolicy('gpt5', {}, { family })).rejects.toThrow(/Unknown policy "gpt5"/);
    await expect(createPolicy('uniform', { sead: 1 }, { family })).rejects.toThrow(/sead/);
    await expect(createPolicy('embedded')).rejects.toThrow(/needs a model/);
    await expect(createPolicy('oracle:big', {}, { family })).rejects.toThrow(/takes no model/);
    await expect(createPolicy('embedded:/no/such/dir')).rejects.toThrow(/not a checkpoint/);
  });

  it('loads a checkpoint directory as a policy that samples with log-probs', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'overseer-policy-'));
    try {
      const tokenizer = new Tokenizer('0123456789+=');
      const model = Gpt.create({
        tokenizer,
        kernels: referenceKernels,
        seed: 1,
        config: { layers: 1, heads: 2, width: 16, contextLength: 16 },
      });
      await saveCheckpoint(directory, { model, training: { task: null, step: 0, seed: 1 } });
      const policy = await createPolicy(`embedded:${directory}`, {
        maxTokens: 4,
        kernels: 'reference',
      });
      expect(policy.reference).toMatchObject({
        name: `embedded:${directory}`,
        options: { temperature: 0, maxTokens: 4 },
      });
      const [first, second] = await policy.generate([
        { prompt: '1+2=' },
        { prompt: '3+4=', maxTokens: 2 },
      ]);
      expect(first.tokenLogProbs?.length).toBeGreaterThan(0);
      expect(first.tokenLogProbs?.length).toBeLessThanOrEqual(4);
      expect(second.tokenLogProbs?.length).toBeLessThanOrEqual(2);
      expect(first.logProb).toBeCloseTo(
        (first.tokenLogProbs ?? []).reduce((a, b) => a + b, 0),
        4,
      );
      expect(first.cost.calls).toBe(1);
      // Greedy decoding is deterministic, alone or in a batch.
      const [alone] = await policy.generate([{ prompt: '1+2=' }]);
      expect(alone.text).toBe(first.text);
      await expect(policy.generate([{ prompt: 'x' }])).rejects.toThrow(
        /not in the model's alphabet/,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
