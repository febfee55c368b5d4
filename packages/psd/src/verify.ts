import type { CheckableCertificate, DualCertificate, GramCertificate } from './certificate.ts';
import type { PartialMatrix } from './partial-matrix.ts';
import { gamma, rigorousEigenvalueLowerBound } from './psd-check.ts';
import { verifyDense, verifyLowRankSparse } from './verify-completion.ts';

/** What the independent checker concluded about a certificate. */
export interface Verification {
  /** The certificate proves what its kind claims (for gram: the tolerance claim holds). */
  valid: boolean;
  kind: CheckableCertificate['kind'];
  /** Why the certificate is not valid, or notes on what it proves. */
  reason: string;
  /** gram: a rigorous bound on max |v_i·v_j − a_ij| (rounding included). */
  maxResidual?: number;
  /** gram: the shift block proves an exact PSD completion exists. */
  rigorous?: boolean;
  /** gram + shift block: a lower bound on λmin of the exact completion W Wᵀ + diag(σ²) − E. */
  completionEigenvalueLowerBound?: number;
  /** dual: ⟨Y, A⟩ as computed. */
  innerProduct?: number;
  /** dual: β with λmin(Y) ≥ −β proven, so Y + β·I_S ⪰ 0 is the exact certificate. */
  beta?: number;
  /** dual: an upper bound on ⟨Y + β·I_S, A⟩ (negative when valid). */
  marginUpperBound?: number;
  /** The deadline passed before the check finished (then valid is false and nothing was decided). */
  timedOut?: boolean;
}

/** Options of `verifyCertificate`. */
export interface VerifyOptions {
  /** performance.now() time after which the check gives up with timedOut (default: none). */
  deadline?: number;
}

function entryKey(n: number, i: number, j: number): number {
  return i * n + j;
}

function verifyGram(matrix: PartialMatrix, certificate: GramCertificate): Verification {
  const { n } = matrix;
  const factor = certificate.factor;
  const fail = (reason: string): Verification => ({ valid: false, kind: 'gram', reason });
  if (!Array.isArray(factor) || factor.length !== n) return fail(`factor must have ${n} rows`);
  const k = factor[0]?.length ?? 0;
  const flat = new Float64Array(n * Math.max(k, 1));
  for (let i = 0; i < n; i++) {
    const row = factor[i];
    if (!Array.isArray(row) || row.length !== k)
      return fail(`factor row ${i + 1} must have ${k} numbers`);
    for (let c = 0; c < k; c++) {
      if (typeof row[c] !== 'number' || !Number.isFinite(row[c])) {
        return fail(`factor row ${i + 1} has a non-finite value`);
      }
      flat[i * k + c] = row[c];
    }
  }
  const tolerance = certificate.tolerance;
  if (typeof tolerance !== 'number' || !(tolerance >= 0))
    return fail('tolerance must be a number ≥ 0');
  const shiftColumns = certificate.shiftColumns ?? 0;
  if (!Number.isInteger(shiftColumns) || shiftColumns < 0 || shiftColumns > k) {
    return fail(`shiftColumns must be an integer in 0..${k}`);
  }
  const g = gamma(k + 2);
  // residual[e]: a rigorous upper bound on |v_i·v_j − a_ij|.
  const residualBound = (i: number, j: number, a: number): number => {
    let dot = 0;
    let absolute = 0;
    for (let c = 0; c < k; c++) {
      const product = flat[i * k + c] * flat[j * k + c];
      dot += product;
      absolute += Math.abs(product);
    }
    const difference = dot - a;
    if (difference === 0 && absolute === 0) return 0;
    return Math.abs(difference) + g * (absolute + Math.abs(a)) * 2;
  };
  const diagonalResidual = new Float64Array(n);
  const edgeResidual = new Float64Array(matrix.values.length);
  let maxResidual = 0;
  for (let i = 0; i < n; i++) {
    diagonalResidual[i] = residualBound(i, i, matrix.diagonal[i]);
    maxResidual = Math.max(maxResidual, diagonalResidual[i]);
  }
  for (let e = 0; e < matrix.values.length; e++) {
    edgeResidual[e] = residualBound(matrix.rows[e], matrix.columns[e], matrix.values[e]);
    maxResidual = Math.max(maxResidual, edgeResidual[e]);
  }
  if (!(maxResidual <= tolerance)) {
    return {
      ...fail(`max residual ${maxResidual} exceeds the stated tolerance ${tolerance}`),
      maxResidual,
    };
  }
  const base: Verification = {
    valid: true,
    kind: 'gram',
    reason: `V Vᵀ matches every specified entry within ${tolerance}`,
    maxResidual,
    rigorous: false,
  };
  if (shiftColumns === 0) return base;
  // The shift block: one non-zero σ_i per row in a column (colour) that differs across every edge.
  const sigma = new Float64Array(n);
  const color = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let c = k - shiftColumns; c < k; c++) {
      const value = flat[i * k + c];
      if (value === 0) continue;
      if (color[i] >= 0)
        return { ...base, reason: `${base.reason}; shift block row ${i + 1} has two non-zeros` };
      color[i] = c;
      sigma[i] = Math.abs(value);
    }
  }
  for (let e = 0; e < matrix.values.length; e++) {
    const i = matrix.rows[e];
    const j = matrix.columns[e];
    if (color[i] >= 0 && color[i] === color[j]) {
      return {
        ...base,
        reason: `${base.reason}; shift block gives rows ${i + 1} and ${j + 1} the same column`,
      };
    }
  }
  // Gershgorin on D⁻¹ E D⁻¹ (D = diag σ): rows with σ_i = 0 must be exactly zero with zero residuals.
  const rowSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (sigma[i] === 0) {
      let zero = diagonalResidual[i] === 0;
      for (let c = 0; c < k; c++) if (flat[i * k + c] !== 0) zero = false;
      if (!zero)
        return {
          ...base,
          reason: `${base.reason}; row ${i + 1} has no shift but is not exactly zero`,
        };
      continue;
    }
    rowSum[i] = diagonalResidual[i] / (sigma[i] * sigma[i]);
  }
  for (let e = 0; e < matrix.values.length; e++) {
    const i = matrix.rows[e];
    const j = matrix.columns[e];
    if (edgeResidual[e] === 0) continue;
    if (sigma[i] === 0 || sigma[j] === 0) {
      return {
        ...base,
        reason: `${base.reason}; entry (${i + 1}, ${j + 1}) touches an unshifted row`,
      };
    }
    const scaled = edgeResidual[e] / (sigma[i] * sigma[j]);
    rowSum[i] += scaled;
    rowSum[j] += scaled;
  }
  let maxRow = 0;
  let minSigmaSquared = Infinity;
  for (let i = 0; i < n; i++) {
    if (sigma[i] === 0) continue;
    maxRow = Math.max(maxRow, rowSum[i] * (1 + 4 * gamma(n)));
    minSigmaSquared = Math.min(minSigmaSquared, sigma[i] * sigma[i]);
  }
  if (!(maxRow < 1)) {
    return {
      ...base,
      reason: `${base.reason}; residual too large for the shift block (scaled row sum ${maxRow} ≥ 1)`,
    };
  }
  return {
    ...base,
    rigorous: true,
    reason: `${base.reason}; W Wᵀ + diag(σ²) − E is an exact PSD completion (scaled Gershgorin row sum ${maxRow.toPrecision(3)} < 1)`,
    completionEigenvalueLowerBound:
      minSigmaSquared === Infinity ? 0 : minSigmaSquared * (1 - maxRow),
  };
}

function verifyDual(
  matrix: PartialMatrix,
  certificate: DualCertificate,
  deadline: number,
): Verification {
  const { n } = matrix;
  const fail = (reason: string): Verification => ({ valid: false, kind: 'dual', reason });
  if (!Array.isArray(certificate.entries) || certificate.entries.length === 0) {
    return fail('entries must be a non-empty array of [i, j, y]');
  }
  const pattern = new Map<number, number>();
  for (let e = 0; e < matrix.values.length; e++) {
    pattern.set(entryKey(n, matrix.rows[e], matrix.columns[e]), matrix.values[e]);
  }
  const seen = new Set<number>();
  const position = new Map<number, number>();
  const support: number[] = [];
  const local = (v: number): number => {
    let p = position.get(v);
    if (p === undefined) {
      p = support.length;
      position.set(v, p);
      support.push(v);
    }
    return p;
  };
  const diagonalEntries: [number, number][] = [];
  const offRows: number[] = [];
  const offColumns: number[] = [];
  const offValues: number[] = [];
  let inner = 0;
  let innerAbsolute = 0;
  for (const [index, entry] of certificate.entries.entries()) {
    if (!Array.isArray(entry) || entry.length !== 3)
      return fail(`entries[${index}] must be [i, j, y]`);
    const [i1, j1, y] = entry;
    if (
      !Number.isInteger(i1) ||
      !Number.isInteger(j1) ||
      i1 < 1 ||
      j1 < 1 ||
      i1 > n ||
      j1 > n ||
      i1 < j1
    ) {
      return fail(`entries[${index}]: indices must satisfy 1 ≤ j ≤ i ≤ ${n}`);
    }
    if (typeof y !== 'number' || !Number.isFinite(y))
      return fail(`entries[${index}]: y must be finite`);
    const i = i1 - 1;
    const j = j1 - 1;
    const key = entryKey(n, i, j);
    if (seen.has(key)) return fail(`entries[${index}]: (${i1}, ${j1}) appears twice`);
    seen.add(key);
    if (y === 0) continue;
    let a: number;
    if (i === j) {
      a = matrix.diagonal[i];
      diagonalEntries.push([local(i), y]);
      inner += y * a;
      innerAbsolute += Math.abs(y * a);
    } else {
      const value = pattern.get(key);
      if (value === undefined)
        return fail(`entries[${index}]: (${i1}, ${j1}) is not a specified entry`);
      a = value;
      offRows.push(local(i));
      offColumns.push(local(j));
      offValues.push(y);
      inner += 2 * y * a;
      innerAbsolute += Math.abs(2 * y * a);
    }
  }
  const s = support.length;
  const diagonal = new Float64Array(s);
  for (const [p, y] of diagonalEntries) diagonal[p] = y;
  let supportDiagonal = 0;
  for (const v of support) supportDiagonal += Math.abs(matrix.diagonal[v]);
  const termCount = certificate.entries.length + 1;
  const innerUpper = inner + gamma(termCount) * innerAbsolute * 2;
  if (!(innerUpper < 0)) {
    return { ...fail(`⟨Y, A⟩ = ${inner} is not negative beyond rounding`), innerProduct: inner };
  }
  // Largest β that keeps ⟨Y + β·I_S, A⟩ < 0.
  const maxBeta = (-innerUpper / (supportDiagonal * (1 + gamma(s + 1)))) * 0.999;
  const { beta, timedOut } = rigorousEigenvalueLowerBound(
    {
      n: s,
      diagonal,
      rows: Int32Array.from(offRows),
      columns: Int32Array.from(offColumns),
      values: Float64Array.from(offValues),
    },
    maxBeta,
    deadline,
  );
  if (timedOut) {
    return {
      ...fail('the time budget ran out while proving λmin(Y) ≥ −β (Cholesky not finished)'),
      innerProduct: inner,
      timedOut,
    };
  }
  if (!Number.isFinite(beta)) {
    return {
      ...fail(`could not prove λmin(Y) ≥ −${maxBeta.toPrecision(3)} (needed for ⟨Y + βI, A⟩ < 0)`),
      innerProduct: inner,
    };
  }
  const marginUpperBound = innerUpper + beta * supportDiagonal * (1 + gamma(s + 1));
  return {
    valid: true,
    kind: 'dual',
    reason: `Y + ${beta.toPrecision(3)}·I on its ${s}-vertex support is PSD (Cholesky with rounding bound) and ⟨Y + βI, A⟩ ≤ ${marginUpperBound.toPrecision(4)} < 0: no PSD completion exists`,
    innerProduct: inner,
    beta,
    marginUpperBound,
  };
}

/** Independently checks a certificate (or an explicit completion) against the partial matrix. */
export function verifyCertificate(
  matrix: PartialMatrix,
  certificate: CheckableCertificate,
  options: VerifyOptions = {},
): Verification {
  if (certificate?.kind === 'gram') return verifyGram(matrix, certificate);
  if (certificate?.kind === 'dual')
    return verifyDual(matrix, certificate, options.deadline ?? Infinity);
  if (certificate?.kind === 'low-rank-sparse') return verifyLowRankSparse(matrix, certificate);
  if (certificate?.kind === 'dense') return verifyDense(matrix, certificate);
  return {
    valid: false,
    kind: 'gram',
    reason: 'certificate kind must be "gram", "dual", "low-rank-sparse" or "dense"',
  };
}
