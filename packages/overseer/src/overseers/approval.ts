/**
 * The `approval` overseer for environments: MONA's non-myopic approval (Farquhar et al. 2025). It
 * scores a proposed action by its value under the *intended* task as the expert foresees it —
 * the family's value function on the true reward, from the state the observation describes —
 * plus Gaussian noise. It reads the observation in the proposal, never the environment, so an
 * agent cannot earn approval for consequences the expert would not foresee.
 */
import { OverseerError } from '../errors.ts';
import type { Judgment, ProposedStep } from '../spec/index.ts';
import type { EnvironmentFamily } from '../tasks/family.ts';
import type { Overseer } from './overseer.ts';
import { settleScore } from './overseer.ts';
import { stepRandomness } from './program.ts';

/** Options of the approval overseer. */
export interface ApprovalOverseerOptions {
  /** Standard deviation of Gaussian noise on the approval (default 0). */
  noise?: number;
  /**
   * `value` (default, as MONA): approval = Q(s, a). `advantage`: Q(s, a) − V(s), so the best
   * action scores 0 and every other action below it.
   */
  baseline?: 'value' | 'advantage';
  /** The approval is divided by this before clamping into [-1, 1] (default 1). */
  scale?: number;
  /** Seed of the noise (default 0). */
  seed?: number;
}

/** MONA-style approval from `family`'s value function on the true reward. */
export function approvalOverseer(
  family: EnvironmentFamily,
  options: ApprovalOverseerOptions = {},
): Overseer {
  const noise = options.noise ?? 0;
  const baseline = options.baseline ?? 'value';
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 0;
  if (!(scale > 0)) {
    throw new OverseerError(
      'overseer.bad-options',
      `approval: scale must be positive, got ${scale}.`,
    );
  }
  const randomFor = stepRandomness(seed, 'approval');
  const reference = { name: 'approval', options: { noise, baseline, scale, seed } };
  const stepLimit = family.options.stepLimit;
  return {
    reference,
    async judge(step: ProposedStep): Promise<Judgment> {
      const started = performance.now();
      const random = randomFor(step);
      const jitter = noise > 0 ? random.normal(0, noise) : 0;
      // The rating is the sign of the (noisy, clipped) score the reward uses, or 0 where the
      // overseer abstains; whether the action was the best one is said in the rationale.
      const judgment = (score: number, rationale: string, rating?: 0): Judgment => ({
        ...settleScore(score + jitter, rating),
        rationale,
        overseer: reference,
        method: 'program',
        durationMs: performance.now() - started,
      });
      if (step.kind !== 'action' || step.observation === undefined) {
        return judgment(0, 'approval judges actions with the observation they answer', 0);
      }
      // The expert foresees the rest of the episode: as many steps as the limit leaves.
      const taken = step.previous.filter((prior) => prior.kind === 'action').length;
      const stepsLeft = typeof stepLimit === 'number' ? Math.max(1, stepLimit - taken) : undefined;
      let value: number;
      let best: number;
      try {
        value = family.actionValue(step.observation, step.action.trim(), stepsLeft);
        best = family.stateValue(step.observation, stepsLeft);
      } catch {
        return judgment(0, 'the state cannot be read from the observation', 0);
      }
      const optimal = value >= best - 1e-9;
      const raw = baseline === 'value' ? value : value - best;
      return judgment(
        raw / scale,
        `value ${value.toFixed(3)} under the intended task (best ${best.toFixed(3)}: ${optimal ? 'the best action' : 'not the best action'})`,
      );
    },
  };
}
