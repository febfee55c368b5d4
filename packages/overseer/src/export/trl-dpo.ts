/**
 * TRL's preference format, read by `DPOTrainer`: `{"prompt", "chosen", "rejected"}`. Pairs come
 * from judged steps proposed in the same context — the node's question and the same earlier
 * lines — across all the run's episodes (several samples of one problem share their first
 * contexts): of two different proposals, the one the overseer scored higher is `chosen`.
 */
import { createHash } from 'node:crypto';
import type { EpisodeRecord } from '../store/index.ts';
import type { ExportOptions } from './options.ts';
import { episodeNodes, judgmentsByStep, transcriptLines } from './transcript.ts';

/** One `trl-dpo` line. */
export interface TrlDpoRow {
  prompt: string;
  chosen: string;
  rejected: string;
}

interface Candidate {
  proposal: string;
  total: number;
  count: number;
}

interface Context {
  /** The prompt's text, kept only once a second proposal arrives (most contexts have one). */
  prompt: string | null;
  candidates: Map<string, Candidate>;
}

/**
 * The prompt a step was proposed after: its node's question and the earlier lines, each on its
 * own line, ending with a newline so the completion starts a line of its own.
 */
export function contextPrompt(question: string, earlier: string[]): string {
  return `${[question, ...earlier].join('\n')}\n`;
}

/** Rows of the `trl-dpo` format. */
export function* trlDpoRows(
  records: Iterable<EpisodeRecord>,
  options: ExportOptions = {},
): Generator<TrlDpoRow> {
  const margin = options.margin ?? 0;
  // Contexts grow with every line, so their texts would take memory quadratic in the episode's
  // length: they are keyed by a digest instead. Insertion-ordered maps keep the output in the
  // order things were logged.
  const contexts = new Map<string, Context>();
  for (const record of records) {
    const judgments = judgmentsByStep(record, options.overseer);
    for (const node of episodeNodes(record)) {
      const earlier: string[] = [];
      for (const line of transcriptLines(node)) {
        const judgment = judgments.get(line.step.id);
        if (judgment !== undefined) {
          // An action's observation belongs to the prompt; the policy wrote only the action.
          const prompt = contextPrompt(
            node.question,
            line.observation === null ? earlier : [...earlier, line.observation],
          );
          const key = createHash('sha256').update(prompt).digest('base64');
          const context = contexts.get(key) ?? { prompt: null, candidates: new Map() };
          contexts.set(key, context);
          const candidate = context.candidates.get(line.proposal) ?? {
            proposal: line.proposal,
            total: 0,
            count: 0,
          };
          candidate.total += judgment.score;
          candidate.count += 1;
          context.candidates.set(line.proposal, candidate);
          if (context.candidates.size > 1) context.prompt ??= prompt;
        }
        earlier.push(line.text);
      }
    }
  }
  for (const { prompt, candidates } of contexts.values()) {
    if (prompt === null) continue;
    const list = [...candidates.values()];
    let pairs = 0;
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) {
        if (options.maxPairsPerPrompt !== undefined && pairs >= options.maxPairsPerPrompt) break;
        const first = list[i].total / list[i].count;
        const second = list[j].total / list[j].count;
        if (Math.abs(first - second) <= margin) continue;
        const [chosen, rejected] = first > second ? [list[i], list[j]] : [list[j], list[i]];
        yield { prompt, chosen: chosen.proposal, rejected: rejected.proposal };
        pairs += 1;
      }
    }
  }
}
