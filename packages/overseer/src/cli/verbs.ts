import type { Command } from 'commander';
import { benchVerb } from './bench.ts';
import { evalVerb } from './eval.ts';
import { exportVerb } from './export.ts';
import { importVerb } from './import.ts';
import { sampleVerb } from './sample.ts';
import { runVerb } from './run.ts';
import { rewardServerVerb } from './reward-server.ts';
import { runsVerb } from './runs.ts';
import { sandboxVerb } from './sandbox.ts';
import { serveVerb } from './serve.ts';
import { startVerb } from './start.ts';
import { tasksVerb } from './tasks.ts';
import { trainVerb } from './train.ts';
import { viewVerb } from './view.ts';
import { queueVerb } from './queue.ts';
import { workerVerb } from './worker.ts';

/** A CLI verb: one file per verb, each adds its sub-command to the program. */
export interface Verb {
  register(program: Command): void;
  /**
   * Text shown after the verb's `--help`, built only when that help is asked for: it may load
   * what registering must not (the registries it lists), so `overseer --help` stays fast.
   */
  help?: { verb: string; text(): Promise<string> };
}

/** Every verb of the `overseer` command, in the order `--help` lists them. */
export const verbs: Verb[] = [
  startVerb,
  trainVerb,
  runVerb,
  sampleVerb,
  benchVerb,
  evalVerb,
  runsVerb,
  tasksVerb,
  exportVerb,
  importVerb,
  viewVerb,
  serveVerb,
  rewardServerVerb,
  workerVerb,
  queueVerb,
  sandboxVerb,
];
