import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { CheckableCertificate } from './certificate.ts';
import type { CompletionFormat } from './completion.ts';
import type { DecideOptions, Decision } from './decide.ts';
import { PsdError, isPsdError } from './errors.ts';
import type { PatternKind } from './generate.ts';
import type { PartialMatrix } from './partial-matrix.ts';
import type { PeerName } from './peers.ts';
import type { SquareFamily } from './square-families.ts';

// Verbs import what they use when they run, so `psd --help` loads no solver code.

function positiveNumber(value: string): number {
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError('expected a positive number');
  return x;
}

function integer(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x)) throw new InvalidArgumentError('expected an integer');
  return x;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The smallest order a generated family is built at. */
const MIN_ORDER = 2;

/** A comma-separated list of matrix orders n, each an integer of at least `least`. */
function orders(least: number): (value: string) => number[] {
  return (value) =>
    list(value).map((entry) => {
      const n = Number(entry);
      if (!Number.isInteger(n) || n < least) {
        throw new InvalidArgumentError(
          `expected comma-separated orders n, each an integer ≥ ${least} (got "${entry}")`,
        );
      }
      return n;
    });
}

/** A comma-separated list of positive numbers. */
function positiveNumbers(value: string): number[] {
  return list(value).map((entry) => {
    try {
      return positiveNumber(entry);
    } catch {
      throw new InvalidArgumentError(`expected comma-separated positive numbers (got "${entry}")`);
    }
  });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new PsdError('io.read', `cannot read ${path}: ${(error as Error).message}`);
  }
}

async function readMatrix(path: string): Promise<PartialMatrix> {
  const { parsePartialMatrix } = await import('./parse.ts');
  return parsePartialMatrix(readText(path), path);
}

/** Each instance named on the command line, in order; `-` is a stream of instances on stdin. */
async function* instancesOf(files: string[]): AsyncGenerator<{ source: string; text: string }> {
  const { splitInstances } = await import('./instance-stream.ts');
  for (const file of files) {
    if (file === '-') {
      yield* splitInstances(createInterface({ input: process.stdin, crlfDelay: Infinity }));
    } else {
      yield { source: file, text: readText(file) };
    }
  }
}

function describeDecision(decision: Decision): string[] {
  const lines = [
    `${decision.verdict} (${decision.seconds.toFixed(3)} s): ${String(decision.stats.reason)}`,
  ];
  const verification = decision.stats.verification as { reason?: string } | undefined;
  if (verification?.reason) lines.push(`check: ${verification.reason}`);
  return lines;
}

/** Builds the `psd` program. */
export function buildProgram(out: (text: string) => void): Command {
  const program = new Command('psd')
    .description(
      'Certifying solver for PSD matrix completion (ARC matrix completion problems): decide, complete, verify, square, generate, bench.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => out(text.trimEnd()) })
    .exitOverride();

  program
    .command('decide')
    .description(
      'Decide whether the partial matrix in FILE has a PSD completion, under the promise "no completion" vs "a completion with λmin/λmax ≥ ε". Prints the verdict with a certificate (gram factor or dual matrix) checked by the independent verifier. With several FILEs, or - (a stream on stdin: JSON instances one per line, or Matrix Market documents one after another), prints one JSON line {source, verdict, …} per instance.',
    )
    .argument(
      '<files...>',
      'Matrix Market coordinate real symmetric file (1-based, lower triangle, whole diagonal) or JSON {"n", "entries"}; - for stdin',
    )
    .option('--eps <e>', 'the promise parameter ε', positiveNumber, 0.01)
    .option('--json', 'print one JSON line {verdict, certificate, seconds, stats}')
    .option('--max-seconds <s>', 'time budget; "undecided" when it runs out', positiveNumber, 60)
    .option('--max-iterations <k>', 'iteration budget of each Burer–Monteiro stage', integer, 50000)
    .option('--rank <r>', 'initial Burer–Monteiro rank', integer, 8)
    .option('--seed <s>', 'seed of the random initial factor', integer, 1)
    .option(
      '--certificate <path>',
      'also write the certificate as JSON to this file (one instance)',
    )
    .option('--no-verify', 'skip the independent check of the certificate')
    .action(async (files: string[], options) => {
      const [{ decide }, { parsePartialMatrix }] = await Promise.all([
        import('./decide.ts'),
        import('./parse.ts'),
      ]);
      const decideOptions: DecideOptions = {
        epsilon: options.eps,
        maxSeconds: options.maxSeconds,
        maxIterations: options.maxIterations,
        rank: options.rank,
        seed: options.seed,
        verify: options.verify,
      };
      const batch = files.length > 1 || files[0] === '-';
      if (!batch) {
        const decision = decide(await readMatrix(files[0]), decideOptions);
        if (options.certificate && decision.certificate) {
          writeFileSync(options.certificate, JSON.stringify(decision.certificate) + '\n');
        }
        if (options.json) out(JSON.stringify(decision));
        else describeDecision(decision).forEach((line) => out(line));
        return;
      }
      if (options.certificate) {
        throw new PsdError('decide.certificate', '--certificate takes one instance', {
          hint: 'decide several instances without it: each JSON line holds its certificate',
        });
      }
      // One JSON line per instance; a malformed instance is reported on its line and the rest still run.
      let failed = false;
      for await (const { source, text } of instancesOf(files)) {
        try {
          out(
            JSON.stringify({ source, ...decide(parsePartialMatrix(text, source), decideOptions) }),
          );
        } catch (error) {
          if (!isPsdError(error)) throw error;
          failed = true;
          out(JSON.stringify({ source, error: error.message, hint: error.hint }));
        }
      }
      if (failed) throw new CommanderError(1, 'psd.instance', '');
    });

  program
    .command('complete')
    .description(
      'Print a PSD completion of FILE matching every specified entry within 1e-9 of the largest one: --format factor (default) a Gram factor {"kind":"gram","factor":[[…]×n],…}, low-rank-sparse {"kind":"low-rank-sparse","factor":W,"sigma":σ,"sparse":[[i,j,e],…]} with X = W Wᵀ + diag(σ²) − E exactly, or dense {"kind":"dense","matrix":[[…]×n]}.',
    )
    .argument('<file>', 'partial matrix (Matrix Market or JSON)')
    .option(
      '--eps <e>',
      'ε for the underlying decision (smaller: works closer to the boundary)',
      positiveNumber,
      1e-3,
    )
    .option('--format <f>', 'factor | low-rank-sparse | dense', 'factor')
    .option('--max-seconds <s>', 'time budget', positiveNumber, 60)
    .option('--seed <s>', 'seed', integer, 1)
    .option(
      '--max-det',
      'chordal patterns: print the maximum-determinant completion X through its sparse inverse, {"kind":"max-det-inverse","d":[…],"entries":[[i,j,L_ij],…]} with X⁻¹ = Σ_v d_v ℓ_v ℓ_vᵀ, ℓ_v = e_v + Σ_i L_iv e_i',
    )
    .action(async (file: string, options) => {
      const completion = await import('./completion.ts');
      const format = options.format as CompletionFormat;
      if (!completion.completionFormats.includes(format)) {
        throw new PsdError('complete.format', `unknown format "${options.format}"`, {
          hint: `use ${completion.completionFormats.join(', ')}`,
        });
      }
      const matrix = await readMatrix(file);
      if (options.maxDet) {
        const { chordalStructure, maxDeterminantInverse } = await import('./chordal.ts');
        const structure = chordalStructure(matrix);
        if (structure.violation.some((x) => x === 1)) {
          throw new PsdError('complete.not-chordal', `${file}: the pattern is not chordal`, {
            hint: '--max-det needs a chordal pattern; drop it to get a Gram factor instead',
          });
        }
        const inverse = maxDeterminantInverse(matrix, structure);
        if (!inverse) {
          throw new PsdError(
            'complete.not-definite',
            `${file}: a clique is not positive definite, so no max-det completion exists`,
          );
        }
        out(
          JSON.stringify({
            kind: 'max-det-inverse',
            d: Array.from(inverse.d),
            entries: inverse.entries.map(([i, j, value]) => [i + 1, j + 1, value]),
          }),
        );
        return;
      }
      const { decide } = await import('./decide.ts');
      const started = performance.now();
      const decision = decide(matrix, {
        epsilon: options.eps,
        maxSeconds: options.maxSeconds,
        seed: options.seed,
      });
      if (decision.verdict === 'not-completable') {
        throw new PsdError(
          'complete.none',
          `${file} has no PSD completion (a dual certificate proves it)`,
          {
            hint: 'run `psd decide --json` to see the certificate',
          },
        );
      }
      if (decision.certificate?.kind !== 'gram' || decision.verdict !== 'completable') {
        throw new PsdError(
          'complete.undecided',
          `no completion found: ${String(decision.stats.reason)}`,
          {
            hint: 'raise --max-seconds or lower --eps',
          },
        );
      }
      // The decision's factor fits to the shift margin only; refit it to 1e-11 (relative to √(a_ii a_jj)).
      const refined = completion.refineGramCertificate(matrix, decision.certificate, {
        maxSeconds: Math.max(1, options.maxSeconds - (performance.now() - started) / 1000),
      });
      if (!refined && format === 'factor') {
        throw new PsdError(
          'complete.refine',
          'the Gram factor could not be refined to 1e-9 within the budget',
          {
            hint: 'raise --max-seconds, or use --format low-rank-sparse (exact without refinement)',
          },
        );
      }
      const certificate = refined ?? decision.certificate;
      if (format === 'factor') out(JSON.stringify(certificate));
      else if (format === 'low-rank-sparse')
        out(JSON.stringify(completion.lowRankSparseForm(matrix, certificate)));
      else out(JSON.stringify(completion.denseForm(matrix, certificate)));
    });

  program
    .command('verify')
    .description(
      'Independently check a certificate (gram or dual) against the partial matrix. Exit code 0 when it proves its claim, 1 otherwise.',
    )
    .argument('<file>', 'partial matrix (Matrix Market or JSON)')
    .argument(
      '<certificate>',
      'certificate JSON: {"kind":"gram",…}, {"kind":"dual",…}, or a decide --json line',
    )
    .action(async (file: string, certificatePath: string) => {
      const { verifyCertificate } = await import('./verify.ts');
      const matrix = await readMatrix(file);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readText(certificatePath));
      } catch (error) {
        throw new PsdError(
          'verify.json',
          `${certificatePath}: not valid JSON (${(error as Error).message})`,
        );
      }
      const record = parsed as { certificate?: CheckableCertificate; kind?: string };
      const certificate = (record.kind ? record : record.certificate) as
        CheckableCertificate | undefined;
      if (!certificate)
        throw new PsdError('verify.json', `${certificatePath}: no certificate found`);
      const verification = verifyCertificate(matrix, certificate);
      out(JSON.stringify(verification));
      if (!verification.valid) throw new CommanderError(1, 'psd.invalid', '');
    });

  program
    .command('square')
    .description(
      'Approximate squaring: given A (n×p) and positions, print a Gram factor V (n×k, usually k ≪ p) with V Vᵀ = A Aᵀ at the positions and on the diagonal, without forming A Aᵀ.',
    )
    .argument('<matrix>', 'A as Matrix Market "coordinate real general" or "array real general"')
    .argument('<positions>', 'positions: JSON [[i, j], …] or Matrix Market coordinate (1-based)')
    .option(
      '--tolerance <t>',
      'max |v_i·v_j − (A Aᵀ)_ij| after unit-diagonal scaling',
      positiveNumber,
      1e-8,
    )
    .option('--max-seconds <s>', 'time budget before falling back to V = A', positiveNumber, 60)
    .option('--max-rank <k>', 'largest rank of the fitted factor (also at most p)', integer, 64)
    .option('--seed <s>', 'seed of the initial factor', integer, 1)
    .option(
      '--json',
      'print {certificate, verification, method, rank, residual, relativeResidual, stages, seconds} as one JSON line',
    )
    .action(async (matrixPath: string, positionsPath: string, options) => {
      const { approximateSquare, parseGeneralMatrix, parsePositions } = await import('./square.ts');
      const a = parseGeneralMatrix(readText(matrixPath), matrixPath);
      const positions = parsePositions(readText(positionsPath), a.rows, positionsPath);
      const result = approximateSquare(a, positions, {
        tolerance: options.tolerance,
        maxSeconds: options.maxSeconds,
        maxRank: options.maxRank,
        seed: options.seed,
      });
      if (options.json) out(JSON.stringify(result));
      else {
        out(
          `rank ${result.rank} (${result.method}), max residual ${result.residual.toExponential(2)} (${result.relativeResidual.toExponential(2)} of the largest entry), ${result.seconds.toFixed(3)} s`,
        );
        out(JSON.stringify(result.certificate));
      }
    });

  program
    .command('generate')
    .description(
      'Write a generated benchmark instance (Matrix Market) with a known answer; with --square, a squaring instance: A (n×p, Matrix Market general) and its positions (JSON, --positions-output).',
    )
    .option('--pattern <p>', 'band | ktree | random | grid (required without --square)')
    .option(
      '--kind <k>',
      'yes (low-rank plus shift) | no (planted violation) (required without --square)',
    )
    .requiredOption('--n <n>', 'order (--square: rows of A)', integer)
    .option('--square <family>', 'squaring instance: dense | sparse | low-rank | power-law')
    .option('--columns <p>', '--square: columns of A', integer, 400)
    .option(
      '--fill <f>',
      '--square sparse: probability that an entry is non-zero',
      positiveNumber,
      0.05,
    )
    .option('--rank <r>', '--square low-rank: rank of A', integer, 12)
    .option('--exponent <e>', '--square power-law: row norms ∝ place^(−e)', positiveNumber, 1)
    .option(
      '--positions-per-row <k>',
      '--square: off-diagonal positions per row, drawn uniformly with i < j',
      positiveNumber,
      10,
    )
    .option(
      '--positions-output <path>',
      '--square: write the positions here (required with --square)',
    )
    .option('--density <d>', 'm/n', positiveNumber, 5)
    .option('--margin <a>', 'YES: t* ≥ margin', positiveNumber, 0.1)
    .option('--violation <d>', 'NO: size of the planted violation', positiveNumber, 0.1)
    .option('--cycle-length <k>', 'NO on non-chordal patterns: planted cycle length', integer, 12)
    .option(
      '--obstruction <o>',
      'NO on non-chordal patterns: cycle (one planted chordless cycle) | spread (random pattern: every entry beyond the Hoffman bound, no small witness)',
      'cycle',
    )
    .option('--scale-diagonal', 'random non-unit diagonal')
    .option('--seed <s>', 'seed', integer, 1)
    .option('--output <path>', 'write here instead of stdout')
    .action(async (options) => {
      if (options.square !== undefined) {
        const squaring = await import('./square-families.ts');
        if (!options.positionsOutput) {
          throw new PsdError('generate.positions-output', '--square needs --positions-output', {
            hint: 'name the file the positions are written to, e.g. --positions-output P.json',
          });
        }
        const instance = squaring.generateSquareInstance({
          family: options.square,
          rows: options.n,
          columns: options.columns,
          positionsPerRow: options.positionsPerRow,
          fill: options.fill,
          rank: options.rank,
          exponent: options.exponent,
          seed: options.seed,
        });
        writeFileSync(options.positionsOutput, squaring.formatPositions(instance.positions));
        const text = squaring.formatGeneralMatrix(instance.a, instance.name);
        if (options.output) writeFileSync(options.output, text);
        else out(text.trimEnd());
        return;
      }
      const [{ generateInstance }, { formatMatrixMarket }] = await Promise.all([
        import('./generate.ts'),
        import('./parse.ts'),
      ]);
      if (!['band', 'ktree', 'random', 'grid'].includes(options.pattern)) {
        const problem =
          options.pattern === undefined
            ? 'missing --pattern'
            : `unknown pattern "${options.pattern}"`;
        throw new PsdError('generate.pattern', problem, {
          hint: 'use band, ktree, random or grid (or --square for a squaring instance)',
        });
      }
      if (!['yes', 'no'].includes(options.kind)) {
        const problem =
          options.kind === undefined ? 'missing --kind' : `unknown kind "${options.kind}"`;
        throw new PsdError('generate.kind', problem, {
          hint: 'use yes or no',
        });
      }
      if (!['cycle', 'spread'].includes(options.obstruction)) {
        throw new PsdError('generate.obstruction', `unknown obstruction "${options.obstruction}"`, {
          hint: 'use cycle or spread',
        });
      }
      const instance = generateInstance({
        obstruction: options.obstruction,
        pattern: options.pattern as PatternKind,
        kind: options.kind,
        n: options.n,
        density: options.density,
        margin: options.margin,
        violation: options.violation,
        cycleLength: options.cycleLength,
        scaleDiagonal: Boolean(options.scaleDiagonal),
        seed: options.seed,
      });
      const text = formatMatrixMarket(
        instance.matrix,
        `${instance.name}; expected ${instance.expected}`,
      );
      if (options.output) writeFileSync(options.output, text);
      else out(text.trimEnd());
    });

  program
    .command('bench')
    .description(
      'Benchmark generated families (band, ktree, random, grid; YES and NO) against CSDP and SDPA on the same instances: times, speed ratios, verdicts, and scaling exponents in n·m and 1/ε.',
    )
    .option(
      '--sizes <list>',
      'orders n',
      orders(MIN_ORDER),
      [100, 200, 400, 800, 1600, 3200, 10000],
    )
    .option('--patterns <list>', 'patterns', list, ['band', 'ktree', 'random', 'grid'])
    .option('--densities <list>', 'm/n values', positiveNumbers, [5])
    .option(
      '--dense-sizes <list>',
      'sizes at which m/n = 20 is also run ("" for none)',
      orders(MIN_ORDER),
      [100, 1000],
    )
    .option(
      '--peers <list>',
      'peer solvers, each optionally with its own largest n (e.g. csdp,sdpa:400; "none" for none)',
      list,
      ['csdp', 'sdpa'],
    )
    .option('--peer-max-n <n>', 'largest n for peers', integer, 800)
    .option('--peer-max-m <m>', 'largest m for peers', integer, 6000)
    .option('--peer-timeout <s>', 'peer timeout', positiveNumber, 600)
    .option('--eps <e>', 'ε (YES instances have t* = ε)', positiveNumber, 0.05)
    .option('--no-epsilon-sweep', 'skip the 1/ε sweep')
    .option(
      '--epsilon-sweep-n <n>',
      'order n of the 1/ε sweep (default the smaller of 800 and the largest size)',
      integer,
    )
    .option(
      '--hard-no-sizes <list>',
      'orders of the NO families without a small witness (random pattern: a 30-cycle, an n/10-cycle, spread; "" for none)',
      orders(MIN_ORDER),
      [1000, 5000],
    )
    .option(
      '--large-sizes <list>',
      'orders of the large rows (random and band, m/n = 10, ours only; "" for none)',
      orders(MIN_ORDER),
      [100000],
    )
    .option('--max-seconds <s>', 'our budget per instance', positiveNumber, 120)
    .option('--seed <s>', 'seed', integer, 1)
    .option('--json', 'print the report as JSON (progress rows go to stderr)')
    .option(
      '--plot <file>',
      'also write an SVG figure: seconds against n·m per family (and against 1/ε on the sweep), log–log, fitted exponents in the legend',
    )
    .option(
      '--square',
      'benchmark approximate squaring instead (families dense, sparse, low-rank, power-law; --sizes are rows n, default 1000…100000)',
    )
    .option('--square-families <list>', '--square: families', list, [
      'dense',
      'sparse',
      'low-rank',
      'power-law',
    ])
    .option(
      '--columns <p>',
      '--square: columns of the dense, low-rank and power-law A',
      integer,
      100,
    )
    .option('--sparse-columns <p>', '--square: columns of the sparse A', integer, 1000)
    .option('--fill <f>', '--square: non-zero probability of the sparse A', positiveNumber, 0.01)
    .option(
      '--startup',
      'instead: time `psd decide` on a random YES instance of order --startup-n (seed 3) as a user waits for it — a new process through the bin, start-up included — beside `node -e 0` and CSDP, medians of --runs interleaved runs, as JSON',
    )
    .option('--startup-n <n>', 'order of the --startup instance', integer, 200)
    .option('--runs <k>', 'interleaved runs of --startup', integer, 7)
    .action(async (options, command: Command) => {
      if (options.square) {
        const { formatSquareBenchTable, runSquareBench, squareBenchPlot } =
          await import('./square-bench.ts');
        const report = runSquareBench({
          ...(command.getOptionValueSource('sizes') === 'cli' ? { sizes: options.sizes } : {}),
          families: options.squareFamilies as SquareFamily[],
          columns: options.columns,
          sparseColumns: options.sparseColumns,
          fill: options.fill,
          maxSeconds: options.maxSeconds,
          seed: options.seed,
          onRow: (row) => process.stderr.write(`${JSON.stringify(row)}\n`),
        });
        if (options.plot) writeFileSync(options.plot, squareBenchPlot(report));
        out(options.json ? JSON.stringify(report) : formatSquareBenchTable(report));
        return;
      }
      if (options.startup) {
        const { runStartupBench } = await import('./startup-bench.ts');
        const report = runStartupBench({
          runs: options.runs,
          n: options.startupN,
          peerTimeout: options.peerTimeout,
        });
        out(JSON.stringify(report));
        return;
      }
      const { benchPlot, formatBenchTable, runBench } = await import('./bench.ts');
      const specs = (options.peers as string[])
        .filter((p) => p !== 'none')
        .map((p) => p.split(':'));
      for (const [name] of specs) {
        if (name !== 'csdp' && name !== 'sdpa') {
          throw new PsdError('bench.peer', `unknown peer "${name}"`, {
            hint: 'use csdp and/or sdpa',
          });
        }
      }
      const peers = specs.map(([name]) => name as PeerName);
      const peerMaxNByPeer: Partial<Record<PeerName, number>> = {};
      for (const [name, limit] of specs)
        if (limit) peerMaxNByPeer[name as PeerName] = Number(limit);
      const report = runBench({
        sizes: options.sizes,
        patterns: options.patterns as PatternKind[],
        densities: options.densities,
        denseSizes: options.denseSizes,
        peers,
        peerMaxN: options.peerMaxN,
        peerMaxNByPeer,
        peerMaxM: options.peerMaxM,
        peerTimeout: options.peerTimeout,
        epsilon: options.eps,
        epsilonSweep: options.epsilonSweep,
        epsilonSweepSize: options.epsilonSweepN,
        hardNoSizes: options.hardNoSizes,
        largeSizes: options.largeSizes,
        maxSeconds: options.maxSeconds,
        seed: options.seed,
        // Progress on stderr, one JSON row per line (a killed run keeps its finished rows).
        onRow: (row) => process.stderr.write(`${JSON.stringify(row)}\n`),
      });
      if (options.plot) writeFileSync(options.plot, benchPlot(report));
      out(options.json ? JSON.stringify(report) : formatBenchTable(report));
    });

  return program;
}

/** Runs the CLI on `argv`; returns the exit code. Errors are printed, never thrown. */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t + '\n'),
): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isPsdError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      return 1;
    }
    process.stderr.write(
      `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 2;
  }
}
