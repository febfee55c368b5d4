/**
 * Running a PyTorch peer of a benchmark: a Python script beside this file, run with the
 * interpreter that has torch, prints one JSON line of measurements. A missing PyTorch is reported
 * (with the install command) and gives null, never a failed benchmark.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OverseerError } from '../errors.ts';
import type { GptShape } from '../model/kernels.ts';

/** How to install the PyTorch peer on Debian. */
export const TORCH_INSTALL_HINT =
  'apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread';

/** A peer run: which script, with what arguments. */
export interface PythonPeerRun {
  /** Interpreter with torch (Debian's python3-torch lives under /usr/bin/python3). */
  python: string;
  /** Script file name beside this module, e.g. `torch-peer.py`. */
  script: string;
  /** Command-line arguments after the script. */
  args: string[];
  /** OpenBLAS threads (the peer itself runs one torch thread: the fastest setting on 2 cores). */
  threads: number;
  /** What the run measures, for the message when it fails (e.g. `size S`). */
  label: string;
}

/** Runs a peer script; resolves its last JSON line, or null (with the reason on stderr). */
export function runPythonPeer<Result>(run: PythonPeerRun): Promise<Result | null> {
  const script = fileURLToPath(new URL(`./${run.script}`, import.meta.url));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(run.threads) };
  return new Promise((resolve) => {
    execFile(
      run.python,
      [script, ...run.args],
      { env, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const reason = stderr.trim() || error.message;
          process.stderr.write(
            `PyTorch peer unavailable for ${run.label} (${run.python}): ${reason}\n` +
              `  the torch figures are null; install the peer with: ${TORCH_INSTALL_HINT}\n`,
          );
          resolve(null);
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Result);
        } catch {
          process.stderr.write(`PyTorch peer printed no JSON line: ${stdout}${stderr}\n`);
          resolve(null);
        }
      },
    );
  });
}

/** The model and batch flags every peer script takes (`--vocab` … `--batch`). */
export function modelArguments(shape: GptShape, batch: number): string[] {
  return [
    `--vocab=${shape.vocabSize}`,
    `--context=${shape.contextLength}`,
    `--layers=${shape.layers}`,
    `--heads=${shape.heads}`,
    `--width=${shape.width}`,
    `--batch=${batch}`,
  ];
}

/** The named sizes out of `sizes`, case-insensitively; an OverseerError names the choices. */
export function pickSizes<Size extends { name: string }>(names: string[], sizes: Size[]): Size[] {
  return names.map((name) => {
    const size = sizes.find((candidate) => candidate.name === name.toUpperCase());
    if (!size) {
      throw new OverseerError('bench.unknown-size', `unknown bench size "${name}"`, {
        hint: `use a comma-separated list of ${sizes.map((s) => s.name).join(', ')}`,
      });
    }
    return size;
  });
}

/** `value` rounded to `digits` decimals. */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
