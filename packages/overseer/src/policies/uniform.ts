/**
 * The `uniform` policy: answers uniformly at random from the family's answer space — the floor a
 * trained policy must beat. Seeded: a request's seed (or else the policy's own stream) fixes it.
 */
import { deriveSeed, Random } from '../util/random.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { readTask } from './task-reading.ts';
import type { Generation, GenerationRequest, Policy } from '../spec/index.ts';
import { oneCall } from '../spec/index.ts';

/** Options of the uniform policy. */
export interface UniformPolicyOptions {
  /** Seed of the draws made for requests that carry no seed of their own (default 0). */
  seed?: number;
}

/** A policy that picks each answer uniformly from `family.answerSpace(question)`. */
export function uniformPolicy(family: TaskFamily, options: UniformPolicyOptions = {}): Policy {
  const seed = options.seed ?? 0;
  const stream = new Random(deriveSeed(seed, 'uniform'));
  return {
    reference: { name: 'uniform', options: { seed } },
    generate: async (requests: readonly GenerationRequest[]): Promise<Generation[]> =>
      requests.map((request) => {
        const { question, format } = readTask(family, request, 'uniform');
        const space = family.answerSpace(question);
        const random =
          request.seed === undefined
            ? stream
            : new Random(deriveSeed(seed, 'uniform-request', request.seed));
        const answer = space.at(uniformIndex(random, space.size));
        // No reasoning: a chain-of-thought answer is the bare answer line.
        const text =
          format === 'chain-of-thought' && family.kind === 'question' && family.chainOfThought
            ? family.chainOfThought.answerLine(answer)
            : answer;
        return {
          text,
          logProb: -Math.log(space.size),
          finishReason: 'end',
          cost: oneCall(request.prompt.length, text.length),
        };
      }),
  };
}

/** A uniform index below `size`, which may exceed 2^32 (sums of 10-digit numbers). */
export function uniformIndex(random: Random, size: number): number {
  if (size <= 2 ** 32) return random.integer(size);
  // 53 random bits: uniform to within 2^-53 relative error, far below any test's resolution.
  const fraction = (random.nextUint32() * 2 ** 21 + (random.nextUint32() >>> 11)) / 2 ** 53;
  return Math.min(size - 1, Math.floor(fraction * size));
}
