import { z } from 'zod';
import { JsonObject } from './json.ts';

/**
 * A reference to a registry entry — a task family, scaffold, overseer, trainer or policy — by
 * `name` and the factory `options` it was built with, so every run records what it used and can
 * be replayed. `options` may be omitted in YAML and then means `{}`.
 */
export const RegistryReference = z.strictObject({
  name: z.string().min(1),
  options: JsonObject.default({}),
});
/** A registry entry by name and options. */
export type RegistryReference = z.infer<typeof RegistryReference>;
