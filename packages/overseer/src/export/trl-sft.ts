/**
 * TRL's conversational language-modeling format, read by `SFTTrainer`:
 * `{"messages": [{"role": "user", …}, {"role": "assistant", …}, …]}`, one line per finished
 * episode (and, with `allNodes`, per sub-question).
 */
import type { EpisodeRecord } from '../store/index.ts';
import type { ExportOptions } from './options.ts';
import { episodeNodes, nodeConversation } from './transcript.ts';
import type { EpisodeNode, Message, TranscriptMessage } from './transcript.ts';

/** One `trl-sft` line. */
export interface TrlSftRow {
  messages: Message[];
}

/** The conversations an SFT export trains on, with the steps behind each message. */
export function supervisedConversations(
  record: EpisodeRecord,
  options: ExportOptions,
): TranscriptMessage[][] {
  const nodes = episodeNodes(record);
  const chosen: EpisodeNode[] = options.allNodes ? nodes : nodes.slice(0, 1);
  return chosen.map((node) =>
    options.target === 'answer'
      ? [
          { role: 'user', content: node.question, stepIds: [] },
          { role: 'assistant', content: node.answer, stepIds: [node.step.id] },
        ]
      : nodeConversation(node),
  );
}

/** Rows of the `trl-sft` format. */
export function* trlSftRows(
  records: Iterable<EpisodeRecord>,
  options: ExportOptions = {},
): Generator<TrlSftRow> {
  for (const record of records) {
    if (record.episode.status !== 'finished') continue;
    for (const conversation of supervisedConversations(record, options)) {
      yield { messages: conversation.map(({ role, content }) => ({ role, content })) };
    }
  }
}
