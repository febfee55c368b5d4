import { describe, expect, it } from 'vitest';
import { oraclePolicy } from '../policies/oracle.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import type { GenerationRequest, Problem, Step } from '../spec/index.ts';
import { Episode } from '../spec/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import { defineQuestionFamily, listedAnswers } from '../tasks/question-family.ts';
import { defaultFamilyOptions } from '../tasks/dataset-fixture.ts';
import { getFamily, listFamilies } from '../tasks/registry.ts';
import { decompose } from './decompose.ts';
import { fibonacciDigit, fibonacciFamily } from './fibonacci-fixture.ts';

const family = fibonacciFamily();

function problem(question: string, answer?: string): Problem {
  return {
    id: `fixture/${question}`,
    family: family.name,
    question,
    answer: answer ?? family.oracle(question),
    difficulty: 0,
    split: 'test',
    metadata: {},
  };
}

/** A policy that answers Fibonacci prompts exactly, after yielding to the event loop once. */
function slowExactPolicy() {
  return scriptedPolicy(async (request: GenerationRequest) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return String(fibonacciDigit(Number(request.prompt.slice(1, -1))));
  });
}

function children(episode: Episode, parent: Step): Step[] {
  return episode.steps.filter((step) => step.parentId === parent.id);
}

/** The tree without timing: what must not depend on concurrency. */
function shape(episode: Episode): unknown[] {
  return episode.steps.map(({ id, parentId, kind, index, input, output, producer }) => ({
    id,
    parentId,
    kind,
    index,
    input,
    output,
    producer,
  }));
}

describe('decompose', () => {
  it('builds a valid tree: question nodes end with an answer step, leaves are policy calls', async () => {
    const policy = slowExactPolicy();
    const episode = await decompose({ maxDepth: 2, memo: false, concurrency: 1 }).run({
      problem: problem('F5'),
      family,
      policy,
    });
    expect(Episode.parse(episode)).toEqual(episode);
    expect(episode.status).toBe('finished');
    expect(episode.answer).toBe(String(fibonacciDigit(5)));
    const [root] = episode.steps;
    expect(root).toMatchObject({
      parentId: null,
      kind: 'question',
      input: 'F5',
      producer: 'expert',
    });
    expect(children(episode, root).map((step) => [step.kind, step.input])).toEqual([
      ['subquestion', 'F4'],
      ['subquestion', 'F3'],
      ['answer', 'F5\nF4=3\nF3=2'],
    ]);
    // F5 → F4, F3; F4 → F3, F2; F3 → F2, F1: four leaves at depth 2.
    const leaves = episode.steps.filter(
      (step) => step.producer === 'policy' && step.kind === 'answer',
    );
    expect(leaves.map((step) => step.input)).toEqual(['F3=', 'F2=', 'F2=', 'F1=']);
    expect(leaves.every((step) => step.kind === 'answer' && step.cost.calls === 1)).toBe(true);
    expect(policy.requests.map((request) => request.task)).toContainEqual({
      family: 'fibonacci',
      question: 'F3',
      format: 'snap',
    });
    for (const step of episode.steps) {
      expect(step.timing.durationMs).toBeGreaterThanOrEqual(0);
      if (step.kind !== 'answer') expect(children(episode, step).at(-1)?.kind).toBe('answer');
    }
    expect(root.metadata).toMatchObject({ calls: 4, memoHits: 0, budgetExhausted: false });
  });

  it('reuses the answer of a repeated sub-question (memo) and points at its source', async () => {
    const policy = slowExactPolicy();
    const episode = await decompose({ maxDepth: 2, concurrency: 1 }).run({
      problem: problem('F5'),
      family,
      policy,
    });
    // The leaf F3 (under F4) is answered first; the root's own F3 reuses it, F2 is asked once.
    expect(policy.requests.map((request) => request.prompt)).toEqual(['F3=', 'F2=']);
    const memoNodes = episode.steps.filter((step) => step.producer === 'memo');
    expect(memoNodes).toHaveLength(1);
    const [hit] = memoNodes;
    const source = episode.steps.find((step) => step.id === hit.metadata.memoOf);
    expect(source?.input).toBe(hit.input);
    expect(source?.output).toBe(hit.output);
    expect(hit.cost.calls).toBe(0);
    expect(episode.steps[0].metadata).toMatchObject({ calls: 2, memoHits: 1 });
    expect(episode.answer).toBe(String(fibonacciDigit(5)));
  });

  it('respects the depth limit: 0 is a direct answer, deep trees need no policy at all', async () => {
    const direct = scriptedPolicy({ 'F9=': '4' });
    const shallow = await decompose({ maxDepth: 0 }).run({
      problem: problem('F9'),
      family,
      policy: direct,
    });
    expect(direct.requests.map((request) => request.prompt)).toEqual(['F9=']);
    expect(shallow.steps.map((step) => [step.kind, step.producer])).toEqual([
      ['question', 'policy'],
      ['answer', 'policy'],
    ]);
    expect(shallow.answer).toBe('4');

    const silent = scriptedPolicy(() => UNKNOWN_ANSWER);
    const deep = await decompose({ maxDepth: 12 }).run({
      problem: problem('F9'),
      family,
      policy: silent,
    });
    expect(silent.requests).toHaveLength(0);
    expect(deep.answer).toBe(String(fibonacciDigit(9)));
    const depths = deep.steps.map((step) => step.metadata.depth).filter((d) => d !== undefined);
    expect(Math.max(...(depths as number[]))).toBeLessThanOrEqual(12);

    const two = scriptedPolicy(() => '0');
    const limited = await decompose({ maxDepth: 2, memo: false }).run({
      problem: problem('F9'),
      family,
      policy: two,
    });
    expect(Math.max(...(limited.steps.map((step) => step.metadata.depth ?? 0) as number[]))).toBe(
      2,
    );
    expect(two.requests).toHaveLength(4);
  });

  it('stops calling the policy when the budget is spent; the answer becomes unknown', async () => {
    const policy = slowExactPolicy();
    const episode = await decompose({ maxDepth: 1, budget: 1, memo: false }).run({
      problem: problem('F5'),
      family,
      policy,
    });
    expect(episode.status).toBe('finished');
    expect(policy.requests).toHaveLength(1);
    const exhausted = episode.steps.filter((step) => step.producer === 'budget');
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]).toMatchObject({ kind: 'answer', output: UNKNOWN_ANSWER });
    expect(episode.answer).toBe(UNKNOWN_ANSWER);
    expect(episode.steps[0].metadata).toMatchObject({ calls: 1, budgetExhausted: true });

    const none = scriptedPolicy(() => '1');
    const empty = await decompose({ maxDepth: 1, budget: 0 }).run({
      problem: problem('F5'),
      family,
      policy: none,
    });
    expect(none.requests).toHaveLength(0);
    expect(empty.answer).toBe(UNKNOWN_ANSWER);
  });

  it('keeps at most `concurrency` calls in flight and gives the same tree at any concurrency', async () => {
    const episodes: Episode[] = [];
    for (const concurrency of [1, 3, 8]) {
      const policy = slowExactPolicy();
      episodes.push(
        await decompose({ maxDepth: 3, memo: false, concurrency }).run({
          problem: problem('F8'),
          family,
          policy,
        }),
      );
      expect(policy.requests).toHaveLength(8);
      expect(policy.maximumInFlight).toBe(concurrency);
    }
    expect(shape(episodes[1])).toEqual(shape(episodes[0]));
    expect(shape(episodes[2])).toEqual(shape(episodes[0]));
    expect(episodes[0].answer).toBe(String(fibonacciDigit(8)));
  });

  it('drops a speculative sub-question the real answers would not have asked, and counts its call', async () => {
    // Q asks A; then B, unless A's answer is 7, when it asks C. Placeholder answers 0 and 1 both
    // lead to B, so B is asked alongside A — and discarded once A answers 7.
    const dependent = defineQuestionFamily<null>({
      name: 'dependent',
      description: 'test fixture',
      characters: 'ABCQ0123456789',
      options: {},
      difficulties: { min: 0, max: 0, default: 0 },
      testFraction: 0.5,
      createWorld: () => null,
      world: null,
      facts: () => [],
      questions: () => ({ kind: 'listed', questions: ['Q'] }),
      oracle: () => '72',
      decompose: (question) =>
        question === 'Q'
          ? {
              kind: 'split',
              next: (answers) =>
                answers.length === 0
                  ? 'A'
                  : answers.length === 1
                    ? answers[0] === '7'
                      ? 'C'
                      : 'B'
                    : null,
              combine: (answers) => answers.join(''),
            }
          : { kind: 'base', answer: '0' },
      answerSpace: () => listedAnswers('0123456789'.split('')),
    });
    const policy = scriptedPolicy({ 'A=': '7', 'B=': '1', 'C=': '2' });
    const episode = await decompose({ maxDepth: 1, concurrency: 2 }).run({
      problem: { ...problem('Q', '72'), family: 'dependent' },
      family: dependent,
      policy,
    });
    expect(policy.requests.map((request) => request.prompt).sort()).toEqual(['A=', 'B=', 'C=']);
    const [root] = episode.steps;
    expect(children(episode, root).map((step) => step.input)).toEqual(['A', 'C', 'Q\nA=7\nC=2']);
    expect(episode.answer).toBe('72');
    expect(root.metadata).toMatchObject({ discardedCalls: 1, calls: 3 });
    expect(episode.steps.reduce((sum, step) => sum + step.cost.calls, 0)).toBe(3);
  });

  it('records a policy failure as a failed episode instead of throwing', async () => {
    const policy = scriptedPolicy(() => {
      throw new Error('backend down');
    });
    const episode = await decompose({ maxDepth: 1 }).run({
      problem: problem('F5'),
      family,
      policy,
    });
    expect(episode.status).toBe('failed');
    expect(episode.answer).toBeNull();
    expect(episode.error?.message).toBe('backend down');
    expect(Episode.safeParse(episode).success).toBe(true);
  });

  it('keeps concurrent episodes apart: each records the tree it would record alone', async () => {
    const scaffold = decompose({ maxDepth: 3, concurrency: 3 });
    const questions = ['F8', 'F7', 'F9'];
    const alone: Episode[] = [];
    for (const question of questions) {
      alone.push(
        await scaffold.run({ problem: problem(question), family, policy: slowExactPolicy() }),
      );
    }
    const together = await Promise.all(
      questions.map((question) =>
        scaffold.run({ problem: problem(question), family, policy: slowExactPolicy() }),
      ),
    );
    expect(together.map(shape)).toEqual(alone.map(shape));
    expect(together.map((episode) => episode.answer)).toEqual(
      questions.map((question) => String(fibonacciDigit(Number(question.slice(1))))),
    );
  });

  it('records a failed batch whole or not at all: no step of an answer the expert never read', async () => {
    const policy = scriptedPolicy(async (request: GenerationRequest, index: number) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (index === 2) throw new Error('backend down');
      return String(fibonacciDigit(Number(request.prompt.slice(1, -1))));
    });
    const episode = await decompose({ maxDepth: 2, memo: false, concurrency: 1 }).run({
      problem: problem('F5'),
      family,
      policy,
    });
    expect(episode.status).toBe('failed');
    expect(episode.error?.message).toBe('backend down');
    // F5 asked F4 (its leaves F3 and F2 answered), then F3, whose leaf call F2 failed: the F3
    // batch is left out, F4's finished sub-tree stays.
    const [root] = episode.steps;
    expect(children(episode, root).map((step) => [step.kind, step.input, step.output])).toEqual([
      ['subquestion', 'F4', '3'],
    ]);
    const calls = episode.steps.filter(
      (step) => step.producer === 'policy' && step.kind === 'answer',
    );
    expect(calls.map((step) => step.input)).toEqual(['F3=', 'F2=']);
    for (const step of episode.steps.slice(1)) {
      if (step.kind !== 'answer') expect(children(episode, step).at(-1)?.kind).toBe('answer');
    }
    expect(Episode.safeParse(episode).success).toBe(true);
  });

  it('rejects environments and bad options', () => {
    expect(() => decompose().check(getFamily('camera-dropbox'))).toThrow(/environment family/);
    expect(() => decompose({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => decompose({ maxDepth: -1 })).toThrow(/maxDepth/);
  });

  it('scores 1.0 with the oracle on every question family, at every depth', async () => {
    const questionFamilies = listFamilies().filter((entry) => entry.kind === 'question');
    expect(questionFamilies.length).toBeGreaterThanOrEqual(6);
    for (const { name } of questionFamilies) {
      const taskFamily = getFamily(name, defaultFamilyOptions(name));
      const { min, max } = taskFamily.difficulties;
      const difficulties = [...new Set([min, Math.min(max, min + 1), Math.min(max, min + 2)])];
      const problems = taskFamily.generate({
        seed: 3,
        count: 12,
        split: 'test',
        difficulty: difficulties,
      });
      for (const maxDepth of [1, 3]) {
        const scaffold = decompose({ maxDepth });
        for (const item of problems) {
          const episode = await scaffold.run({
            problem: item,
            family: taskFamily,
            policy: oraclePolicy(taskFamily),
          });
          const outcome = taskFamily.grade(item, episode.answer);
          expect(
            outcome.kind === 'grade' && outcome.correct,
            `${name} ${item.question} depth ${maxDepth}`,
          ).toBe(true);
        }
      }
    }
  });
});
