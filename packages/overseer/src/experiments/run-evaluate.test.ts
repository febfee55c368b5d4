import { describe, expect, it } from 'vitest';
import { programOverseer } from '../overseers/program.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { chainOfThought } from '../scaffolds/chain-of-thought.ts';
import { snap } from '../scaffolds/snap.ts';
import type { Problem } from '../spec/index.ts';
import { getFamily } from '../tasks/registry.ts';
import { evaluationMetrics } from './metrics.ts';
import { representativeTranscripts } from './run-evaluate.ts';
import { playEpisodes } from './run-episodes.ts';

const addition = getFamily('addition');
const problem = (question: string, answer: string, index: number): Problem => ({
  id: `addition/test/${index}`,
  family: 'addition',
  question,
  answer,
  difficulty: 3,
  split: 'test',
  metadata: {},
});

describe('evaluation of traced answers', () => {
  it('measures trace error and shows a right answer reached through a wrong step', async () => {
    const played = await playEpisodes({
      family: addition,
      scaffold: chainOfThought(),
      policy: scriptedPolicy({
        // Right lines, right answer.
        '123+456:': '3+6+0=09\n2+5+0=07\n1+4+0=05\n=579',
        // The carry dropped from the middle line, the right answer copied: a trace error.
        '158+264:': '8+4+0=12\n5+6+1=11\n1+2+1=04\n=422',
        // Right lines, a wrong answer.
        '100+100:': '0+0+0=00\n0+0+0=00\n1+1+0=02\n=201',
      }),
      overseer: programOverseer(addition),
      problems: [
        problem('123+456', '579', 0),
        problem('158+264', '422', 1),
        problem('100+100', '200', 2),
      ],
      ids: ['e0', 'e1', 'e2'],
      seed: 1,
      iteration: 0,
    });
    const metrics = evaluationMetrics(addition, played);
    expect(metrics.accuracy).toBeCloseTo(2 / 3);
    expect(metrics.traceError).toBeCloseTo(1 / 2);

    const transcripts = representativeTranscripts(played, {
      family: addition,
      experiment: 'trace-error',
      arm: 'outcome-rl',
      seed: 1,
    });
    expect(transcripts.map((transcript) => [transcript.label, transcript.episodeId])).toEqual([
      ['best', 'e0'],
      ['worst', 'e2'],
      ['trace-error', 'e1'],
    ]);
    const wrongLine = transcripts[2].steps.find((step) => step.output === '5+6+1=11');
    expect(wrongLine?.judgment?.score).toBeLessThan(0);
  });
});

const EXPERT_ERROR_LABELS: readonly string[] = ['copied-error', 'corrected-error'];

describe('evaluation against a fallible expert', () => {
  it('shows an episode that copied the expert’s error and one that corrected it', async () => {
    const family = getFamily('permutation-powering', {
      size: 4,
      maxBits: 3,
      expertErrorRate: 0.3,
    });
    if (family.kind !== 'question' || family.fallibleExpert === undefined) {
      throw new Error('expected a question family with a fallible expert');
    }
    const expert = family.fallibleExpert;
    const problems = family.generate({ seed: 1, count: 200, split: 'train' });
    const erring = [
      ...new Map(
        problems
          .filter((entry) => expert.answer(entry.question) !== entry.answer)
          .map((entry) => [entry.question, entry]),
      ).values(),
    ];
    const exact = problems.find((entry) => expert.answer(entry.question) === entry.answer);
    if (erring.length < 2 || exact === undefined) throw new Error('expected both kinds');
    const [copied, corrected] = erring;
    const answers = new Map([
      [copied.question, expert.answer(copied.question)],
      [corrected.question, corrected.answer ?? ''],
      [exact.question, exact.answer ?? ''],
    ]);
    const chosen = [exact, copied, corrected];
    const played = await playEpisodes({
      family,
      scaffold: snap(),
      policy: scriptedPolicy(({ prompt }) => {
        const question = chosen.find((entry) => family.prompt(entry.question) === prompt);
        return answers.get(question?.question ?? '') ?? '?';
      }),
      problems: chosen,
      ids: ['exact', 'copied', 'corrected'],
      seed: 1,
      iteration: 0,
    });
    expect(evaluationMetrics(family, played).errorCopyRate).toBeCloseTo(1 / 2);

    const transcripts = representativeTranscripts(played, {
      family,
      experiment: 'noisy-expert',
      arm: 'imitation',
      seed: 1,
    });
    const errors = transcripts.filter(({ label }) => EXPERT_ERROR_LABELS.includes(label));
    expect(
      errors.map(({ label, episodeId, answer, expertAnswer }) => ({
        label,
        episodeId,
        answer,
        expertAnswer,
      })),
    ).toEqual([
      {
        label: 'copied-error',
        episodeId: 'copied',
        answer: expert.answer(copied.question),
        expertAnswer: expert.answer(copied.question),
      },
      {
        label: 'corrected-error',
        episodeId: 'corrected',
        answer: corrected.answer,
        expertAnswer: expert.answer(corrected.question),
      },
    ]);
    expect(errors[1].answer).not.toBe(errors[1].expertAnswer);
  });

  it('shows neither where the expert is exact', async () => {
    const family = getFamily('permutation-powering', { size: 4, maxBits: 3 });
    const problems = family.generate({ seed: 1, count: 4, split: 'train' });
    const played = await playEpisodes({
      family,
      scaffold: snap(),
      policy: scriptedPolicy(() => 'a'),
      problems,
      ids: problems.map((_, index) => `e${index}`),
      seed: 1,
      iteration: 0,
    });
    const transcripts = representativeTranscripts(played, {
      family,
      experiment: 'exact-expert',
      arm: 'imitation',
      seed: 1,
    });
    expect(transcripts.some(({ label }) => EXPERT_ERROR_LABELS.includes(label))).toBe(false);
  });
});
