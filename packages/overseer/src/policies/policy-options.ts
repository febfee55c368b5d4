/** How a policy backend reads its options: strictly, naming unknown keys and wrong types. */
import { optionsParser } from '../util/zod-issues.ts';

/** Parses the options of the policy `name` (`provider:model`) strictly with its schema. */
export const parsePolicyOptions = optionsParser('policy.bad-options', 'policy');
