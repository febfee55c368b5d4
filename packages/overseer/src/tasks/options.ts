import { z } from 'zod';
import { OverseerError } from '../errors.ts';

/**
 * Options every world-based family takes: which world, how big, how much of it is held out.
 * `defaultSize` is the family's CPU-friendly default (Christiano et al. used 64 items).
 */
export function worldOptions(defaultSize: number) {
  return {
    /** Fixes the world of facts for a run; the model learns that world in its weights. */
    worldSeed: z.number().int().default(0),
    /** Number of items in the world. */
    size: z.number().int().default(defaultSize),
    /** Share of each difficulty's questions kept for the test split. */
    testFraction: z.number().gt(0).lt(1).default(0.2),
  };
}

/**
 * Parses a family's options strictly: an unknown key or a wrong type is an OverseerError naming
 * the key path, so a typo in a YAML experiment fails loudly instead of being ignored.
 */
export function parseOptions<Schema extends z.ZodObject>(
  family: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues
    .map(
      (issue) =>
        `${issue.path.length === 0 ? '(options)' : issue.path.join('.')}: ${issue.message}`,
    )
    .join('; ');
  throw new OverseerError(
    'task.bad-options',
    `Bad options for task family ${family}: ${problems}. The options of ${family} are: ${Object.keys(schema.shape).join(', ')}.`,
    { hint: 'Fix or remove the named option in the experiment file or on the command line.' },
  );
}
