/**
 * A scripted policy for tests of control flow: answers come from a function of the request, and
 * the policy records every request and the most requests it ever had in flight at once.
 */
import type { Generation, GenerationRequest, Policy } from '../spec/index.ts';
import { oneCall } from '../spec/index.ts';

/** What a script returns for one request: the text, or a promise of it (to hold a call open). */
export type Script = (request: GenerationRequest, callIndex: number) => string | Promise<string>;

/** A scripted policy and what it observed. */
export interface ScriptedPolicy extends Policy {
  /** Every request, in the order it arrived. */
  readonly requests: GenerationRequest[];
  /** Number of `generate` calls (batches). */
  readonly batches: number;
  /** The most requests that were in flight at the same time. */
  readonly maximumInFlight: number;
}

/** A policy that answers with `script`; an answer map is looked up by prompt (`?` when absent). */
export function scriptedPolicy(
  script: Script | Record<string, string>,
  name = 'scripted',
): ScriptedPolicy {
  const respond: Script =
    typeof script === 'function' ? script : (request) => script[request.prompt] ?? '?';
  const requests: GenerationRequest[] = [];
  let batches = 0;
  let inFlight = 0;
  let maximumInFlight = 0;
  return {
    reference: { name, options: {} },
    get requests() {
      return requests;
    },
    get batches() {
      return batches;
    },
    get maximumInFlight() {
      return maximumInFlight;
    },
    async generate(batch: readonly GenerationRequest[]): Promise<Generation[]> {
      batches += 1;
      inFlight += batch.length;
      maximumInFlight = Math.max(maximumInFlight, inFlight);
      try {
        const texts = await Promise.all(
          batch.map((request) => {
            requests.push(request);
            return respond(request, requests.length - 1);
          }),
        );
        return texts.map((text, index) => ({
          text,
          finishReason: 'scripted',
          cost: oneCall(batch[index].prompt.length, text.length),
        }));
      } finally {
        inFlight -= batch.length;
      }
    },
  };
}
