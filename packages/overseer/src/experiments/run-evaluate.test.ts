import { describe, expect, it } from 'vitest';
import { programOverseer } from '../overseers/program.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { chainOfThought } from '../scaffolds/chain-of-thought.ts';
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
