/**
 * `overseer reward-server --config FILE --port P`: the configured overseer's process-based
 * reward (mixed with the outcome by the dial λ) behind OpenRLHF's remote reward contract
 * (server/reward-service.ts), for RL trainers outside Overseer.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RunningServer } from '../server/http.ts';
import type { RewardService } from '../server/reward-service.ts';
import { untilStopped } from './serve.ts';
import { z } from 'zod';
import { integerArgument, verbOptions } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** Reads the config and starts the service; resolves once it listens. */
export async function startRewardServer(request: {
  config: string;
  port: number;
  host?: string;
}): Promise<RunningServer & { service: RewardService }> {
  const { listen } = await import('../server/http.ts');
  const { readRewardServiceConfig, rewardService } = await import('../server/reward-service.ts');
  const { defaultStoreDirectory, writableStore } = await import('../store/index.ts');
  const config = await readRewardServiceConfig(request.config);
  // A Postgres store is written through a staging store of this replica's own, forwarded to the
  // database: replicas behind a load balancer each record their own run, and never share one file.
  const local =
    config.store === undefined
      ? undefined
      : await writableStore(config.store, {
          stagingRoot: join(
            defaultStoreDirectory(),
            'postgres',
            `reward-server-${process.pid}-${randomBytes(3).toString('hex')}`,
          ),
        });
  const service = rewardService(
    local === undefined ? config : { ...config, store: local.directory },
  );
  const running = await listen(service.handler, request.port, request.host ?? '127.0.0.1');
  return {
    ...running,
    service,
    close: async () => {
      await running.close();
      service.close();
      await local?.close();
    },
  };
}

/** `overseer reward-server`. */
export const rewardServerVerb: Verb = {
  register(program) {
    program
      .command('reward-server')
      .description(
        'Serve the configured overseer’s process-based reward with OpenRLHF’s remote reward contract (POST / {"query","prompts","labels"}).',
      )
      .requiredOption(
        '--config <file>',
        'YAML: task, format, overseer, lambda, aggregate … (docs/models.md)',
      )
      .option('--port <n>', 'port (0 picks a free one)', integerArgument(0), 5000)
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .action(async (given: unknown) => {
        const running = await startRewardServer(
          verbOptions(z.object({ config: z.string(), port: z.number(), host: z.string() }), given),
        );
        const { config, overseer } = running.service;
        process.stdout.write(
          `reward server at ${running.url}/ (overseer ${overseer.reference.name}, λ = ${config.lambda}, ${config.format} on ${config.task.name}, ${config.concurrency} judge slots); GET /health, /metrics; Ctrl-C stops\n`,
        );
        const signal = await untilStopped();
        await running.close();
        process.stdout.write(`stopped (${signal})\n`);
      });
  },
};
