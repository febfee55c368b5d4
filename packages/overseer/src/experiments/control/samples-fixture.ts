/**
 * Scripted control-game samples for the tests: programs whose verdicts and suspicions are set by
 * hand, so the protocols' control flow and the game's arithmetic can be checked exactly.
 */
import type { ControlSample, GradedProgram, WrittenProgram } from './protocols.ts';

/** A graded program. */
export function graded(verdict: 'correct' | 'trojan' | 'defect'): GradedProgram {
  return { correct: verdict === 'correct', trojan: verdict === 'trojan' };
}

/** A written program with a suspicion (the decomposed one too, unless given). */
export function written(
  verdict: 'correct' | 'trojan' | 'defect',
  suspicion: number,
  options: { lineSuspicion?: number; edited?: 'correct' | 'trojan' | 'defect' } = {},
): WrittenProgram {
  return {
    ...graded(verdict),
    suspicion,
    lineSuspicion: options.lineSuspicion ?? suspicion,
    edited: graded(options.edited ?? 'correct'),
  };
}

/** One task's sample (U judges its attack as suspicious as `selfSuspicion`, 0 unless given). */
export function sample(
  honest: WrittenProgram,
  attack: WrittenProgram,
  trusted: 'correct' | 'trojan' | 'defect' = 'defect',
  selfSuspicion = 0,
): ControlSample {
  return { honest, attack, selfSuspicion, trusted: graded(trusted) };
}
