/**
 * `overseer queue status --queue URL [--json]`: the episode queue's jobs per run — waiting,
 * running, delayed (a retry's backoff), completed and failed — and whether a 429 paused it.
 */
import { z } from 'zod';
import { verbOptions } from './arguments.ts';
import type { Verb } from './verbs.ts';

const StatusFlags = z.object({
  queue: z.string(),
  policyQueue: z.string().optional(),
  json: z.boolean(),
});

/** `overseer queue`. */
export const queueVerb: Verb = {
  register(program) {
    const queue = program
      .command('queue')
      .description('Inspect the episode queue of `--queue` runs and workers.');
    queue
      .command('status')
      .description('Jobs per run: waiting, active, delayed, completed, failed.')
      .requiredOption('--queue <redis>', 'redis://HOST:PORT or a unix socket path')
      .option(
        '--policy-queue <provider:model>',
        'the queue of this policy instead of the shared one',
      )
      .option('--json', 'print one JSON object', false)
      .action(async (given: unknown) => {
        const flags = verbOptions(StatusFlags, given);
        const { queueStatus } = await import('../executor/queue-status.ts');
        const { policyQueueName } = await import('../executor/queue-connection.ts');
        const status = await queueStatus({
          target: flags.queue,
          ...(flags.policyQueue === undefined ? {} : { queue: policyQueueName(flags.policyQueue) }),
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(status)}\n`);
          return;
        }
        const header = ['run', 'waiting', 'active', 'delayed', 'completed', 'failed'];
        const rows = [...status.runs, { runId: 'total', ...status.total }].map((row) => [
          row.runId,
          ...[row.waiting, row.active, row.delayed, row.completed, row.failed].map(String),
        ]);
        const widths = header.map((title, column) =>
          Math.max(title.length, ...rows.map((row) => row[column].length)),
        );
        const line = (cells: string[]) =>
          cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
        process.stdout.write(
          `queue ${status.queue}${status.rateLimitedMs > 0 ? ` (rate limited for ${status.rateLimitedMs} ms)` : ''}\n${[header, ...rows].map(line).join('\n')}\n`,
        );
      });
  },
};
