/**
 * How `overseer run` names the episodes it records, and how to tell from an id which phase of the
 * loop played it: `evaluation` (the trained model answering, `<unit>/eval@<step>/<i>`), `amplify`
 * (the amplified system, `<unit>/round<r>/amplify/<i>`) or `rollout` (a policy-gradient sample,
 * `<unit>/round<r>/rollout/u<update>/<i>`). `<unit>` is `<experiment>/<arm>/s<seed>`.
 *
 * Rounds are numbered from 1 in ids, as progress and checkpoints (`round-1`) number them: `<r>` is
 * `roundNumber(firstRound, round)` of the loop's 0-based round index. Run directories from before
 * ids counted from 1 keep `firstRound` 0 (run-state.ts), so a resumed old run goes on naming its
 * rounds as it began. The store's `iteration` fields stay the 0-based index (spec/run-event.ts).
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

/** The number ids give the loop's 0-based round `round` in a unit whose first round is `firstRound`. */
export function roundNumber(firstRound: number, round: number): number {
  return firstRound + round;
}

/** Id of the `index`th amplified episode of the round numbered `round` (see `roundNumber`). */
export function amplifyEpisodeId(unit: string, round: number, index: number): string {
  return `${unit}/round${round}/amplify/${index}`;
}

/** Prefix of the rollout episodes of update `update` of the round numbered `round`; a sample adds `/<i>`. */
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
