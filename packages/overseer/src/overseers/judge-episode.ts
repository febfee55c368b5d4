/** Judging a whole episode: every proposal its trace implies, in order, by one overseer. */
import type { Episode, Judgment } from '../spec/index.ts';
import type { Overseer } from './overseer.ts';
import { proposalsOf } from './proposals.ts';

/** A judgment keyed by the step it judged. */
export interface StepJudgment {
  stepId: string;
  judgment: Judgment;
}

/** Judges the episode's steps one after another (so a seeded overseer is reproducible). */
export async function judgeEpisode(overseer: Overseer, episode: Episode): Promise<StepJudgment[]> {
  const judgments: StepJudgment[] = [];
  for (const { stepId, proposal } of proposalsOf(episode)) {
    judgments.push({ stepId, judgment: await overseer.judge(proposal) });
  }
  return judgments;
}
