import { fitBurerMonteiro, type FitProblem, type FitResult } from './burer-monteiro.ts';
import type { Certificate, DualCertificate, GramCertificate } from './certificate.ts';
import { barrierDual } from './barrier-dual.ts';
import { chordalGramFactor, chordalStructure, worstClique } from './chordal.ts';
import { metricViolation } from './cycle-witness.ts';
import {
  adjacency,
  components,
  greedyColoring,
  principalSubmatrix,
  specifiedCount,
  type PartialMatrix,
} from './partial-matrix.ts';
import { gamma } from './psd-check.ts';
import { verifyCertificate, type Verification } from './verify.ts';

/** Options of `decide`; defaults are commented. */
export interface DecideOptions {
  /** The promise parameter ε: YES instances have a completion with λmin/λmax ≥ ε. Default 0.01. */
  epsilon?: number;
  /** Wall-clock budget in seconds; "undecided" when it runs out. Default 60. */
  maxSeconds?: number;
  /** Iteration budget of each Burer–Monteiro stage. Default 50000. */
  maxIterations?: number;
  /** Initial Burer–Monteiro rank. Default 8. */
  rank?: number;
  /** Largest Burer–Monteiro rank. Default 96. */
  maxRank?: number;
  /** Seed of the random initial factor. Default 1. */
  seed?: number;
  /** Run the independent verifier on the certificate before answering (downgrade to undecided if it fails). Default true. */
  verify?: boolean;
}

/** The answer of `decide`. */
export interface Decision {
  verdict: 'completable' | 'not-completable' | 'undecided';
  certificate: Certificate | null;
  seconds: number;
  stats: Record<string, unknown>;
}

/** Result for one part (component group) of the scaled problem. */
type PartResult =
  | { kind: 'yes'; vertices: number[]; factor: Float64Array; width: number; shift: number }
  | { kind: 'no'; certificate: Map<number, number>; keyN: number } // key i*keyN + j (i ≥ j) in scaled indices
  | { kind: 'undecided'; reason: string };

function twoByTwoWitness(matrix: PartialMatrix): DualCertificate | undefined {
  const { diagonal, rows, columns, values } = matrix;
  let worst = -1;
  let worstScore = 0;
  for (let e = 0; e < values.length; e++) {
    const a = diagonal[rows[e]];
    const c = diagonal[columns[e]];
    const b2 = values[e] * values[e];
    const product = a * c;
    if (b2 > product * (1 + 1e-9) + 1e-300) {
      const score = product > 0 ? b2 / product : Infinity;
      if (score > worstScore) {
        worstScore = score;
        worst = e;
      }
    }
  }
  if (worst < 0) return undefined;
  const i = rows[worst];
  const j = columns[worst];
  const a = diagonal[i];
  const c = diagonal[j];
  const b = values[worst];
  let ui: number;
  let uj: number;
  if (a > 0 && c > 0) {
    ui = Math.sqrt(c);
    uj = -Math.sign(b) * Math.sqrt(a);
  } else if (c > 0) {
    ui = 1;
    uj = -Math.sign(b) * (Math.abs(b) / c);
  } else {
    // a ≥ 0, c = 0 (or both zero): u = (t, −sign(b)) with t = |b|/a or 1.
    ui = a > 0 ? Math.abs(b) / a : 1;
    uj = -Math.sign(b);
  }
  return {
    kind: 'dual',
    entries: [
      [i + 1, i + 1, ui * ui],
      [j + 1, j + 1, uj * uj],
      [i + 1, j + 1, ui * uj],
    ],
  };
}

/** Decides PSD completability of a partial matrix under the ε promise, with a certificate. */
export function decide(original: PartialMatrix, options: DecideOptions = {}): Decision {
  const started = performance.now();
  const {
    epsilon = 0.01,
    maxSeconds = 60,
    maxIterations = 50000,
    rank = 8,
    maxRank = 96,
    seed = 1,
    verify = true,
  } = options;
  const deadline = started + maxSeconds * 1000;
  const stats: Record<string, unknown> = {
    n: original.n,
    m: specifiedCount(original),
    epsilon,
  };
  const finish = (
    verdict: Decision['verdict'],
    proposed: Certificate | null,
    reason: string,
  ): Decision => {
    let certificate = proposed;
    stats.reason = reason;
    const checkStarted = performance.now();
    let checked: Verification | undefined;
    if (certificate?.kind === 'dual') {
      ({ certificate, verification: checked } = absorbShift(original, certificate, deadline));
    }
    if (certificate && verify) {
      // The lifted dual was already run through the verifier as emitted: its report is the check.
      const verification: Verification =
        checked ?? verifyCertificate(original, certificate, { deadline });
      stats.verification = { ...verification, seconds: (performance.now() - checkStarted) / 1000 };
      const proves = verification.valid && (certificate.kind === 'dual' || verification.rigorous);
      if (verification.timedOut) {
        stats.reason = `${reason}; but the time budget ran out before the independent check finished`;
      } else if (!proves) {
        stats.reason = `${reason}; but the independent check did not confirm it: ${verification.reason}`;
      }
      if (!proves) {
        return {
          verdict: 'undecided',
          certificate,
          seconds: (performance.now() - started) / 1000,
          stats,
        };
      }
    }
    return { verdict, certificate, seconds: (performance.now() - started) / 1000, stats };
  };

  // O(m) preprocessing: negative diagonal, 2×2 violations (zero diagonal rows included).
  for (let i = 0; i < original.n; i++) {
    if (original.diagonal[i] < 0) {
      stats.path = 'preprocess';
      return finish(
        'not-completable',
        { kind: 'dual', entries: [[i + 1, i + 1, 1]] },
        `a_${i + 1},${i + 1} < 0`,
      );
    }
  }
  const twoByTwo = twoByTwoWitness(original);
  if (twoByTwo) {
    stats.path = 'preprocess';
    return finish('not-completable', twoByTwo, 'a 2×2 principal submatrix is indefinite');
  }
  // Unit-diagonal scaling of the vertices with a positive diagonal (zero-diagonal rows are all zero now).
  const active: number[] = [];
  for (let i = 0; i < original.n; i++) if (original.diagonal[i] > 0) active.push(i);
  const { matrix: scaled } = principalSubmatrix(original, active);
  const root = Float64Array.from(active, (i) => Math.sqrt(original.diagonal[i]));
  for (let e = 0; e < scaled.values.length; e++) {
    scaled.values[e] /= root[scaled.rows[e]] * root[scaled.columns[e]];
  }
  scaled.diagonal.fill(1);
  const shift = epsilon / 2;
  const structure = chordalStructure(scaled);
  const { id, count } = components(scaled);
  const chordalComponent = new Uint8Array(count).fill(1);
  for (let v = 0; v < scaled.n; v++) if (structure.violation[v]) chordalComponent[id[v]] = 0;
  const chordalVertices: number[] = [];
  const generalVertices: number[] = [];
  for (let v = 0; v < scaled.n; v++)
    (chordalComponent[id[v]] ? chordalVertices : generalVertices).push(v);
  let chordalCount = 0;
  for (let c = 0; c < count; c++) chordalCount += chordalComponent[c];
  stats.components = count;
  stats.chordalComponents = chordalCount;
  stats.chordalVertices = chordalVertices.length;

  const parts: PartResult[] = [];
  if (chordalVertices.length > 0) {
    parts.push(solveChordal(scaled, structure, chordalVertices, shift, seed, stats));
  }
  if (parts[0]?.kind !== 'no' && generalVertices.length > 0) {
    parts.push(
      solveGeneral(
        scaled,
        generalVertices,
        shift,
        { deadline, maxIterations, rank, maxRank, seed },
        stats,
      ),
    );
  }
  stats.path =
    generalVertices.length === 0
      ? 'chordal'
      : chordalVertices.length === 0
        ? 'burer-monteiro'
        : 'chordal+burer-monteiro';

  const no = parts.find((p) => p.kind === 'no');
  if (no && no.kind === 'no') {
    const entries: [number, number, number][] = [];
    for (const [k, y] of no.certificate) {
      const i = Math.floor(k / no.keyN);
      const j = k % no.keyN;
      entries.push([active[i] + 1, active[j] + 1, y / (root[i] * root[j])]);
    }
    entries.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return finish(
      'not-completable',
      { kind: 'dual', entries },
      'dual certificate: Y ⪰ 0 on the pattern with ⟨Y, A⟩ < 0',
    );
  }
  const undecided = parts.find((p) => p.kind === 'undecided');
  if (undecided && undecided.kind === 'undecided')
    return finish('undecided', null, undecided.reason);

  // Every part has a Gram factor of A_scaled − shift_part·I: assemble [√d·W | √(shift·d) colouring].
  const yesParts = parts.filter((p): p is Extract<PartResult, { kind: 'yes' }> => p.kind === 'yes');
  const width = Math.max(0, ...yesParts.map((p) => p.width));
  const { color, count: colors } = greedyColoring(scaled);
  const k = width + colors;
  const factor: number[][] = Array.from({ length: original.n }, () => new Array<number>(k).fill(0));
  for (const part of yesParts) {
    part.vertices.forEach((v, local) => {
      const row = factor[active[v]];
      for (let c = 0; c < part.width; c++) row[c] = root[v] * part.factor[local * part.width + c];
      row[width + color[v]] = Math.sqrt(part.shift) * root[v];
    });
  }
  const certificate: GramCertificate = {
    kind: 'gram',
    factor,
    tolerance: gramTolerance(original, factor),
    shiftColumns: colors,
  };
  stats.factorColumns = k;
  stats.shift = Math.min(...yesParts.map((p) => p.shift));
  return finish(
    'completable',
    certificate,
    'Gram factor of a completion whose shift block proves λmin > 0',
  );
}

/**
 * The verifier proves Y + β·I_S ⪰ 0 for a small β; emitting Y + 2β·I_S instead makes the certificate itself
 * PSD (its own check then needs only a rounding-level β) while keeping ⟨Y, A⟩ < 0. Returns the emitted
 * certificate with the verifier's report on it (undefined when the lift was not needed or not checked).
 */
function absorbShift(
  matrix: PartialMatrix,
  certificate: DualCertificate,
  deadline: number,
): { certificate: DualCertificate; verification: Verification | undefined } {
  const verification = verifyCertificate(matrix, certificate, { deadline });
  if (!verification.valid || !verification.beta) return { certificate, verification };
  // ⟨Y + t·I_S, A⟩ stays negative up to t ≈ −⟨Y, A⟩/tr(A_S); on global duals 2β can pass that, so stop
  // halfway between β and it.
  const { beta, innerProduct = 0, marginUpperBound = 0 } = verification;
  const supportTrace = (marginUpperBound - innerProduct) / beta;
  const lift = Math.min(2 * beta, (beta - innerProduct / supportTrace) / 2);
  const support = new Set<number>();
  for (const [i, j] of certificate.entries) {
    support.add(i);
    support.add(j);
  }
  const entries = new Map<string, [number, number, number]>();
  for (const entry of certificate.entries) entries.set(`${entry[0]},${entry[1]}`, [...entry]);
  for (const v of support) {
    const key = `${v},${v}`;
    const entry = entries.get(key) ?? [v, v, 0];
    entry[2] += lift;
    entries.set(key, entry);
  }
  const lifted: DualCertificate = {
    kind: 'dual',
    entries: [...entries.values()].sort((x, y) => x[0] - y[0] || x[1] - y[1]),
  };
  const liftedVerification = verifyCertificate(matrix, lifted, { deadline });
  return liftedVerification.valid
    ? { certificate: lifted, verification: liftedVerification }
    : {
        certificate,
        verification: liftedVerification.timedOut ? liftedVerification : verification,
      };
}

/** A stated tolerance slightly above the factor's actual max residual on the pattern. */
export function gramTolerance(matrix: PartialMatrix, factor: number[][]): number {
  const k = factor[0]?.length ?? 0;
  const g = gamma(k + 2);
  let max = 0;
  const residual = (i: number, j: number, a: number): number => {
    let dot = 0;
    let absolute = 0;
    const x = factor[i];
    const y = factor[j];
    for (let c = 0; c < k; c++) {
      dot += x[c] * y[c];
      absolute += Math.abs(x[c] * y[c]);
    }
    return Math.abs(dot - a) + 2 * g * (absolute + Math.abs(a));
  };
  for (let i = 0; i < matrix.n; i++) max = Math.max(max, residual(i, i, matrix.diagonal[i]));
  for (let e = 0; e < matrix.values.length; e++) {
    max = Math.max(max, residual(matrix.rows[e], matrix.columns[e], matrix.values[e]));
  }
  return Number((max * 1.0001 + 1e-300).toPrecision(6));
}

function solveChordal(
  scaled: PartialMatrix,
  structure: ReturnType<typeof chordalStructure>,
  vertices: number[],
  shift: number,
  seed: number,
  stats: Record<string, unknown>,
): PartResult {
  let current = shift;
  let cliqueChecks = 0;
  for (;;) {
    cliqueChecks++;
    const witness = worstClique(scaled, structure, vertices, current);
    if (!witness) break;
    const lambda = witness.lambdaMin + current; // λmin of the clique of A itself
    if (lambda < 0) {
      stats.chordal = { cliqueChecks, violatedClique: witness.vertices.length, lambdaMin: lambda };
      const certificate = new Map<number, number>();
      const n = scaled.n;
      witness.vertices.forEach((a, p) => {
        witness.vertices.forEach((b, q) => {
          if (a >= b) certificate.set(a * n + b, witness.vector[p] * witness.vector[q]);
        });
      });
      return { kind: 'no', certificate, keyN: n };
    }
    current = Math.min(current / 2, lambda / 2);
    if (current < 1e-13) {
      return {
        kind: 'undecided',
        reason: `a clique of the chordal part is PSD but singular to rounding (λmin = ${lambda}): completable only on the boundary`,
      };
    }
  }
  let width = 1;
  for (const v of vertices) width = Math.max(width, structure.earlier[v].length + 1);
  const factor = chordalGramFactor(scaled, structure, vertices, current, width, seed);
  stats.chordal = { cliqueChecks, width, shift: current };
  if (!factor)
    return {
      kind: 'undecided',
      reason: 'chordal Gram construction met a non-positive Schur complement',
    };
  const compact = new Float64Array(vertices.length * width);
  vertices.forEach((v, local) =>
    compact.set(factor.subarray(v * width, (v + 1) * width), local * width),
  );
  return { kind: 'yes', vertices, factor: compact, width, shift: current };
}

interface GeneralOptions {
  deadline: number;
  maxIterations: number;
  rank: number;
  maxRank: number;
  seed: number;
}

function fitProblemFor(matrix: PartialMatrix, shift: number): FitProblem {
  return {
    n: matrix.n,
    diagonalTarget: Float64Array.from(matrix.diagonal, (d) => d - shift),
    rows: matrix.rows,
    columns: matrix.columns,
    targets: matrix.values,
  };
}

function solveGeneral(
  scaled: PartialMatrix,
  vertices: number[],
  shift: number,
  options: GeneralOptions,
  stats: Record<string, unknown>,
): PartResult {
  const { matrix: sub } = principalSubmatrix(scaled, vertices);
  const stages: Record<string, unknown>[] = [];
  stats.burerMonteiro = stages;
  const record = (name: string, targetShift: number, fit: FitResult, startedAt: number): void => {
    stages.push({
      stage: name,
      shift: targetShift,
      status: fit.status,
      rank: fit.rank,
      iterations: fit.iterations,
      lanczosCalls: fit.lanczosCalls,
      objective: fit.objective,
      lambdaMin: fit.lambdaMin,
      seconds: (performance.now() - startedAt) / 1000,
    });
  };
  let t0 = performance.now();
  let found: Map<number, number> | undefined;
  const subAdjacency = adjacency(sub);
  // The metric scan costs O(n + m) relaxations: run it at most twice (first plateau, end of the fit).
  let scans = 0;
  const scan = (fit: FitResult): Map<number, number> | undefined =>
    scans++ < 2 ? cycleWitness(sub, subAdjacency, fit, stats) : undefined;
  // Denser patterns need more columns (the shift part needs an orthogonal representation of the graph).
  const averageDegree = (2 * sub.values.length) / Math.max(1, sub.n);
  const first = fitBurerMonteiro(fitProblemFor(sub, shift), {
    rank: Math.max(options.rank, Math.ceil(averageDegree)),
    maxRank: options.maxRank,
    maxIterations: options.maxIterations,
    deadline: options.deadline,
    shift,
    stationarity: 1e-3,
    psdTolerance: 1e-2,
    stagnationWindow: 50,
    stagnationTolerance: 1e-3,
    seed: options.seed,
    // Before growing the rank, try to certify "no" on the residual's heaviest vertices.
    inspect: (state) => {
      found = scan(state) ?? localize(sub, state, { ...options, maxSupport: 64 }, stats);
      return found !== undefined;
    },
  });
  record('shifted', shift, first, t0);
  if (found) return mapDual(found, vertices, sub.n, scaled.n);
  if (first.status === 'fits') {
    return { kind: 'yes', vertices, factor: first.factor, width: first.rank, shift };
  }
  if (first.status === 'budget') {
    return {
      kind: 'undecided',
      reason: `budget ran out while fitting A − (ε/2)·I (${first.iterations} iterations)`,
    };
  }
  // A − (ε/2)·I has no completion (PSD residual). Its heavy vertices localise the obstruction: look for a
  // certificate for A itself on small principal submatrices first.
  const local = scan(first) ?? localize(sub, first, options, stats);
  if (local) return mapDual(local, vertices, sub.n, scaled.n);
  t0 = performance.now();
  const second = fitBurerMonteiro(fitProblemFor(sub, 0), {
    maxRank: options.maxRank,
    maxIterations: options.maxIterations,
    deadline: options.deadline,
    shift: 0,
    fitTolerance: 1e-7,
    seed: options.seed + 1,
    initial: { factor: first.factor, rank: first.rank },
  });
  record('unshifted', 0, second, t0);
  if (second.status === 'fits') {
    // Completable (to 1e-7) but not with margin ε/2: the promise gap. Try smaller shifts for a rigorous YES.
    let warm = second;
    for (const fraction of [0.25, 0.0625]) {
      const smaller = shift * fraction;
      t0 = performance.now();
      const fit = fitBurerMonteiro(fitProblemFor(sub, smaller), {
        maxRank: options.maxRank,
        maxIterations: options.maxIterations,
        deadline: options.deadline,
        shift: smaller,
        seed: options.seed + 2,
        initial: { factor: warm.factor, rank: warm.rank },
      });
      record('gap', smaller, fit, t0);
      if (fit.status === 'fits')
        return { kind: 'yes', vertices, factor: fit.factor, width: fit.rank, shift: smaller };
      warm = fit;
    }
    return {
      kind: 'undecided',
      reason:
        'in the promise gap: completable to 1e-7 but no completion with λmin ≥ ε/32 was found',
    };
  }
  if (second.status === 'budget') {
    return {
      kind: 'undecided',
      reason: `budget ran out while fitting A (${second.iterations} iterations)`,
    };
  }
  const dual = localize(sub, second, options, stats) ?? polishDual(sub, second, options, stats);
  if (!dual)
    return {
      kind: 'undecided',
      reason: 'the residual is PSD but no certificate passed the rigorous check',
    };
  return mapDual(dual, vertices, sub.n, scaled.n);
}

/** Maps a certificate on a principal submatrix (keys i*subN + j over `support`) to keys of an n-matrix. */
function mapToMatrix(
  certificate: Map<number, number>,
  support: number[],
  subN: number,
  n: number,
): Map<number, number> {
  const mapped = new Map<number, number>();
  for (const [key, y] of certificate) {
    const i = support[Math.floor(key / subN)];
    const j = support[key % subN];
    mapped.set(Math.max(i, j) * n + Math.min(i, j), y);
  }
  return mapped;
}

/** Maps a certificate on a subproblem (keys i*subN + j) to the scaled problem's indices. */
function mapDual(
  dual: Map<number, number>,
  vertices: number[],
  subN: number,
  n: number,
): PartResult {
  const certificate = new Map<number, number>();
  for (const [k, y] of dual) {
    const i = vertices[Math.floor(k / subN)];
    const j = vertices[k % subN];
    certificate.set(Math.max(i, j) * n + Math.min(i, j), y);
  }
  return { kind: 'no', certificate, keyN: n };
}

/**
 * Localisation: the residual's heaviest vertices (by R_ii) carry the obstruction. Solve the unshifted problem
 * on the top-k principal submatrix (k growing) to high accuracy; its PSD residual, if it passes the rigorous
 * check, is a certificate for the whole matrix (a principal submatrix without completion has none).
 */
function localize(
  matrix: PartialMatrix,
  fit: FitResult,
  options: GeneralOptions & { maxSupport?: number },
  stats: Record<string, unknown>,
): Map<number, number> | undefined {
  const n = matrix.n;
  const attempts = (stats.localize ?? []) as Record<string, unknown>[];
  stats.localize = attempts;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => fit.residualDiagonal[b] - fit.residualDiagonal[a],
  );
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.max(0, fit.residualDiagonal[i]);
  let heavy = 0;
  let mass = 0;
  while (heavy < n && mass < 0.9 * trace) mass += fit.residualDiagonal[order[heavy++]];
  // Small supports first (cheap, and the obstruction is usually among the heaviest vertices).
  let k = Math.min(n, Math.max(4, Math.min(heavy, 16)));
  const limit = Math.min(n, options.maxSupport ?? Infinity, Math.max(64, 2 * heavy));
  const adj = adjacency(matrix);
  const inside = new Uint8Array(n);
  const touching = new Int32Array(n);
  for (; performance.now() < options.deadline; k = Math.min(limit, Math.ceil(k * 2))) {
    // The top-k vertices, closed under "has two neighbours inside" (so a cycle missing one vertex is completed).
    const top = order.slice(0, k);
    inside.fill(0);
    touching.fill(0);
    for (const v of top) inside[v] = 1;
    const support = [...top];
    for (const v of top) {
      for (let p = adj.start[v]; p < adj.start[v + 1]; p++) {
        const w = adj.neighbor[p];
        if (!inside[w] && ++touching[w] === 2) support.push(w);
      }
    }
    support.sort((a, b) => a - b);
    const { matrix: local } = principalSubmatrix(matrix, support);
    const startedAt = performance.now();
    if (local.n + local.values.length <= 200) {
      // Small supports (≤ 200 variables, so a Newton step is cheap): the dense barrier method finds the
      // optimal dual, positive definite, so it passes the check.
      const barrier = barrierDual(local, { deadline: options.deadline });
      const certified = barrier.certificate !== undefined && certifies(local, barrier.certificate);
      attempts.push({
        support: support.length,
        method: 'barrier',
        newtonSteps: barrier.newtonSteps,
        objective: barrier.objective,
        certified,
        seconds: (performance.now() - startedAt) / 1000,
      });
      if (certified) return mapToMatrix(barrier.certificate!, support, local.n, n);
      if (k >= limit) break;
      continue;
    }
    // Increasing accuracy with warm starts: most certificates pass long before full convergence.
    let localFit: FitResult | undefined;
    let ok = false;
    let candidate: Map<number, number> | undefined;
    let iterations = 0;
    for (const tolerance of [1e-5, 1e-7, 1e-9]) {
      localFit = fitBurerMonteiro(fitProblemFor(local, 0), {
        rank: Math.min(local.n, 24),
        maxRank: Math.min(local.n, options.maxRank),
        maxIterations: options.maxIterations,
        deadline: options.deadline,
        shift: 0,
        fitTolerance: 1e-9,
        stationarity: tolerance,
        psdTolerance: tolerance,
        seed: options.seed + 11,
        ...(localFit ? { initial: { factor: localFit.factor, rank: localFit.rank } } : {}),
        // Try the rigorous check every 20 iterations once f has settled: it often passes long before
        // the fit is stationary.
        inspect: (state) => {
          // A rigorous check on a large expander-like support costs O(support³): not past the budget.
          if (performance.now() > options.deadline) return false;
          const attempt = residualCandidate(local, state, undefined);
          if (!certifies(local, attempt, options.deadline)) return false;
          candidate = attempt;
          return true;
        },
        inspectRatio: 0.95,
        inspectWindow: 20,
        inspectGrowth: 1,
      });
      iterations += localFit.iterations;
      if (localFit.status === 'stopped') {
        ok = true;
        break;
      }
      if (localFit.status !== 'psd-residual') break;
      candidate = residualCandidate(local, localFit, undefined);
      ok = certifies(local, candidate, options.deadline);
      if (ok) break;
    }
    attempts.push({
      support: support.length,
      status: localFit!.status,
      iterations,
      rank: localFit!.rank,
      certified: ok,
      seconds: (performance.now() - startedAt) / 1000,
    });
    if (ok && candidate) {
      const mapped = new Map<number, number>();
      for (const [key, y] of candidate) {
        const i = support[Math.floor(key / local.n)];
        const j = support[key % local.n];
        mapped.set(Math.max(i, j) * n + Math.min(i, j), y);
      }
      return mapped;
    }
    if (k >= limit) break;
  }
  return undefined;
}

/**
 * A violated cycle condition of any length (see cycle-witness.ts), tried on every entry, those with the
 * largest residuals first (the obstruction's entries carry them), within O(n + m) relaxations in all.
 */
function cycleWitness(
  matrix: PartialMatrix,
  pattern: ReturnType<typeof adjacency>,
  fit: FitResult,
  stats: Record<string, unknown>,
): Map<number, number> | undefined {
  const started = performance.now();
  const residual = fit.residualEdges;
  const order = Array.from({ length: residual.length }, (_, e) => e).sort(
    (a, b) => Math.abs(residual[b]) - Math.abs(residual[a]),
  );
  const candidate = metricViolation(matrix, pattern, { candidates: order });
  const certified = candidate !== undefined && certifies(matrix, candidate);
  const attempts = (stats.cycleWitness ?? []) as Record<string, unknown>[];
  stats.cycleWitness = attempts;
  attempts.push({
    found: candidate !== undefined,
    cycle: candidate ? new Set([...candidate.keys()].map((k) => k % matrix.n)).size : 0,
    certified,
    seconds: (performance.now() - started) / 1000,
  });
  return certified ? candidate : undefined;
}

/** ⟨Y, A⟩ and the rigorous check of a candidate Y (key i*n + j, i ≥ j) against a unit-diagonal matrix. */
function certifies(
  matrix: PartialMatrix,
  candidate: Map<number, number>,
  deadline = Infinity,
): boolean {
  const entries: [number, number, number][] = [];
  for (const [k, y] of candidate)
    entries.push([Math.floor(k / matrix.n) + 1, (k % matrix.n) + 1, y]);
  return verifyCertificate(matrix, { kind: 'dual', entries }, { deadline }).valid;
}

function residualCandidate(
  matrix: PartialMatrix,
  fit: FitResult,
  keep: Uint8Array | undefined,
): Map<number, number> {
  const candidate = new Map<number, number>();
  const n = matrix.n;
  for (let i = 0; i < n; i++) {
    if ((!keep || keep[i]) && fit.residualDiagonal[i] !== 0)
      candidate.set(i * n + i, fit.residualDiagonal[i]);
  }
  for (let e = 0; e < matrix.values.length; e++) {
    const i = matrix.rows[e];
    const j = matrix.columns[e];
    if (keep && (!keep[i] || !keep[j])) continue;
    if (fit.residualEdges[e] !== 0) candidate.set(i * n + j, fit.residualEdges[e]);
  }
  return candidate;
}

/**
 * Turns a (numerically) PSD residual into a certificate that passes the rigorous check: first R itself on
 * its heavy support, then a re-solve on that support to high accuracy, enlarging the support when the
 * restricted problem turns out completable.
 */
function polishDual(
  matrix: PartialMatrix,
  fit: FitResult,
  options: GeneralOptions,
  stats: Record<string, unknown>,
): Map<number, number> | undefined {
  const n = matrix.n;
  const polish: Record<string, unknown>[] = [];
  stats.polish = polish;
  // Heavy support: smallest prefix of vertices by R_ii holding all but 1e-4 of the trace.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => fit.residualDiagonal[b] - fit.residualDiagonal[a],
  );
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.max(0, fit.residualDiagonal[i]);
  const prefix = (fraction: number): number[] => {
    const chosen: number[] = [];
    let mass = 0;
    for (const v of order) {
      if (mass >= (1 - fraction) * trace || fit.residualDiagonal[v] <= 0) break;
      chosen.push(v);
      mass += fit.residualDiagonal[v];
    }
    return chosen;
  };
  if (n <= 3000 && performance.now() < options.deadline) {
    const whole = residualCandidate(matrix, fit, undefined);
    const ok = certifies(matrix, whole, options.deadline);
    polish.push({ step: 'residual', support: n, ok });
    if (ok) return whole;
  }
  const adj = adjacency(matrix);
  let support = prefix(1e-4);
  for (let attempt = 0; attempt < 4 && performance.now() < options.deadline; attempt++) {
    const keep = new Uint8Array(n);
    for (const v of support) keep[v] = 1;
    const restricted = residualCandidate(matrix, fit, keep);
    if (certifies(matrix, restricted, options.deadline)) {
      polish.push({ step: 'restricted-residual', support: support.length, ok: true });
      return restricted;
    }
    const { matrix: local } = principalSubmatrix(matrix, support);
    const startedAt = performance.now();
    const localFit = fitBurerMonteiro(fitProblemFor(local, 0), {
      rank: Math.min(8, local.n),
      maxRank: Math.min(options.maxRank, local.n),
      maxIterations: options.maxIterations,
      deadline: options.deadline,
      shift: 0,
      fitTolerance: 1e-10,
      stationarity: 1e-9,
      psdTolerance: 1e-9,
      seed: options.seed + 7,
    });
    polish.push({
      step: 'resolve',
      support: support.length,
      status: localFit.status,
      iterations: localFit.iterations,
      seconds: (performance.now() - startedAt) / 1000,
    });
    if (localFit.status === 'psd-residual') {
      const localCandidate = residualCandidate(local, localFit, undefined);
      if (certifies(local, localCandidate, options.deadline)) {
        const mapped = new Map<number, number>();
        for (const [k, y] of localCandidate) {
          const i = support[Math.floor(k / local.n)];
          const j = support[k % local.n];
          mapped.set(Math.max(i, j) * n + Math.min(i, j), y);
        }
        return mapped;
      }
    }
    // Enlarge: all neighbours of the support.
    const grown = new Set(support);
    for (const v of support) {
      for (let p = adj.start[v]; p < adj.start[v + 1]; p++) grown.add(adj.neighbor[p]);
    }
    if (grown.size === support.length) break;
    support = [...grown];
  }
  return undefined;
}
