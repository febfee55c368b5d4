/**
 * PRM800K's labeled-solution format (Lightman et al. 2023, github.com/openai/prm800k): one line
 * per episode with judged steps, the overseer as the labeler. Each root-level step is one
 * `label.steps` entry with a single completion rated −1/0/+1. As in PRM800K's phase 2, labeling
 * stops at the first error (`found_error`; that step's `chosen_completion` is null); otherwise
 * a finished episode with every step rated is a `solution`, and one whose judging stopped early
 * or that failed is `give_up` (`bad_problem` has no source here). The finish reason comes from
 * the judgments alone, never from the outcome, so the labels stay on paper.
 */
import type { EpisodeRecord } from '../store/index.ts';
import type { ExportOptions } from './options.ts';
import {
  judgedPrefix,
  judgmentsByStep,
  ratingOf,
  rootNode,
  transcriptLines,
} from './transcript.ts';

/** Why labeling of a solution ended, in PRM800K's words. */
export type Prm800kFinishReason = 'found_error' | 'solution' | 'bad_problem' | 'give_up';

/** One rated candidate step. */
export interface Prm800kCompletion {
  text: string;
  rating: -1 | 0 | 1;
  flagged: boolean | null;
}

/** One `prm800k` line. */
export interface Prm800kRow {
  labeler: string;
  timestamp: string;
  generation: number | null;
  is_quality_control_question: boolean;
  is_initial_screening_question: boolean;
  question: {
    problem: string;
    ground_truth_answer?: string;
    pre_generated_steps: string[];
    pre_generated_answer: string | null;
  };
  label: {
    steps: Array<{
      completions: Prm800kCompletion[];
      human_completion: null;
      chosen_completion: number | null;
    }>;
    total_time: number;
    finish_reason: Prm800kFinishReason;
  };
}

/** Rows of the `prm800k` format. */
export function* prm800kRows(
  records: Iterable<EpisodeRecord>,
  options: ExportOptions = {},
): Generator<Prm800kRow> {
  for (const record of records) {
    const { episode } = record;
    if (episode.status === 'running') continue;
    const root = rootNode(record);
    if (root === undefined) continue;
    const lines = transcriptLines(root);
    const judged = judgedPrefix(lines, judgmentsByStep(record, options.overseer));
    if (judged.length === 0) continue;
    const firstError = judged.findIndex((line) => ratingOf(line.judgment) === -1);
    const labeled = firstError === -1 ? judged : judged.slice(0, firstError + 1);
    let finishReason: Prm800kFinishReason = 'give_up';
    if (firstError !== -1) finishReason = 'found_error';
    else if (episode.status === 'finished' && judged.length === lines.length) {
      finishReason = 'solution';
    }
    const labelers = [...new Set(labeled.map((line) => line.judgment.overseer.name))];
    yield {
      labeler: labelers.join('+'),
      timestamp: episode.finishedAt ?? episode.startedAt,
      generation: record.iteration,
      is_quality_control_question: false,
      is_initial_screening_question: false,
      question: {
        problem: root.question,
        ...(episode.problem.answer === undefined
          ? {}
          : { ground_truth_answer: episode.problem.answer }),
        pre_generated_steps: lines.map((line) => line.text),
        pre_generated_answer: episode.answer,
      },
      label: {
        steps: labeled.map((line, index) => ({
          completions: [{ text: line.text, rating: ratingOf(line.judgment), flagged: null }],
          human_completion: null,
          // As in PRM800K, the trajectory does not go on through an error: no chosen completion.
          chosen_completion: index === firstError ? null : 0,
        })),
        total_time: Math.round(
          labeled.reduce((total, line) => total + (line.judgment.durationMs ?? 0), 0),
        ),
        finish_reason: finishReason,
      },
    };
  }
}
