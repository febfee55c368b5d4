/** An episode's budget of policy calls, shared by every branch of its tree. */

/** Calls reserved so far against a limit. */
export interface CallBudget {
  /** Calls reserved and not given back. */
  readonly calls: number;
  /** Whether a reservation was ever refused. */
  readonly exhausted: boolean;
  /**
   * Reserves `calls` before they are made — before waiting for a concurrency slot, so which
   * branches get the budget does not depend on scheduling. False when they would overspend it.
   */
  reserve(calls?: number): boolean;
  /** Gives back reserved calls that were not made. */
  refund(calls: number): void;
}

/** A budget of `limit` calls. */
export function callBudget(limit: number): CallBudget {
  let calls = 0;
  let exhausted = false;
  return {
    get calls() {
      return calls;
    },
    get exhausted() {
      return exhausted;
    },
    reserve(wanted = 1) {
      if (calls + wanted > limit) {
        exhausted = true;
        return false;
      }
      calls += wanted;
      return true;
    },
    refund(unused) {
      calls -= unused;
    },
  };
}
