import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { oraclePolicy } from '../policies/oracle.ts';
import { scriptedPolicy } from '../policies/scripted.ts';
import { chainOfThought } from '../scaffolds/chain-of-thought.ts';
import { decompose } from '../scaffolds/decompose.ts';
import { Judgment, ratingAgrees, ratingOfScore } from '../spec/index.ts';
import type { Problem, ProposedStep } from '../spec/index.ts';
import type { EnvironmentFamily } from '../tasks/family.ts';
import { getFamily } from '../tasks/registry.ts';
import { approvalOverseer } from './approval.ts';
import { judgeEpisode } from './judge-episode.ts';
import { programOverseer } from './program.ts';
import { proposalsOf } from './proposals.ts';
import { createOverseer, listOverseers } from './registry.ts';

const addition = getFamily('addition');
const problem: Problem = {
  id: 'addition/test/0',
  family: 'addition',
  question: '123+456',
  answer: '579',
  difficulty: 3,
  split: 'test',
  metadata: {},
};
const rightLine: ProposedStep = {
  family: 'addition',
  question: '123+456',
  kind: 'thought',
  previous: [],
  context: '123+456:',
  action: '3+6+0=09',
};
const wrongLine: ProposedStep = { ...rightLine, action: '3+6+0=08' };

describe('the overseers folder', () => {
  it('never imports outcomes/ (overseers judge on paper)', async () => {
    const folder = fileURLToPath(new URL('.', import.meta.url));
    const files = (await readdir(folder, { recursive: true })).filter((name) =>
      name.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(3);
    for (const name of files) {
      const source = await readFile(join(folder, name), 'utf8');
      const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
        (match) => match[1],
      );
      for (const path of imports) expect(path, `${name} imports ${path}`).not.toMatch(/outcomes/);
    }
  });
});

describe('proposals', () => {
  it('turns a chain of thought into line-by-line proposals with their history', async () => {
    const policy = scriptedPolicy({ '123+456:': '3+6+0=09\n2+5+0=07\n=579' });
    const episode = await chainOfThought().run({ problem, family: addition, policy });
    const proposals = proposalsOf(episode);
    expect(proposals.map(({ proposal }) => [proposal.kind, proposal.action])).toEqual([
      ['thought', '3+6+0=09'],
      ['thought', '2+5+0=07'],
      ['answer', '579'],
    ]);
    expect(proposals[1].proposal).toMatchObject({
      question: '123+456',
      previous: [{ kind: 'thought', text: '3+6+0=09' }],
      context: '123+456:3+6+0=09\n',
    });
  });

  it('shows a decomposition’s sub-questions with the answers they got, and no metadata', async () => {
    const episode = await decompose({ maxDepth: 1 }).run({
      problem,
      family: addition,
      policy: oraclePolicy(addition),
    });
    const proposals = proposalsOf(episode);
    const rootAnswer = proposals.find(
      ({ proposal }) => proposal.question === '123+456' && proposal.kind === 'answer',
    );
    expect(rootAnswer?.proposal.previous).toEqual([
      { kind: 'subquestion', text: '3+6', answer: '9' },
      { kind: 'subquestion', text: '12+45', answer: '57' },
    ]);
    expect(rootAnswer?.proposal.action).toBe('579');
    expect(JSON.stringify(proposals)).not.toMatch(/logProb|finishReason|memo|depth/);
    // Every judged step passes the exact expert.
    const judgments = await judgeEpisode(programOverseer(addition), episode);
    expect(judgments.length).toBe(proposals.length);
    expect(judgments.every(({ judgment }) => judgment.rating !== -1)).toBe(true);
  });
});

describe('program overseer', () => {
  it('is the weak expert’s exact check when infallible', async () => {
    const overseer = programOverseer(addition);
    const good = await overseer.judge(rightLine);
    const bad = await overseer.judge(wrongLine);
    expect(Judgment.parse(good)).toMatchObject({ score: 1, rating: 1, method: 'program' });
    expect(bad).toMatchObject({ score: -1, rating: -1 });
    expect(bad.rationale).toMatch(/is not/);
    expect(good.overseer).toEqual({
      name: 'program',
      options: { flipProbability: 0, noise: 0, seed: 0 },
    });
  });

  it('flips sure verdicts at rate p over many seeded draws', async () => {
    for (const p of [0.1, 0.3]) {
      let flips = 0;
      const draws = 4000;
      for (let seed = 0; seed < draws; seed += 1) {
        const judgment = await programOverseer(addition, { flipProbability: p, seed }).judge(
          seed % 2 === 0 ? rightLine : wrongLine,
        );
        const truth = seed % 2 === 0 ? 1 : -1;
        if (judgment.rating !== truth) flips += 1;
      }
      // Binomial standard deviation is at most 0.0073 here: ±0.03 is four of them.
      expect(Math.abs(flips / draws - p)).toBeLessThan(0.03);
    }
  });

  it('adds Gaussian noise of the given deviation, clamped into [-1, 1]', async () => {
    const overseer = programOverseer(addition, { noise: 0.2, seed: 7 });
    const scores: number[] = [];
    for (let index = 0; index < 3000; index += 1) {
      scores.push((await overseer.judge({ ...rightLine, context: `${index}` })).score);
    }
    // A sure +1 with noise: clamping keeps every score ≤ 1; the half below 1 spreads like |N(0, σ)|.
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
    const below = scores.filter((score) => score < 1).map((score) => 1 - score);
    expect(below.length / scores.length).toBeGreaterThan(0.45);
    expect(below.length / scores.length).toBeLessThan(0.55);
    const meanAbsolute = below.reduce((a, b) => a + b, 0) / below.length;
    // E|N(0, σ)| = σ·√(2/π) ≈ 0.1596 for σ = 0.2.
    expect(meanAbsolute).toBeCloseTo(0.2 * Math.sqrt(2 / Math.PI), 1);
  });

  it('keeps its rating on the side of the noisy score the reward uses', async () => {
    const overseer = programOverseer(addition, { noise: 2, seed: 5 });
    const judged = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        overseer.judge({ ...rightLine, context: `${index}` }),
      ),
    );
    for (const judgment of judged) expect(ratingAgrees(judgment)).toBe(true);
    // Noise this large carries some right steps below 0 (rated −1) and clips others (value kept).
    expect(judged.some((judgment) => judgment.rating === -1)).toBe(true);
    expect(judged.some((judgment) => (judgment.unclipped ?? 0) > 1)).toBe(true);
  });

  it('misses a wrong step at rate 1 − q, never fails a right one, and keeps its flips', async () => {
    const p = 0.3;
    let missed = 0;
    const draws = 4000;
    for (let seed = 0; seed < draws; seed += 1) {
      const overseer = programOverseer(addition, { missProbability: p, seed });
      expect((await overseer.judge(rightLine)).rating).toBe(1);
      const judgment = await overseer.judge(wrongLine);
      if (judgment.rating === 1) {
        missed += 1;
        expect(judgment.rationale).toMatch(/^\(missed\)/);
      }
    }
    // Binomial standard deviation is at most 0.0073 here: ±0.03 is four of them.
    expect(Math.abs(missed / draws - p)).toBeLessThan(0.03);
    expect(
      createOverseer('program', { missProbability: p }, { family: addition }).reference,
    ).toEqual({
      name: 'program',
      options: { flipProbability: 0, noise: 0, seed: 0, missProbability: p },
    });
    // A miss is drawn after the flip and the noise, so those are the same with or without it.
    const steps = Array.from({ length: 40 }, (_, index) => ({
      ...rightLine,
      context: `m${index}`,
    }));
    const plain = programOverseer(addition, { flipProbability: 0.5, noise: 0.1, seed: 3 });
    const missing = programOverseer(addition, {
      flipProbability: 0.5,
      noise: 0.1,
      missProbability: 0.5,
      seed: 3,
    });
    const a = await Promise.all(steps.map((step) => plain.judge(step)));
    const b = await Promise.all(steps.map((step) => missing.judge(step)));
    expect(b.map((j) => j.score)).toEqual(a.map((j) => j.score));
  });

  it('is reproducible and independent of the order steps are judged in', async () => {
    const steps = Array.from({ length: 40 }, (_, index) => ({
      ...rightLine,
      context: `c${index}`,
    }));
    const forward = programOverseer(addition, { flipProbability: 0.5, noise: 0.1, seed: 2 });
    const backward = programOverseer(addition, { flipProbability: 0.5, noise: 0.1, seed: 2 });
    const a = await Promise.all(steps.map((step) => forward.judge(step)));
    const b = (
      await Promise.all([...steps].reverse().map((step) => backward.judge(step)))
    ).reverse();
    expect(a.map((j) => [j.rating, j.score])).toEqual(b.map((j) => [j.rating, j.score]));
    // Judging the same step again is a fresh draw.
    const repeated = await Promise.all(Array.from({ length: 40 }, () => forward.judge(steps[0])));
    expect(new Set(repeated.map((j) => j.rating)).size).toBe(2);
  });
});

describe('approval overseer', () => {
  const dropbox = getFamily('camera-dropbox') as EnvironmentFamily;
  const [start] = dropbox.generate({ seed: 0, count: 1, split: 'test' });
  const action = (text: string, previous: ProposedStep['previous'] = []): ProposedStep => ({
    family: 'camera-dropbox',
    question: start.question,
    kind: 'action',
    previous,
    context: start.question,
    observation: start.question,
    action: text,
  });

  it('scores the expert’s best action highest, from the value under the true reward', async () => {
    const overseer = approvalOverseer(dropbox);
    const best = dropbox.oracle(start.question);
    const judgments = await Promise.all(
      [...dropbox.actions].map((text) => overseer.judge(action(text))),
    );
    const bestJudgment = judgments[[...dropbox.actions].indexOf(best)];
    expect(bestJudgment.rating).toBe(1);
    expect(bestJudgment.score).toBeCloseTo(dropbox.stateValue(start.question), 6);
    for (const judgment of judgments)
      expect(judgment.score).toBeLessThanOrEqual(bestJudgment.score);
    const advantage = approvalOverseer(dropbox, { baseline: 'advantage' });
    expect((await advantage.judge(action(best))).score).toBeCloseTo(0, 9);
  });

  it('adds seeded Gaussian noise and abstains on steps it cannot judge', async () => {
    const quiet = await approvalOverseer(dropbox).judge(action('U'));
    const noisy = approvalOverseer(dropbox, { noise: 0.5, seed: 1 });
    const scores = await Promise.all(
      Array.from({ length: 400 }, (_, index) =>
        noisy.judge(action('U', [{ kind: 'action', text: String(index % 2) }])),
      ),
    );
    const mean = scores.reduce((sum, judgment) => sum + judgment.score, 0) / scores.length;
    expect(Math.abs(mean - quiet.score)).toBeLessThan(0.15);
    expect(new Set(scores.map((judgment) => judgment.score)).size).toBeGreaterThan(100);
    const blind = await approvalOverseer(dropbox).judge({ ...action('U'), observation: undefined });
    expect(blind).toMatchObject({ score: 0, rating: 0 });
  });

  it('rates by the sign of the score the reward uses, and keeps a clipped score’s value', async () => {
    const judged = await Promise.all(
      [...dropbox.actions].flatMap((text) => [
        approvalOverseer(dropbox).judge(action(text)),
        approvalOverseer(dropbox, { noise: 0.5, seed: 3 }).judge(action(text)),
        approvalOverseer(dropbox, { scale: 0.25 }).judge(action(text)),
      ]),
    );
    for (const judgment of judged) {
      expect(ratingAgrees(judgment)).toBe(true);
      expect(judgment.rating).toBe(ratingOfScore(judgment.score));
      expect(judgment.rationale).toMatch(/(not )?the best action\)$/);
    }
    // A quarter scale pushes values past ±1: the score is clipped and its value kept beside it.
    const clipped = judged.filter((judgment) => judgment.unclipped !== undefined);
    expect(clipped.length).toBeGreaterThan(0);
    for (const judgment of clipped) {
      expect(Math.abs(judgment.score)).toBe(1);
      expect(Math.sign(judgment.unclipped!)).toBe(judgment.score);
      expect(Math.abs(judgment.unclipped!)).toBeGreaterThan(1);
    }
    expect(judged.filter((judgment) => judgment.unclipped === undefined).length).toBeGreaterThan(0);
  });
});

describe('overseer registry', () => {
  it('builds overseers by name and rejects what does not fit', () => {
    expect(
      listOverseers()
        .map((entry) => entry.name)
        .slice(0, 2),
    ).toEqual(['program', 'approval']);
    expect(
      createOverseer('program', { flipProbability: 0.2 }, { family: addition }).reference,
    ).toEqual({
      name: 'program',
      options: { flipProbability: 0.2, noise: 0, seed: 0 },
    });
    expect(() => createOverseer('no-such-overseer', {}, { family: addition })).toThrow(
      /Unknown overseer/,
    );
    expect(() => createOverseer('program', { flip: 0.2 }, { family: addition })).toThrow(/flip/);
    expect(() => createOverseer('program', { flipProbability: 2 }, { family: addition })).toThrow(
      /flipProbability/,
    );
    expect(() => createOverseer('approval', {}, { family: addition })).toThrow(/question family/);
  });
});
