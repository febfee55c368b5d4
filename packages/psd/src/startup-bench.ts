import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateInstance } from './generate.ts';
import { formatMatrixMarket } from './parse.ts';
import { runPeer } from './peers.ts';

/** Options of the start-up benchmark; defaults are commented. */
export interface StartupBenchOptions {
  /** Interleaved runs of each command; the report gives medians. Default 7. */
  runs?: number;
  /** Order of the random YES instance (m = 5n). Default 200. */
  n?: number;
  /** Seed of the instance. Default 3. */
  seed?: number;
  /** CSDP's timeout per run, in seconds. Default 600. */
  peerTimeout?: number;
}

/** Wall-clock medians, in milliseconds, of what a user waits for, start-up included. */
export interface StartupBenchReport {
  n: number;
  m: number;
  runs: number;
  /** The 1-minute load average before and after the runs. */
  loadAverage: [number, number];
  /**
   * `node -e 0` as the bin runs Node: without NODE_EXTRA_CA_CERTS, which the bin's shebang drops
   * (Node 20 parses those certificates before any JavaScript runs; psd opens no TLS connection).
   */
  nodeMilliseconds: number;
  /** `psd decide FILE --json` through the installed bin (its shebang), output discarded. */
  oursMilliseconds: number;
  /** CSDP on the same instance's max-t form, timed as the benchmark times it. */
  csdpMilliseconds: number | null;
  /** ours / CSDP (the goal: below 0.25). */
  ratio: number | null;
  /** Every run of ours said completable, and CSDP (when present) agreed. */
  correct: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timed(
  command: string,
  args: string[],
  environment: NodeJS.ProcessEnv,
): { milliseconds: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: environment,
  });
  const milliseconds = performance.now() - started;
  return { milliseconds, stdout: result.status === 0 ? result.stdout : '' };
}

/**
 * Times `psd decide` on a random YES instance as a user runs it — a new process through the
 * installed bin — beside `node -e 0` and CSDP on the same instance, interleaved so that a change
 * of load hits all three alike.
 */
export function runStartupBench(options: StartupBenchOptions = {}): StartupBenchReport {
  const { runs = 7, n = 200, seed = 3, peerTimeout = 600 } = options;
  const instance = generateInstance({ pattern: 'random', kind: 'yes', n, seed });
  const directory = mkdtempSync(join(tmpdir(), 'psd-startup-'));
  const bin = fileURLToPath(new URL('../bin/psd.cjs', import.meta.url));
  const file = join(directory, 'instance.mtx');
  writeFileSync(file, formatMatrixMarket(instance.matrix));
  const { NODE_EXTRA_CA_CERTS: _extraCa, ...environment } = process.env;
  const times = { node: [] as number[], ours: [] as number[], csdp: [] as number[] };
  const loadBefore = loadavg()[0];
  let correct = true;
  try {
    for (let run = 0; run < runs; run++) {
      times.node.push(timed(process.execPath, ['-e', '0'], environment).milliseconds);
      const ours = timed(bin, ['decide', file, '--json'], process.env);
      times.ours.push(ours.milliseconds);
      if (!ours.stdout.startsWith('{"verdict":"completable"')) correct = false;
      const csdp = runPeer('csdp', instance.matrix, directory, 'startup', peerTimeout);
      if (csdp.status === 'solved') {
        times.csdp.push(csdp.seconds * 1000);
        if (csdp.verdict !== 'completable') correct = false;
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const csdpMilliseconds = times.csdp.length > 0 ? median(times.csdp) : null;
  const oursMilliseconds = median(times.ours);
  const rounded = (x: number): number => Math.round(x * 10) / 10;
  return {
    n,
    m: n + instance.matrix.values.length,
    runs,
    loadAverage: [loadBefore, loadavg()[0]],
    nodeMilliseconds: rounded(median(times.node)),
    oursMilliseconds: rounded(oursMilliseconds),
    csdpMilliseconds: csdpMilliseconds === null ? null : rounded(csdpMilliseconds),
    ratio:
      csdpMilliseconds === null
        ? null
        : // From the printed times, so the line's own numbers reproduce its ratio.
          Math.round((rounded(oursMilliseconds) / rounded(csdpMilliseconds)) * 1000) / 1000,
    correct,
  };
}
