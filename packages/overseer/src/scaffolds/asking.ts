/** One policy call from inside a scaffold, with its timing, cost and log-probs kept for the trace. */
import { OverseerError } from '../errors.ts';
import type { ChatGeneration, ChatToolCall } from '../policies/chat.ts';
import type { Cost, Generation, GenerationRequest, JsonObject, Policy } from '../spec/index.ts';
import { UNKNOWN_ANSWER } from '../tasks/family.ts';
import { startClock } from '../util/trace.ts';
import { record, traced } from './trace.ts';

/** A completion and what it took to get it. */
export interface Answered {
  text: string;
  startedAt: string;
  durationMs: number;
  cost: Cost;
  /** Log-probs and finish reason, for the step's metadata. */
  metadata: JsonObject;
  /** The reply's tool calls, where the request offered tools and the backend calls them. */
  toolCalls?: ChatToolCall[];
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
  const toolCalls = (generation as ChatGeneration).toolCalls;
  return {
    text: generation.text,
    startedAt: clock.startedAt,
    durationMs: clock.stop(),
    cost: generation.cost,
    metadata,
    ...(toolCalls === undefined || toolCalls.length === 0 ? {} : { toolCalls }),
  };
}

/**
 * Asks `policy` as an `answer` step under the running node: `input` is what the step records as
 * asked, the reply its output, the call's cost and log-probs its own. Returns the reply.
 */
export function answerStep(
  input: string,
  policy: Policy,
  request: GenerationRequest,
): Promise<string> {
  return traced(
    'answer',
    input,
    async (self) => {
      const answered = await ask(policy, request);
      self.cost = answered.cost;
      self.metadata = answered.metadata;
      return answered.text;
    },
    { producer: 'policy' },
  );
}

/** Records that the call budget ran out before `input` could be asked: the answer is unknown. */
export function budgetAnswer(input: string): string {
  const metadata = { budgetExhausted: true };
  return record('answer', input, UNKNOWN_ANSWER, { producer: 'budget', metadata }).output;
}
