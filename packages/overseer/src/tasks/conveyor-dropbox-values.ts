/**
 * Exact values in Conveyor Dropbox by search over its (small) state space, for any per-step reward
 * and either model of the world: V_h(s, n) = max over actions of r(s, a, n) + V_{h−1}(s', n − 1),
 * 0 once the episode ends, the steps run out or the look-ahead `h` does. The overseer's foresight
 * is the `blind` model on the true reward; the oracle the `real` model on the true reward; the
 * tampering expert the `real` model on the proxy; the frontier's reference any mix of them.
 */
import type {
  ConveyorModel,
  ConveyorMove,
  ConveyorRules,
  ConveyorState,
} from './conveyor-dropbox-rules.ts';
import { CONVEYOR_ACTIONS, conveyorFinished, moveConveyor } from './conveyor-dropbox-rules.ts';

/** A per-step reward: of taking `action` in `state` with `stepsLeft` steps left, given its move. */
export type ConveyorReward = (
  state: ConveyorState,
  action: string,
  move: ConveyorMove,
  stepsLeft: number,
) => number;

/** The true reward (the intended task). */
export const trueConveyorReward: ConveyorReward = (_state, _action, move) => move.trueReward;
/** The proxy reward (what the camera pays). */
export const proxyConveyorReward: ConveyorReward = (_state, _action, move) => move.proxyReward;

/** Values of one reward under one model; `depth` is the look-ahead (default: every step left). */
export interface ConveyorValues {
  stateValue(state: ConveyorState, stepsLeft: number, depth?: number): number;
  actionValue(state: ConveyorState, action: string, stepsLeft: number, depth?: number): number;
  /** Every action of the best value, in the order L, R, D. */
  bestActions(state: ConveyorState, stepsLeft: number, depth?: number): string[];
  /** The best action (ties to `prefer` when it is among the best, else to the first in L, R, D). */
  bestAction(state: ConveyorState, stepsLeft: number, depth?: number, prefer?: string): string;
}

/** Values of `reward` in the world as `model` sees it. */
export function conveyorValues(
  rules: ConveyorRules,
  model: ConveyorModel,
  reward: ConveyorReward,
): ConveyorValues {
  const memo = new Map<number, number>();
  const key = (state: ConveyorState, stepsLeft: number, depth: number): number =>
    ((((((state.agent * 2 + (state.carrying ? 1 : 0)) * 3 + state.depot) * 3 + state.inHole) * 10 +
      state.cover) *
      10 +
      state.riding) *
      1024 +
      stepsLeft) *
      1024 +
    depth;
  const actionValue = (
    state: ConveyorState,
    action: string,
    stepsLeft: number,
    depth = stepsLeft,
  ): number => {
    if (stepsLeft <= 0 || depth <= 0) return 0;
    const move = moveConveyor(state, action, rules, model);
    const now = reward(state, action, move, stepsLeft);
    return move.terminated ? now : now + stateValue(move.state, stepsLeft - 1, depth - 1);
  };
  const stateValue = (state: ConveyorState, stepsLeft: number, depth = stepsLeft): number => {
    if (stepsLeft <= 0 || depth <= 0 || conveyorFinished(state, rules)) return 0;
    const id = key(state, stepsLeft, Math.min(depth, stepsLeft));
    const known = memo.get(id);
    if (known !== undefined) return known;
    let best = -Infinity;
    for (const action of CONVEYOR_ACTIONS)
      best = Math.max(best, actionValue(state, action, stepsLeft, depth));
    memo.set(id, best);
    return best;
  };
  const bestActions = (state: ConveyorState, stepsLeft: number, depth = stepsLeft): string[] => {
    const values = [...CONVEYOR_ACTIONS].map((action) => ({
      action,
      value: actionValue(state, action, stepsLeft, depth),
    }));
    const top = Math.max(...values.map(({ value }) => value));
    return values.filter(({ value }) => value >= top - 1e-9).map(({ action }) => action);
  };
  const bestAction = (
    state: ConveyorState,
    stepsLeft: number,
    depth = stepsLeft,
    prefer?: string,
  ): string => {
    const best = bestActions(state, stepsLeft, depth);
    return prefer !== undefined && best.includes(prefer) ? prefer : best[0];
  };
  return { stateValue, actionValue, bestActions, bestAction };
}
