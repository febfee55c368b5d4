/**
 * Grading an episode's final answer: the consequences a process-based overseer never sees. A
 * failed episode is graded as giving no answer.
 */
import type { Episode, Outcome } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { OverseerError } from '../errors.ts';

/** The outcome of an episode: the family's grade of its answer (an environment replays it). */
export function gradeEpisode(family: TaskFamily, episode: Episode): Outcome {
  if (episode.problem.family !== family.name) {
    throw new OverseerError(
      'outcome.wrong-family',
      `Episode ${episode.id} is a ${episode.problem.family} episode, not ${family.name}.`,
    );
  }
  return family.grade(episode.problem, episode.status === 'finished' ? episode.answer : null);
}
