/** Timing a benchmark's calls, and the machine's load around a run (shared by every bench). */
import { loadavg } from 'node:os';
import { roundTo } from './python-peer.ts';

/** Wall-clock and CPU seconds of the timed calls, and the sum of what they returned. */
export interface TimedCalls {
  seconds: number;
  /** User + system CPU seconds of this process (all threads). */
  cpuSeconds: number;
  total: number;
}

/**
 * Makes `warmup` untimed calls, then `repeats` timed ones; call i gets index i (the warm-up counts
 * first, so every call sees a fresh index). Sums what the timed calls return (e.g. tokens).
 */
export function timeCalls(
  warmup: number,
  repeats: number,
  call: (index: number) => number,
): TimedCalls {
  for (let i = 0; i < warmup; i++) call(i);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let total = 0;
  for (let i = 0; i < repeats; i++) total += call(warmup + i);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, total };
}

/** The 1-minute load average now. */
export function loadAverageNow(): number {
  return loadavg()[0];
}

/** The 1-minute load average at `before` and now, rounded: above the core count, timings are noisy. */
export function loadAverageSince(before: number): [number, number] {
  return [roundTo(before, 2), roundTo(loadAverageNow(), 2)];
}
