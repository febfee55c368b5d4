/**
 * An episode worker as a child process, for the tests that kill one mid-job: `node --import tsx
 * episode-worker-fixture.ts <socket> <prefix> <policy delay ms>` starts a worker whose locks
 * lapse after a second (so a killed worker's job is re-run quickly) and prints `ready`.
 */
import type { Policy } from '../spec/index.ts';
import { startEpisodeWorker } from './episode-worker.ts';

/** A policy that answers `delayMs` later, so a job is long enough to be killed in the middle. */
export function slowPolicy(policy: Policy, delayMs: number): Policy {
  return {
    reference: policy.reference,
    async generate(requests) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return policy.generate(requests);
    },
  };
}

/** Starts the fixture's worker from its arguments. */
async function main(argv: readonly string[]): Promise<void> {
  const [socket, prefix, delay] = argv;
  await startEpisodeWorker({
    target: socket,
    prefix,
    concurrency: 4,
    lockDuration: 1000,
    stalledInterval: 500,
    wrapPolicy: (policy) => slowPolicy(policy, Number(delay)),
  });
  process.stdout.write('ready\n');
}

if (process.argv[1]?.endsWith('episode-worker-fixture.ts')) await main(process.argv.slice(2));
