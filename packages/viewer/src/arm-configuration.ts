/**
 * An experiment arm's configuration as an `overseer run` recorded it (the run config's
 * `experiments[].arms[].config`), found by the unit that played an episode.
 */
import { pick } from './format.ts';
import type { JsonObject, JsonValue, RunRecord } from './types.ts';

/** Which arm of which experiment played an episode. */
export interface ArmReference {
  experiment: string;
  arm: string;
}

/** The list at `key` of a JSON value, or [] when it is not a list. */
function listAt(value: JsonValue | undefined, key: string): JsonValue[] {
  const list = pick(value, key);
  return Array.isArray(list) ? list : [];
}

/** The recorded configuration of the unit's arm; undefined when the run recorded none. */
export function armConfiguration(
  config: RunRecord['config'],
  unit: ArmReference,
): JsonObject | undefined {
  const experiment = listAt(config, 'experiments').find(
    (entry) => pick(entry, 'name') === unit.experiment,
  );
  const arm = listAt(experiment, 'arms').find((entry) => pick(entry, 'name') === unit.arm);
  const armConfig = pick(arm, 'config');
  return armConfig !== null && typeof armConfig === 'object' && !Array.isArray(armConfig)
    ? armConfig
    : undefined;
}

/** The dial λ the unit's arm trained with, when its recorded configuration has one. */
export function armLambda(config: RunRecord['config'], unit: ArmReference): number | undefined {
  const lambda = pick(armConfiguration(config, unit), 'lambda');
  return typeof lambda === 'number' ? lambda : undefined;
}
