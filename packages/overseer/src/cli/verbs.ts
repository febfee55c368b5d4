import type { Command } from 'commander';

/** A CLI verb: one file per verb, each adds its sub-command to the program. */
export interface Verb {
  register(program: Command): void;
}

/** Every verb of the `overseer` command, in the order `--help` lists them. */
export const verbs: Verb[] = [];
