/**
 * Overseers by name, so an experiment file or the CLI can name one and a run records the
 * `{ name, options }` it used. Both built-in overseers judge with the task family's expert.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { JsonObject } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { approvalOverseer } from './approval.ts';
import { modelOverseers } from './model-overseers.ts';
import { HumanOverseerOptions, humanOverseer } from './human.ts';
import type { Overseer } from './overseer.ts';
import { programOverseer } from './program.ts';

/** What an overseer is built against. */
export interface OverseerContext {
  family: TaskFamily;
}

interface OverseerEntry {
  description: string;
  schema: z.ZodObject;
  create(options: JsonObject, context: OverseerContext): Overseer;
}

const overseers: Record<string, OverseerEntry> = {
  program: {
    description: 'the weak expert’s local step check (options flipProbability, noise, seed)',
    schema: z.strictObject({
      flipProbability: z.number().min(0).max(1).optional(),
      noise: z.number().min(0).optional(),
      seed: z.number().int().optional(),
    }),
    create: (options, { family }) => programOverseer(family, options),
  },
  approval: {
    description:
      'MONA’s non-myopic approval for environments (options noise, baseline, scale, seed)',
    schema: z.strictObject({
      noise: z.number().min(0).optional(),
      baseline: z.enum(['value', 'advantage']).optional(),
      scale: z.number().positive().optional(),
      seed: z.number().int().optional(),
    }),
    create: (options, { family }) => {
      if (family.kind !== 'environment') {
        throw new OverseerError(
          'overseer.needs-environment',
          `approval judges environment actions; ${family.name} is a question family.`,
          { hint: 'Use the program overseer for question families.' },
        );
      }
      return approvalOverseer(family, options);
    },
  },
  human: {
    description:
      'a person rates each step in the viewer’s queue (`overseer view`); the run waits (options store, timeoutSeconds, onTimeout, assistant …)',
    schema: HumanOverseerOptions,
    create: (options, context) =>
      humanOverseer(options as HumanOverseerOptions, (assistant) =>
        createOverseer(assistant.name, assistant.options, context),
      ),
  },
  ...modelOverseers,
};

/** The registered overseers with one line each. */
export function listOverseers(): Array<{ name: string; description: string }> {
  return Object.entries(overseers).map(([name, entry]) => ({
    name,
    description: entry.description,
  }));
}

/** Builds an overseer by name; unknown names and options are errors that say what is valid. */
export function createOverseer(
  name: string,
  options: JsonObject,
  context: OverseerContext,
): Overseer {
  const entry = Object.hasOwn(overseers, name) ? overseers[name] : undefined;
  if (entry === undefined) {
    throw new OverseerError('overseer.unknown', `Unknown overseer "${name}".`, {
      hint: `Known overseers: ${Object.keys(overseers).join(', ')}.`,
    });
  }
  const parsed = entry.schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => {
        const path = issue.path.length === 0 ? '(options)' : issue.path.join('.');
        const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        return `${path}: ${issue.message}${keys}`;
      })
      .join('; ');
    throw new OverseerError(
      'overseer.bad-options',
      `Bad options for overseer ${name}: ${problems}.`,
      {
        hint: `The options of ${name} are: ${Object.keys(entry.schema.shape).join(', ')}.`,
      },
    );
  }
  return entry.create(parsed.data as JsonObject, context);
}
