/**
 * TRL's stepwise-supervision format, read by `PRMTrainer`:
 * `{"prompt": str, "completions": [str…], "labels": [bool…]}`. One line per node whose steps
 * were judged — the root, and each sub-question that has steps of its own — with the judged
 * steps in order (labeling stops at the first unjudged one); a label is `score > 0`.
 */
import type { EpisodeRecord } from '../store/index.ts';
import type { ExportOptions } from './options.ts';
import { episodeNodes, judgedPrefix, judgmentsByStep, transcriptLines } from './transcript.ts';

/** One `trl-prm` line. */
export interface TrlPrmRow {
  prompt: string;
  completions: string[];
  labels: boolean[];
}

/** Rows of the `trl-prm` format. */
export function* trlPrmRows(
  records: Iterable<EpisodeRecord>,
  options: ExportOptions = {},
): Generator<TrlPrmRow> {
  for (const record of records) {
    const judgments = judgmentsByStep(record, options.overseer);
    for (const node of episodeNodes(record)) {
      const judged = judgedPrefix(transcriptLines(node), judgments);
      if (judged.length === 0) continue;
      yield {
        prompt: node.question,
        completions: judged.map((line) => line.text),
        labels: judged.map((line) => line.judgment.score > 0),
      };
    }
  }
}
