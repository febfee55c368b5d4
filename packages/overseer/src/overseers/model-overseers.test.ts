import { describe, expect, it } from 'vitest';
import type { ChatGeneration, ChatRequest } from '../policies/chat.ts';
import type { GenerationRequest, Policy, ProposedStep } from '../spec/index.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { Judgment } from '../spec/index.ts';
import { getFamily } from '../tasks/registry.ts';
import { consult } from './consult.ts';
import { consultancy, debate } from './debate.ts';
import { expectedRating, parseRating } from './judging.ts';
import { judgeWithJustification } from './justification.ts';
import { modelJudge } from './model-judge.ts';
import { createOverseer, listOverseers } from './registry.ts';

const step: ProposedStep = {
  family: 'addition',
  question: '123+456',
  kind: 'thought',
  previous: [{ kind: 'thought', text: '3+6+0=09' }],
  context: '123+456:3+6+0=09\n',
  action: '2+5+0=07',
};

/** The system message of a chat request (what role the model is asked to play). */
const systemOf = (request: GenerationRequest): string =>
  (request as ChatRequest).messages?.find((message) => message.role === 'system')?.content ?? '';

/** A judge whose first reply token carries the given rating distribution. */
function logProbJudge(
  distribution: Record<string, number>,
): Policy & { requests: GenerationRequest[] } {
  const requests: GenerationRequest[] = [];
  return {
    reference: { name: 'fake-logprobs', options: {} },
    requests,
    async generate(batch): Promise<ChatGeneration[]> {
      requests.push(...batch);
      return batch.map(() => ({
        text: '4 looks right',
        tokens: ['4', ' looks', ' right'],
        topLogProbs: [
          Object.entries(distribution).map(([token, probability]) => ({
            token,
            logProb: Math.log(probability),
          })),
          [],
          [],
        ],
        finishReason: 'end',
        cost: { calls: 1, inputTokens: 10, outputTokens: 3 },
      }));
    },
  };
}

describe('reading ratings', () => {
  it('parses a lone digit 1–5 and computes the expected rating over "1"…"5"', () => {
    expect(parseRating('Rating: 4/5')).toBe(4);
    expect(parseRating('1243')).toBeUndefined();
    expect(parseRating('none')).toBeUndefined();
    const found = expectedRating([
      { token: '4', logProb: Math.log(0.5) },
      { token: ' 4', logProb: Math.log(0.1) },
      { token: '2', logProb: Math.log(0.25) },
      { token: 'x', logProb: Math.log(0.15) },
    ]);
    expect(found?.expected).toBeCloseTo((4 * 0.5 + 2 * 0.25) / 0.75, 12);
    expect(found?.mass).toBeCloseTo(0.75, 12);
  });
});

describe('model-judge', () => {
  it('scores the expected rating from log-probs, with the whole conversation in the transcript', async () => {
    const judge = logProbJudge({ '4': 0.6, '5': 0.3, '2': 0.1 });
    const judgment = Judgment.parse(await modelJudge({ judge }).judge(step));
    // E[rating] = 4·0.6 + 5·0.3 + 2·0.1 = 4.1 → (4.1 − 3) / 2.
    expect(judgment.score).toBeCloseTo(0.55, 12);
    expect(judgment).toMatchObject({
      rating: 1,
      method: 'model',
      cost: { calls: 1, inputTokens: 10 },
    });
    expect(judgment.rationale).toMatch(/expected rating 4\.100 from log-probs/);
    expect(judgment.transcript?.map((turn) => turn.speaker)).toEqual(['system', 'user', 'judge']);
    expect(judgment.transcript?.[1].text).toMatch(/Proposed thought: 2\+5\+0=07/);
    expect((judge.requests[0] as ChatRequest).topLogProbs).toBe(20);
    expect(judgment.overseer.options).toMatchObject({
      judge: { name: 'fake-logprobs' },
      samples: 5,
    });
  });

  it('averages sampled ratings without log-probs, ignoring unparseable replies visibly', async () => {
    const replies = ['Rating: 4', '5, clearly', 'I cannot say'];
    const judge = scriptedPolicy((_request, index) => replies[index]);
    const judgment = await modelJudge({ judge, samples: 3 }).judge(step);
    expect(judgment.score).toBeCloseTo(0.75, 12);
    expect(judgment.rationale).toMatch(
      /mean rating 4\.500 of 2 sampled ratings \[4, 5\]; 1 unparseable reply ignored/,
    );
    expect(judgment.transcript?.filter((turn) => turn.speaker === 'judge')).toHaveLength(3);
    // Each sample has its own seed, so a sampling backend gives independent ratings.
    expect(new Set(judge.requests.map((request) => request.seed)).size).toBe(3);
  });

  it('falls back to a neutral score, saying why, when no reply holds a rating', async () => {
    const judgment = await modelJudge({ judge: scriptedPolicy(() => '0987'), samples: 2 }).judge(
      step,
    );
    expect(judgment).toMatchObject({ score: 0, rating: 0 });
    expect(judgment.rationale).toMatch(
      /no rating 1–5 could be read from 2 judge replies .*neutral score 0/,
    );
  });

  it('lets a failing backend fail the judgment (it is not a neutral score)', async () => {
    const broken = scriptedPolicy(() => Promise.reject(new Error('backend down')));
    await expect(modelJudge({ judge: broken }).judge(step)).rejects.toThrow(/backend down/);
  });
});

describe('judge-with-justification', () => {
  it('asks the justifier, then shows the justification to the judge', async () => {
    const justifier = scriptedPolicy(() => 'Column two: 2+5 plus carry 0 is 7, written 07.');
    const judge = scriptedPolicy(() => '5');
    const judgment = await judgeWithJustification({ judge, justifier, samples: 1 }).judge(step);
    expect(judgment).toMatchObject({ method: 'justification', score: 1, rating: 1 });
    expect(judge.requests[0].prompt).toMatch(/Justification given: Column two/);
    expect(judgment.transcript?.find((turn) => turn.speaker === 'justifier')?.text).toMatch(
      /Column two/,
    );
    expect(judgment.cost?.calls).toBe(2);
  });

  it('uses a justification the scaffold already asked for', async () => {
    const justifier = scriptedPolicy(() => 'unused');
    const judge = scriptedPolicy(() => '2');
    const judgment = await judgeWithJustification({ judge, justifier, samples: 1 }).judge({
      ...step,
      justification: 'I guessed.',
    });
    expect(justifier.requests).toHaveLength(0);
    expect(judgment.transcript?.[0]).toEqual({
      speaker: 'policy',
      position: 'for',
      text: 'I guessed.',
    });
    expect(judgment.score).toBe(-0.5);
  });
});

describe('debate, consultancy and consult', () => {
  const roles = () =>
    scriptedPolicy((request) => {
      const system = systemOf(request);
      if (system.includes('debater-a')) return 'The column sum 2+5 is 7: correct.';
      if (system.includes('debater-b')) return 'The carry is wrong: incorrect.';
      if (system.includes('one short question')) return 'What is the carry?';
      if (system.includes('You are a consultant')) return 'Trust me, it is fine.';
      if (system.includes('you may ask'))
        return request.prompt.includes('assistant-1: ') ? 'NONE' : 'Is 2+5=7?';
      if (system.includes('assistant helping')) return 'Yes, 2+5=7.';
      return '4';
    });

  it('runs N rounds of debate, then the judge reads every argument', async () => {
    const model = roles();
    const judgment = Judgment.parse(
      await debate({ judge: model, rounds: 2, samples: 1 }).judge(step),
    );
    expect(judgment.method).toBe('debate');
    expect(judgment.transcript?.map((turn) => `${turn.speaker}:${turn.position ?? ''}`)).toEqual([
      'moderator:',
      'debater-a:correct',
      'debater-b:incorrect',
      'debater-a:correct',
      'debater-b:incorrect',
      'system:',
      'user:',
      'judge:',
    ]);
    const judgePrompt = model.requests.at(-1)?.prompt ?? '';
    expect(judgePrompt.match(/debater-a \(correct\)/g)).toHaveLength(2);
    expect(judgePrompt.match(/debater-b \(incorrect\)/g)).toHaveLength(2);
    // The second round's debaters saw the first round.
    expect(model.requests[2].prompt).toMatch(/debater-b \(incorrect\): The carry is wrong/);
    expect(judgment).toMatchObject({ score: 0.5, cost: { calls: 5 } });
  });

  it('runs a consultancy with the judge’s questions between turns, on a seeded side', async () => {
    const model = roles();
    const overseer = consultancy({ judge: model, rounds: 2, samples: 1 });
    const judgment = await overseer.judge(step);
    expect(judgment.method).toBe('consultation');
    const turns = judgment.transcript ?? [];
    expect(turns.map((turn) => turn.speaker).slice(0, 4)).toEqual([
      'moderator',
      'consultant',
      'judge',
      'consultant',
    ]);
    expect(turns[2].text).toBe('What is the carry?');
    const side = turns[1].position;
    expect(['correct', 'incorrect']).toContain(side);
    expect(
      (await consultancy({ judge: roles(), rounds: 2, samples: 1 }).judge(step)).transcript?.[1]
        .position,
    ).toBe(side);
    expect(
      (await consultancy({ judge: roles(), side: 'incorrect', rounds: 1 }).judge(step))
        .transcript?.[1].position,
    ).toBe('incorrect');
  });

  it('lets the judge consult assistants until it says NONE', async () => {
    const judgment = await consult({ judge: roles(), questions: 3, samples: 1 }).judge(step);
    expect(judgment.method).toBe('consultation');
    expect(judgment.transcript?.slice(0, 3)).toEqual([
      { speaker: 'judge', text: 'Is 2+5=7?' },
      { speaker: 'assistant-1', text: 'Yes, 2+5=7.' },
      { speaker: 'judge', text: 'NONE' },
    ]);
    expect(judgment.rationale).toMatch(
      /^1 question asked \(the judge stopped early\); mean rating 4/,
    );
  });
});

describe('model overseers in the registry', () => {
  const family = getFamily('addition');

  it('are listed and built from names, with policies named by string or reference', () => {
    const names = listOverseers().map((entry) => entry.name);
    for (const name of [
      'model-judge',
      'judge-with-justification',
      'debate',
      'consultancy',
      'naive',
      'consult',
    ]) {
      expect(names).toContain(name);
    }
    const built = createOverseer('debate', { judge: 'openai:some-model', rounds: 1 }, { family });
    expect(built.reference).toMatchObject({
      name: 'debate',
      options: { judge: { name: 'openai:some-model', options: {} }, rounds: 1, samples: 5 },
    });
    const naive = createOverseer(
      'naive',
      { judge: { name: 'openai:m', options: { temperature: 1 } } },
      { family },
    );
    expect(naive.reference.name).toBe('naive');
    expect(() =>
      createOverseer('model-judge', { judge: 'openai:m', samples: 0 }, { family }),
    ).toThrow(/samples/);
    expect(() => createOverseer('debate', {}, { family })).toThrow(/judge/);
    expect(() => createOverseer('consult', { judge: 'openai:m', helpers: [] }, { family })).toThrow(
      /helpers/,
    );
  });

  it('reports a judge that cannot be built when it is first used', async () => {
    const overseer = createOverseer('model-judge', { judge: 'no-such-provider:model' }, { family });
    await expect(overseer.judge(step)).rejects.toThrow(/Unknown policy "no-such-provider:model"/);
  });
});
