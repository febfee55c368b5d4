import { describe, expect, it } from 'vitest';
import { modelJudge } from '../overseers/model-judge.ts';
import { proposalsOf } from '../overseers/proposals.ts';
import type { ChatRequest } from '../policies/chat.ts';
import type { GenerationRequest, Problem } from '../spec/index.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { Episode } from '../spec/index.ts';
import { getFamily } from '../tasks/registry.ts';
import { modelDecompose } from './model-decompose.ts';
import { createScaffold } from './registry.ts';

const family = getFamily('addition');
const problem: Problem = {
  id: 'addition/test/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'test',
  metadata: {},
};

const systemOf = (request: GenerationRequest): string =>
  (request as ChatRequest).messages?.find((message) => message.role === 'system')?.content ?? '';

/** A policy that plans badly once, then well; answers leaves and combines. */
function planner(plan: string) {
  let plans = 0;
  return scriptedPolicy((request) => {
    const system = systemOf(request);
    if (system.includes('break a question')) {
      plans += 1;
      return plans === 1 ? 'First add the units.' : plan;
    }
    if (system.includes('Answer the question using')) {
      return request.prompt.includes('3+6 = 9') && request.prompt.includes('12+45 = 57')
        ? '579'
        : '?';
    }
    const leaves: Record<string, string> = {
      '3+6=': '9',
      '12+45=': '57',
      '7+7=': '14',
      '123+456=': '578',
    };
    return leaves[request.prompt] ?? '?';
  });
}

describe('model-decompose', () => {
  it('plans with structured output (re-asked), answers the sub-questions, then combines', async () => {
    const policy = planner('{"subQuestions": ["3+6", "12+45"]}');
    const episode = Episode.parse(await modelDecompose().run({ problem, family, policy }));
    expect(episode.status).toBe('finished');
    expect(episode.answer).toBe('579');
    const [root, plan, ...rest] = episode.steps;
    expect(root.metadata).toMatchObject({ failedPlans: 0, rejectedSubQuestions: 0, calls: 5 });
    expect(plan).toMatchObject({ kind: 'thought', producer: 'policy' });
    expect(plan.metadata.plan).toMatchObject({ ok: true, subQuestions: ['3+6', '12+45'] });
    expect((plan.metadata.plan as { attempts: unknown[] }).attempts).toHaveLength(2);
    expect(rest.map((step) => [step.kind, step.input.split('\n')[0], step.output])).toEqual([
      ['subquestion', '3+6', '9'],
      ['answer', '3+6=', '9'],
      ['subquestion', '12+45', '57'],
      ['answer', '12+45=', '57'],
      [
        'answer',
        'Answer the question using the answers to its sub-questions. Reply with the answer only.',
        '579',
      ],
    ]);
    // An overseer judging the episode afterwards sees the plan and each sub-question.
    expect(proposalsOf(episode).map(({ proposal }) => proposal.kind)).toEqual([
      'thought',
      'subquestion',
      'answer',
      'subquestion',
      'answer',
      'answer',
    ]);
  });

  it('lets an overseer judge each proposed sub-question before it is expanded', async () => {
    const policy = planner('{"subQuestions": ["3+6", "7+7", "12+45"]}');
    const judge = scriptedPolicy((request) =>
      request.prompt.includes('Proposed subquestion: 7+7') ? '1' : '5',
    );
    const overseer = modelJudge({ judge, samples: 1 });
    const scaffold = modelDecompose({ overseer, threshold: 0 });
    expect(scaffold.reference.options.overseer).toEqual(overseer.reference);
    const episode = await scaffold.run({ problem, family, policy });
    expect(episode.answer).toBe('579');
    const rejected = episode.steps.find((step) => step.producer === 'rejected');
    expect(rejected).toMatchObject({ kind: 'subquestion', input: '7+7', output: '' });
    expect(rejected?.metadata).toMatchObject({
      rejected: true,
      judgment: { score: -1, method: 'model' },
    });
    // Rejected sub-questions are never answered.
    expect(policy.requests.some((request) => request.prompt === '7+7=')).toBe(false);
    expect(episode.steps[0].metadata.rejectedSubQuestions).toBe(1);
    const judged = episode.steps.filter(
      (step) => step.kind === 'subquestion' && step.metadata.judgment,
    );
    expect(judged).toHaveLength(3);
  });

  it('degrades clearly when no valid plan comes: answers directly and records why', async () => {
    const policy = scriptedPolicy((request) =>
      systemOf(request).includes('break a question') ? '5+5' : '578',
    );
    const episode = await modelDecompose({ planAttempts: 2 }).run({ problem, family, policy });
    expect(episode.status).toBe('finished');
    expect(episode.answer).toBe('578');
    expect(episode.steps[0].metadata).toMatchObject({
      failedPlans: 1,
      decomposition: expect.stringMatching(
        /^no valid plan: .*\(after 2 attempts\); answered directly$/,
      ),
    });
    expect(episode.steps[1].metadata.plan).toMatchObject({ ok: false });
  });

  it('records a failing policy as a failed episode, and spends no more than its budget', async () => {
    const broken = scriptedPolicy(() => Promise.reject(new Error('backend down')));
    const failed = await modelDecompose().run({ problem, family, policy: broken });
    expect(failed).toMatchObject({ status: 'failed', error: { message: 'backend down' } });
    const policy = planner('{"subQuestions": ["3+6", "12+45"]}');
    const poor = await modelDecompose({ budget: 4 }).run({ problem, family, policy });
    expect(poor.steps[0].metadata).toMatchObject({ budgetExhausted: true });
    expect(policy.requests.length).toBeLessThanOrEqual(4);
  });

  it('keeps a sub-question whose answer failed, and no step for the failed call', async () => {
    const plan = '{"subQuestions": ["3+6", "12+45"]}';
    const inner = planner(plan);
    const policy = scriptedPolicy((request) => {
      if (request.prompt === '12+45=') throw new Error('backend down');
      return inner.generate([request]).then(([generation]) => generation.text);
    });
    const episode = await modelDecompose().run({ problem, family, policy });
    expect(episode).toMatchObject({ status: 'failed', error: { message: 'backend down' } });
    expect(episode.steps.map((step) => [step.kind, step.input, step.output])).toEqual([
      ['question', '123+456', ''],
      ['thought', '123+456', plan],
      ['subquestion', '3+6', '9'],
      ['answer', '3+6=', '9'],
      ['subquestion', '12+45', ''],
    ]);
  });

  it('is in the registry and refuses environments', () => {
    const scaffold = createScaffold('model-decompose', {
      maxDepth: 2,
      overseer: { name: 'program' },
    });
    expect(scaffold.reference).toMatchObject({
      name: 'model-decompose',
      options: { maxDepth: 2, overseer: { name: 'program', options: {} }, threshold: 0 },
    });
    expect(() => scaffold.check(getFamily('camera-dropbox'))).toThrow(/environment family/);
  });
});
