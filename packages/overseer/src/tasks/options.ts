import { z } from 'zod';
import { optionsParser } from '../util/zod-issues.ts';
import { fallibleExpertOptions } from './fallible-expert.ts';

/**
 * Options every world-based family takes: which world, how big, how much of it is held out.
 * `defaultSize` is the family's CPU-friendly default (Christiano et al. used 64 items). The
 * weak expert may be made to err systematically (`expertErrorRate`, `expertErrorSeed`).
 */
export function worldOptions(defaultSize: number) {
  return {
    /** Fixes the world of facts for a run; the model learns that world in its weights. */
    worldSeed: z.number().int().default(0),
    /** Number of items in the world. */
    size: z.number().int().default(defaultSize),
    /** Share of each difficulty's questions kept for the test split. */
    testFraction: z.number().gt(0).lt(1).default(0.2),
    ...fallibleExpertOptions,
  };
}

/**
 * Parses a family's options strictly: an unknown key or a wrong type is an OverseerError naming
 * the key path, so a typo in a YAML experiment fails loudly instead of being ignored.
 */
export const parseOptions = optionsParser('task.bad-options', 'task family');
