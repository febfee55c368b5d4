import { describe, expect, it } from 'vitest';
import { programOverseer } from '../overseers/program.ts';
import type { PriorStep, ProposedStep } from '../spec/index.ts';
import { expertErrsOn } from '../tasks/fallible-expert.ts';
import { permutationPowering } from '../tasks/permutation-powering.ts';
import { cachedJudge } from '../training/judgment-cache.ts';
import { amplifiedJudge, correctingJudge, countingJudge } from './run-episodes.ts';

const family = permutationPowering({ size: 4, maxBits: 3 });
const question = 'P2a';
const decomposition = family.decompose(question);
if (decomposition.kind !== 'split') throw new Error('P2a should split');
// The amplified system's tree for P2a: σ(a) asked twice, each answered by the model.
const once = family.oracle('P1a');
const tree: PriorStep[] = [
  { kind: 'subquestion', text: decomposition.next([])!, answer: once },
  { kind: 'subquestion', text: decomposition.next([once])!, answer: family.oracle(`P1${once}`) },
];
const answer = (action: string): ProposedStep => ({
  family: family.name,
  question,
  kind: 'answer',
  previous: [],
  context: family.prompt(question, 'snap'),
  action,
});

describe('the judges of process-based distillation', () => {
  const right = family.oracle(question);
  const wrong = family.oracle('P1a') === right ? family.oracle('P3a') : family.oracle('P1a');

  it('check a direct answer against the amplified tree, and give the expert’s own answer', async () => {
    const judge = amplifiedJudge(
      correctingJudge(programOverseer(family), family),
      new Map([[question, tree]]),
    );
    expect((await judge.judge(answer(right))).score).toBe(1);
    expect((await judge.judge(answer(wrong))).score).toBe(-1);
    // The expert combines the tree's sub-answers: its answer where the student's is disapproved.
    expect(await judge.correct!(answer(wrong))).toBe(right);
    expect(await judge.correct!(answer(right))).toBe(right);
    // Without a tree a direct answer is undecided, and the expert has no answer to offer.
    const bare = correctingJudge(programOverseer(family), family);
    expect((await bare.judge(answer(wrong))).score).toBe(0);
    expect(await bare.correct!(answer(wrong))).toBeUndefined();
  });

  it('count judgments and corrections as calls, and a cache hit as none', async () => {
    const counted = countingJudge(correctingJudge(programOverseer(family), family));
    const judge = cachedJudge(amplifiedJudge(counted, new Map([[question, tree]])));
    for (let sample = 0; sample < 8; sample++) await judge.judge(answer(wrong));
    await judge.judge(answer(right));
    await judge.correct!(answer(wrong));
    await judge.correct!(answer(wrong));
    expect(counted.calls).toBe(3);
    expect(judge.hits).toBe(8);
    // A judge without corrections stays without them.
    expect(countingJudge(programOverseer(family)).correct).toBeUndefined();
  });

  it('correct with the fallible expert’s own step, not the exact one, while the check stays exact', async () => {
    // A seed that puts P2a in the expert's error class.
    let expertErrorSeed = 0;
    while (!expertErrsOn({ expertErrorRate: 0.5, expertErrorSeed }, question)) expertErrorSeed += 1;
    const fallible = permutationPowering({
      size: 4,
      maxBits: 3,
      expertErrorRate: 0.5,
      expertErrorSeed,
    });
    const own = fallible.decompose(question);
    if (own.kind !== 'split') throw new Error('P2a should split');
    const slipped = own.combine([once, family.oracle(`P1${once}`)]);
    const right = family.oracle(question);
    expect(slipped).not.toBe(right);
    const judge = amplifiedJudge(
      correctingJudge(programOverseer(fallible), fallible),
      new Map([[question, tree]]),
    );
    expect((await judge.judge(answer(right))).score).toBe(1);
    expect((await judge.judge(answer(slipped))).score).toBe(-1);
    expect(await judge.correct!(answer(right))).toBe(slipped);
    expect(await judge.correct!(answer(slipped))).toBe(slipped);
  });
});
