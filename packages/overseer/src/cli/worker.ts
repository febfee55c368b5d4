/**
 * `overseer worker --queue URL [--concurrency N]`: plays the episode jobs that `overseer run`
 * and `overseer eval` put on the queue with `--queue`, on this machine, until stopped.
 */
import { z } from 'zod';
import { integerArgument, verbOptions } from './arguments.ts';
import { untilStopped } from './serve.ts';
import type { Verb } from './verbs.ts';

const WorkerFlags = z.object({
  queue: z.string(),
  policyQueue: z.string().optional(),
  concurrency: z.number(),
  requestsPerMinute: z.number().optional(),
  tokensPerMinute: z.number().optional(),
  quotaWindow: z.number().optional(),
});

/** `overseer worker`. */
export const workerVerb: Verb = {
  register(program) {
    program
      .command('worker')
      .description(
        'Play the episodes queued by `overseer run/eval --queue` on this machine (BullMQ on Redis), until stopped.',
      )
      .requiredOption('--queue <redis>', 'redis://HOST:PORT or a unix socket path')
      .option(
        '--policy-queue <provider:model>',
        'take jobs from the queue of this policy only (a coordinator with one queue per policy); default: the shared queue',
      )
      .option('--concurrency <n>', 'episodes played at once (calls batched)', integerArgument(1), 4)
      .option(
        '--requests-per-minute <n>',
        'cluster-wide requests per minute per policy (shared through Redis)',
        integerArgument(1),
      )
      .option(
        '--tokens-per-minute <n>',
        'cluster-wide tokens per minute per policy (shared through Redis)',
        integerArgument(1),
      )
      .option(
        '--quota-window <seconds>',
        'window the quotas are counted over (default 60; shorter spreads them evenly)',
        integerArgument(1),
      )
      .action(async (given: unknown) => {
        const flags = verbOptions(WorkerFlags, given);
        const { startEpisodeWorker } = await import('../experiments/episode-worker.ts');
        const { policyQueueName } = await import('../executor/queue-connection.ts');
        const worker = await startEpisodeWorker({
          target: flags.queue,
          ...(flags.policyQueue === undefined ? {} : { queue: policyQueueName(flags.policyQueue) }),
          concurrency: flags.concurrency,
          ...(flags.requestsPerMinute === undefined
            ? {}
            : { requestsPerMinute: flags.requestsPerMinute }),
          ...(flags.tokensPerMinute === undefined
            ? {}
            : { tokensPerMinute: flags.tokensPerMinute }),
          ...(flags.quotaWindow === undefined ? {} : { quotaWindowSeconds: flags.quotaWindow }),
        });
        process.stdout.write(
          `worker on ${flags.queue}: ${flags.concurrency} episodes at once; Ctrl-C stops\n`,
        );
        const signal = await untilStopped();
        await worker.close();
        process.stdout.write(`stopped (${signal})\n`);
      });
  },
};
