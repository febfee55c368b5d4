/**
 * OpenAI's chat fine-tuning format: `{"messages": [{"role": "system" | "user" | "assistant",
 * "content": …, "weight"?: 0 | 1}]}`, one line per finished episode. With `weights`, an
 * assistant message gets weight 0 when an overseer judged one of its steps ≤ 0, so the trainer
 * learns only the steps the overseer approved (process-based imitation).
 */
import type { EpisodeRecord } from '../store/index.ts';
import type { ExportOptions } from './options.ts';
import { judgmentsByStep } from './transcript.ts';
import { supervisedConversations } from './trl-sft.ts';

/** One message of an `openai-sft` line. */
export interface OpenAiMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  weight?: 0 | 1;
}

/** One `openai-sft` line. */
export interface OpenAiSftRow {
  messages: OpenAiMessage[];
}

/** Rows of the `openai-sft` format. */
export function* openAiSftRows(
  records: Iterable<EpisodeRecord>,
  options: ExportOptions = {},
): Generator<OpenAiSftRow> {
  for (const record of records) {
    if (record.episode.status !== 'finished') continue;
    const judgments = judgmentsByStep(record, options.overseer);
    for (const conversation of supervisedConversations(record, options)) {
      const messages: OpenAiMessage[] = conversation.map(({ role, content, stepIds }) => {
        if (!options.weights || role !== 'assistant') return { role, content };
        const approved = stepIds.every((id) => (judgments.get(id)?.score ?? 1) > 0);
        return { role, content, weight: approved ? 1 : 0 };
      });
      // An example with nothing to learn from would only cost tokens.
      if (options.weights && !messages.some((message) => message.weight === 1)) continue;
      yield {
        messages:
          options.system === undefined
            ? messages
            : [{ role: 'system', content: options.system }, ...messages],
      };
    }
  }
}
