/**
 * `chain-of-thought`: the policy writes reasoning lines, then an answer line, in the family's
 * checkable format (for `addition`: one line per digit column, then `=579`). One call writes the
 * whole completion; the trace splits it into one thought step per line and an answer step, so an
 * overseer can judge each line. The call's cost sits on the question node that made it.
 */
import { OverseerError } from '../errors.ts';
import { deriveSeed } from '../util/random.ts';
import type { RegistryReference } from '../spec/index.ts';
import type { ChainOfThought, TaskFamily } from '../tasks/family.ts';
import type { Scaffold } from './scaffold.ts';
import { ask } from './asking.ts';
import { record, recordEpisode } from './trace.ts';

/** Options of `chainOfThought`. */
export interface ChainOfThoughtOptions {
  /** Most tokens of the whole completion (default: the policy's own limit). */
  maxTokens?: number;
}

/** The chain-of-thought scaffold. */
export function chainOfThought(options: ChainOfThoughtOptions = {}): Scaffold {
  const reference: RegistryReference = {
    name: 'chain-of-thought',
    options: options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens },
  };
  const formatOf = (family: TaskFamily): ChainOfThought => {
    if (family.kind !== 'question' || family.chainOfThought === undefined) {
      throw new OverseerError(
        'scaffold.no-chain-of-thought',
        `${family.name} has no checkable chain-of-thought format.`,
        { hint: 'Use the snap or decompose scaffold, or a family with one (e.g. addition).' },
      );
    }
    return family.chainOfThought;
  };
  return {
    reference,
    answerFormat: (family) =>
      family.kind === 'question' && family.chainOfThought !== undefined
        ? 'chain-of-thought'
        : 'snap',
    amplifies: false,
    check: (family) => void formatOf(family),
    run: (run) =>
      recordEpisode(run, reference, async (root) => {
        const { family, policy, problem } = run;
        const format = formatOf(family);
        const prompt = family.prompt(problem.question, 'chain-of-thought');
        const answered = await ask(policy, {
          prompt,
          seed: deriveSeed(run.seed ?? 0, problem.id, 'chain-of-thought'),
          task: { family: family.name, question: problem.question, format: 'chain-of-thought' },
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
        });
        root.producer = 'policy';
        root.cost = answered.cost;
        root.metadata = { ...answered.metadata, completion: answered.text };
        const { thoughts, answer } = format.parse(answered.text);
        let context = prompt;
        for (const thought of thoughts) {
          record('thought', context, thought, {
            producer: 'policy',
            startedAt: answered.startedAt,
          });
          context += thought + format.separator;
        }
        if (answer !== null) {
          record('answer', context, answer, {
            producer: 'policy',
            startedAt: answered.startedAt,
            metadata: { line: format.answerLine(answer) },
          });
        }
        return answer;
      }),
  };
}
