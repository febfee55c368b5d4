/**
 * An overseer judges a proposed step on paper: it receives the `ProposedStep` (which carries what
 * preceded it at its node) and returns a Judgment. It never receives an Outcome or an environment
 * handle, and nothing in this folder imports outcomes/ (a lint rule and a test keep it so): that is
 * what makes the reward built from its judgments process-based.
 */
import type { Judgment, ProposedStep, RegistryReference } from '../spec/index.ts';

/** A judge of proposed steps. */
export interface Overseer {
  /** `{ name, options }` exactly as the registry rebuilds it. */
  readonly reference: RegistryReference;
  judge(step: ProposedStep): Promise<Judgment>;
}

/** Clamps a score into the Judgment range [-1, 1]. */
export function clampScore(score: number): number {
  return Math.max(-1, Math.min(1, score));
}
