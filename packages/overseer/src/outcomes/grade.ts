/**
 * Grading an episode's final answer: the consequences a process-based overseer never sees. A
 * failed episode is graded as giving no answer.
 */
import type { Episode, Outcome } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { OverseerError } from '../errors.ts';
import { isCodeFamily } from '../tasks/trojan-functions.ts';
import { gradeCodeAnswer } from './code-tests.ts';

/** The outcome of an episode: the family's grade of its answer (an environment replays it). */
export function gradeEpisode(family: TaskFamily, episode: Episode): Outcome {
  return family.grade(episode.problem, gradedAnswer(family, episode));
}

/**
 * The outcome of an episode, waiting for the grade when the family's grading calls a model (a
 * dataset graded by \`model-graded\`) or runs code in the sandbox (trojan-js, trojan-py:
 * code-tests.ts); otherwise the same as \`gradeEpisode\`.
 */
export async function gradeEpisodeAsync(family: TaskFamily, episode: Episode): Promise<Outcome> {
  const answer = gradedAnswer(family, episode);
  if (isCodeFamily(family)) return gradeCodeAnswer(family, episode.problem, answer);
  if (family.kind === 'question' && family.gradeAsync !== undefined) {
    return family.gradeAsync(episode.problem, answer);
  }
  return family.grade(episode.problem, answer);
}

/** The answer graded: none for a failed episode; an episode of another family is refused. */
function gradedAnswer(family: TaskFamily, episode: Episode): string | null {
  if (episode.problem.family !== family.name) {
    throw new OverseerError(
      'outcome.wrong-family',
      `Episode ${episode.id} is a ${episode.problem.family} episode, not ${family.name}.`,
    );
  }
  return episode.status === 'finished' ? episode.answer : null;
}
