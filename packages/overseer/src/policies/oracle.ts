/**
 * The `oracle` policy: answers every question with the family's exact solver. It is the ceiling
 * every scaffold should reach (decompose + oracle scores 1.0) and the harness's sanity check.
 */
import type { TaskFamily } from '../tasks/family.ts';
import { readTask } from './task-reading.ts';
import type { Generation, GenerationRequest, Policy } from '../spec/index.ts';
import { oneCall } from '../spec/index.ts';

/** The exact answer in the format asked: the answer, or the whole correct chain of thought. */
export function oracleCompletion(
  family: TaskFamily,
  question: string,
  format: 'snap' | 'chain-of-thought',
): string {
  if (
    format === 'chain-of-thought' &&
    family.kind === 'question' &&
    family.chainOfThought !== undefined
  ) {
    const { trace, separator } = family.chainOfThought;
    return trace(question).join(separator);
  }
  return family.oracle(question);
}

/** A policy that answers with `family.oracle` (or its exact chain of thought). */
export function oraclePolicy(family: TaskFamily): Policy {
  return {
    reference: { name: 'oracle', options: {} },
    generate: async (requests: readonly GenerationRequest[]): Promise<Generation[]> =>
      requests.map((request) => {
        const { question, format } = readTask(family, request, 'oracle');
        const text = oracleCompletion(family, question, format);
        return {
          text,
          // The oracle is deterministic: its answer has probability 1.
          logProb: 0,
          finishReason: 'end',
          cost: oneCall(request.prompt.length, text.length),
        };
      }),
  };
}
