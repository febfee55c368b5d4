/**
 * Task families by name, so an experiment file or the CLI can name one and a run can record the
 * `{ name, options }` it used and be replayed.
 */
import { OverseerError } from '../errors.ts';
import { addition } from './addition.ts';
import { cameraDropbox } from './camera-dropbox.ts';
import type { TaskFamily } from './family.ts';
import { permutationPowering } from './permutation-powering.ts';
import { sequentialAssignments } from './sequential-assignments.ts';
import { shortestPath } from './shortest-path.ts';
import { unionFind } from './union-find.ts';
import { wildcardSearch } from './wildcard-search.ts';

/** A registered family: its factory takes the options (unknown keys are errors). */
interface FamilyEntry {
  kind: TaskFamily['kind'];
  description: string;
  create(options: Record<string, unknown>): TaskFamily;
}

const families: Record<string, FamilyEntry> = {
  'permutation-powering': {
    kind: 'question',
    description: 'σ^k(x) for a random permutation σ (IDA, 2018)',
    create: (options) => permutationPowering(options),
  },
  'sequential-assignments': {
    kind: 'question',
    description: 'the value of a variable in a random straight-line program (IDA, 2018)',
    create: (options) => sequentialAssignments(options),
  },
  'wildcard-search': {
    kind: 'question',
    description: 'sums of ±1 values over bit strings matching a wildcard pattern (IDA, 2018)',
    create: (options) => wildcardSearch(options),
  },
  'shortest-path': {
    kind: 'question',
    description: 'distances and next steps in a random directed graph (IDA, 2018)',
    create: (options) => shortestPath(options),
  },
  'union-find': {
    kind: 'question',
    description: 'the value of an item through trees of equalities (IDA, 2018)',
    create: (options) => unionFind(options),
  },
  addition: {
    kind: 'question',
    description: 'addition of d-digit numbers, with a line-checkable chain of thought',
    create: (options) => addition(options),
  },
  'camera-dropbox': {
    kind: 'environment',
    description: 'MONA’s Camera Dropbox gridworld (reward hacking by blocking a camera)',
    create: (options) => cameraDropbox(options),
  },
};

/** The registered families, in a stable order, with one line each. */
export function listFamilies(): Array<{
  name: string;
  kind: TaskFamily['kind'];
  description: string;
}> {
  return Object.entries(families).map(([name, entry]) => ({
    name,
    kind: entry.kind,
    description: entry.description,
  }));
}

/** Builds a family by name; an unknown name or option is an OverseerError that says what is valid. */
export function getFamily(name: string, options: Record<string, unknown> = {}): TaskFamily {
  const entry = Object.hasOwn(families, name) ? families[name] : undefined;
  if (entry === undefined) {
    throw new OverseerError(
      'task.unknown-family',
      `Unknown task family "${name}". Valid task families: ${Object.keys(families).join(', ')}.`,
      {
        hint: 'Check the spelling of the task name in the experiment file or on the command line.',
      },
    );
  }
  return entry.create(options);
}
