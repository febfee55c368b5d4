/**
 * How `overseer run` names the episodes it records, and how to tell from an id which phase of the
 * loop played it: `evaluation` (the trained model answering, `<unit>/eval@<step>/<i>`), `amplify`
 * (the amplified system, `<unit>/round<r>/amplify/<i>`) or `rollout` (a policy-gradient sample,
 * `<unit>/round<r>/rollout/u<update>/<i>`). `<unit>` is `<experiment>/<arm>/s<seed>`.
 */

import { LoopPhase } from '../spec/index.ts';

/** The phase of the loop an episode was played in (recorded with it as `phase`). */
export type EpisodePhase = LoopPhase;

/** Every phase, in loop order. */
export const EPISODE_PHASES: readonly EpisodePhase[] = LoopPhase.options;

/** Id of the `index`th evaluation episode after `step` training steps. */
export function evaluationEpisodeId(unit: string, step: number, index: number): string {
  return `${unit}/eval@${step}/${index}`;
}

/** Id of the `index`th amplified episode of round `round` (0-based). */
export function amplifyEpisodeId(unit: string, round: number, index: number): string {
  return `${unit}/round${round}/amplify/${index}`;
}

/** Prefix of the rollout episodes of update `update` of round `round`; a sample adds `/<i>`. */
export function rolloutEpisodePrefix(unit: string, round: number, update: number): string {
  return `${unit}/round${round}/rollout/u${update}`;
}

/**
 * The phase an episode id of `overseer run` names, or undefined for an id it did not make (the
 * inverse of the namings above; the store records the phase itself with each episode).
 */
export function episodePhase(id: string): EpisodePhase | undefined {
  if (/\/eval@\d+\/\d+$/.test(id)) return 'evaluation';
  if (/\/round\d+\/amplify\/\d+$/.test(id)) return 'amplify';
  if (/\/round\d+\/rollout\/u\d+\/\d+$/.test(id)) return 'rollout';
  return undefined;
}
