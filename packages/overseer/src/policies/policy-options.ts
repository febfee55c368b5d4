/** How a policy backend reads its options: strictly, naming unknown keys and wrong types. */
import type { z } from 'zod';
import { parseStrictOptions } from '../util/zod-issues.ts';

/** Parses the options of the policy `name` (`provider:model`) strictly with its schema. */
export function parsePolicyOptions<Schema extends z.ZodObject>(
  name: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  return parseStrictOptions(schema, options, {
    code: 'policy.bad-options',
    lead: `Bad options for policy ${name}`,
    owner: name,
  });
}
