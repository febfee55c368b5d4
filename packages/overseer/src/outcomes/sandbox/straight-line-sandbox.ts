/**
 * The straight-line language's sandbox: an in-process total interpreter (tasks/
 * straight-line-language.ts) with caps on length, depth and fuel, so it needs no worker or process.
 * Its input is the program's input names (`{ x: 3 }`, or a number for `x`); its value, the result.
 */
import { isOverseerError, OverseerError } from '../../errors.ts';
import {
  evaluateStraightLineProgram,
  parseStraightLineProgram,
} from '../../tasks/straight-line-language.ts';
import { programOf, SandboxLimits, Workspace, workspaceFiles } from './sandbox.ts';
import type { ExecRequest, Sandbox, SandboxResult, SandboxStatus } from './sandbox.ts';

/** Options of the straight-line sandbox: its limits, and the interpreter's caps. */
export interface StraightLineSandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** Expression nodes one run may evaluate. */
  fuel?: number;
  /** Deepest nesting of an expression. */
  maxDepth?: number;
}

/** The inputs of a run: an object of integers, or one integer for `x`. */
function inputsOf(input: unknown): Record<string, number> {
  if (input === undefined) return {};
  if (typeof input === 'number' && Number.isInteger(input)) return { x: input };
  if (
    typeof input === 'object' &&
    input !== null &&
    Object.values(input).every((value) => typeof value === 'number' && Number.isInteger(value))
  ) {
    return input as Record<string, number>;
  }
  throw new OverseerError(
    'sandbox.straight-line-input',
    'The straight-line language reads integers only: give an integer (for `x`) or an object of integers.',
  );
}

const statusOfError: Record<string, SandboxStatus> = {
  'straight-line.fuel': 'timeout',
  'straight-line.too-deep': 'memory',
};

/** A sandbox that runs programs of the straight-line integer language. */
export function createStraightLineSandbox(options: StraightLineSandboxOptions = {}): Sandbox {
  const limits = SandboxLimits.parse(options.limits ?? {});
  const workspace = new Workspace(limits.fileBytes);
  return {
    language: 'dsl',
    limits,
    async exec(request: ExecRequest): Promise<SandboxResult> {
      const started = performance.now();
      try {
        const program = parseStraightLineProgram(programOf(request, workspace), {
          maxLength: limits.outputBytes,
          ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
        });
        const value = evaluateStraightLineProgram(program, inputsOf(request.input), {
          ...(options.fuel === undefined ? {} : { fuel: options.fuel }),
        });
        const durationMs = Math.round(performance.now() - started);
        return { status: 'ok', stdout: `${value}\n`, stderr: '', durationMs, value };
      } catch (error) {
        if (!isOverseerError(error)) throw error;
        return {
          status: statusOfError[error.code] ?? 'error',
          stdout: '',
          stderr: `${error.message}\n`,
          durationMs: Math.round(performance.now() - started),
        };
      }
    },
    ...workspaceFiles(workspace),
    async close() {},
  };
}
