/**
 * Micro-batching: requests that scaffolds issue in the same turn of the event loop go to the
 * policy as one `generate` call, so concurrent episodes and sub-questions share a forward pass of
 * the embedded model. A failed batch is retried request by request, so one bad prompt fails only
 * its own request.
 */
import type { Generation, GenerationRequest, Policy } from '../spec/index.ts';

/** Options of `batchingPolicy`. */
export interface BatchingOptions {
  /** Most requests per `generate` call (default 64). */
  maximumBatch?: number;
}

interface Pending {
  request: GenerationRequest;
  resolve(generation: Generation): void;
  reject(error: unknown): void;
}

/** Wraps `policy` so requests made together are generated together; same reference as `policy`. */
export function batchingPolicy(policy: Policy, options: BatchingOptions = {}): Policy {
  const maximumBatch = options.maximumBatch ?? 64;
  let queue: Pending[] = [];
  let scheduled = false;

  const run = async (batch: Pending[]): Promise<void> => {
    try {
      const generations = await policy.generate(batch.map((pending) => pending.request));
      batch.forEach((pending, index) => pending.resolve(generations[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => run([pending])));
    }
  };

  const flush = (): void => {
    scheduled = false;
    const taken = queue;
    queue = [];
    for (let start = 0; start < taken.length; start += maximumBatch) {
      void run(taken.slice(start, start + maximumBatch));
    }
  };

  return {
    reference: policy.reference,
    generate(requests: readonly GenerationRequest[]): Promise<Generation[]> {
      const promises = requests.map(
        (request) =>
          new Promise<Generation>((resolve, reject) => queue.push({ request, resolve, reject })),
      );
      if (!scheduled) {
        scheduled = true;
        // setImmediate runs after every pending promise continuation: all requests made in
        // this turn, however deep in async code, join the batch.
        setImmediate(flush);
      }
      return Promise.all(promises);
    },
  };
}
