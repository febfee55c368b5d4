/** One policy call from inside a scaffold, with its timing, cost and log-probs kept for the trace. */
import { OverseerError } from '../errors.ts';
import type { Cost, JsonObject } from '../spec/index.ts';
import type { Generation, GenerationRequest, Policy } from '../policies/policy.ts';
import { startClock } from './trace.ts';

/** A completion and what it took to get it. */
export interface Answered {
  text: string;
  startedAt: string;
  durationMs: number;
  cost: Cost;
  /** Log-probs and finish reason, for the step's metadata. */
  metadata: JsonObject;
}

/** Asks `policy` one request; a missing or malformed generation is an OverseerError. */
export async function ask(policy: Policy, request: GenerationRequest): Promise<Answered> {
  const clock = startClock();
  const generations = await policy.generate([request]);
  const generation: Generation | undefined = generations[0];
  if (generations.length !== 1 || typeof generation?.text !== 'string') {
    throw new OverseerError(
      'policy.bad-generation',
      `Policy ${policy.reference.name} returned ${generations.length} generations for 1 request.`,
      { hint: 'A policy returns exactly one generation per request, in order.' },
    );
  }
  const metadata: JsonObject = { finishReason: generation.finishReason };
  if (generation.logProb !== undefined) metadata.logProb = generation.logProb;
  if (generation.tokenLogProbs !== undefined) metadata.tokenLogProbs = generation.tokenLogProbs;
  return {
    text: generation.text,
    startedAt: clock.startedAt,
    durationMs: clock.stop(),
    cost: generation.cost,
    metadata,
  };
}
