/**
 * Certificates emitted by the solver and checked by the verifier.
 *
 * - gram: the rows v_i of `factor` satisfy |v_i·v_j − a_ij| ≤ tolerance on every specified entry. If
 *   `shiftColumns` = c > 0, the last c columns hold one non-zero σ_i per row (a colouring of the pattern):
 *   then W Wᵀ + diag(σ²) − E (E the residual on the pattern) is an exact PSD completion whenever
 *   max_i Σ_j |E_ij|/(σ_i σ_j) < 1, which the verifier checks — a rigorous proof that a completion exists.
 * - dual: a symmetric Y on the pattern (1-based, i ≥ j) with Y ⪰ 0 and ⟨Y, A⟩ < 0, proving that no PSD
 *   completion exists (for any completion X, ⟨Y, X⟩ = ⟨Y, A⟩ < 0 contradicts X, Y ⪰ 0).
 */
export type Certificate = GramCertificate | DualCertificate;

/** A Gram factor of a completion (see Certificate). */
export interface GramCertificate {
  kind: 'gram';
  /** n rows of k numbers. */
  factor: number[][];
  /** Claimed bound on max |v_i·v_j − a_ij| over specified entries. */
  tolerance: number;
  /** Trailing columns forming the diagonal shift block (0 when absent). */
  shiftColumns?: number;
}

/** A dual certificate of infeasibility (see Certificate). */
export interface DualCertificate {
  kind: 'dual';
  /** [i, j, y] with 1-based i ≥ j, on the specified pattern. */
  entries: [number, number, number][];
}

/**
 * An exact completion in low-rank + diagonal − sparse form: X = W Wᵀ + diag(σ²) − E. X agrees with A on every
 * specified entry (up to the rounding of evaluating that formula) and is PSD because W Wᵀ ⪰ 0 and
 * diag(σ²) − E ⪰ 0 by Gershgorin (max_i Σ_j |E_ij|/(σ_i σ_j) < 1).
 */
export interface LowRankSparseCompletion {
  kind: 'low-rank-sparse';
  /** W: n rows of r numbers. */
  factor: number[][];
  /** σ: n numbers. */
  sigma: number[];
  /** E: [i, j, e] with 1-based i ≥ j, each pair once (symmetric). */
  sparse: [number, number, number][];
}

/** A completion written out in full: an n×n symmetric matrix equal to A on the specified entries. */
export interface DenseCompletion {
  kind: 'dense';
  /** n rows of n numbers. */
  matrix: number[][];
}

/** Anything `psd verify` checks: a certificate or an explicit completion. */
export type CheckableCertificate = Certificate | LowRankSparseCompletion | DenseCompletion;
