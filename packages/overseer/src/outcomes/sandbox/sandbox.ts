/**
 * The one interface every sandbox backend gives (modelled on Inspect's `SandboxEnvironment`): run a
 * program with `exec`, move files in and out of the sandbox's workspace with `readFile` and
 * `writeFile`, all under `SandboxLimits`. A result carries its own status; nothing that a program
 * does can make its run report `ok` unless it finished within the limits.
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';

/** The languages a sandbox runs: JavaScript (QuickJS), Python (bubblewrap), the straight-line integer language. */
export const SandboxLanguage = z.enum(['js', 'python', 'dsl']);
/** The languages a sandbox runs. */
export type SandboxLanguage = z.infer<typeof SandboxLanguage>;

/** How a run ended: within the limits (`ok`, `error`), at a limit, or never started (`refused`). */
export const SandboxStatus = z.enum([
  'ok',
  'timeout',
  'memory',
  'output-limit',
  'error',
  'refused',
]);
/** How a run ended. */
export type SandboxStatus = z.infer<typeof SandboxStatus>;

/** What one run may use; every backend enforces each limit that applies to it. */
export const SandboxLimits = z
  .object({
    /** Wall-clock deadline of one run, in milliseconds. */
    timeoutMs: z.number().int().positive().max(600_000).default(5_000),
    /** Memory of the program (QuickJS heap; Python's address space), in MiB. */
    memoryMb: z.number().int().min(16).max(4_096).default(256),
    /** Stack of the JavaScript interpreter, in KiB. */
    stackKb: z.number().int().min(64).max(65_536).default(512),
    /** Bytes kept of standard output, and of standard error; more ends the run as `output-limit`. */
    outputBytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Bytes of the workspace's files, all together (and the largest file Python may write). */
    fileBytes: z
      .number()
      .int()
      .positive()
      .max(256 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** Processes Python may have at once (its sandbox's user, counted by the kernel). */
    processes: z.number().int().min(4).max(256).default(16),
    /** Files Python may have open at once. */
    openFiles: z.number().int().min(16).max(1_024).default(64),
  })
  .strict();
/** What one run may use. */
export type SandboxLimits = z.infer<typeof SandboxLimits>;

/** The result of one run: its status, what it printed (capped), how long it took, and its value. */
export const SandboxResult = z.object({
  status: SandboxStatus,
  stdout: z.string(),
  stderr: z.string(),
  durationMs: z.number().nonnegative(),
  /** The program's JSON value: JavaScript's completion value, the straight-line program's result. */
  value: z.unknown().optional(),
});
/** The result of one run. */
export type SandboxResult = z.infer<typeof SandboxResult>;

/** One run: the program as text or as a workspace file, and what it reads. */
export interface ExecRequest {
  /** The program's source. */
  code?: string;
  /** A workspace file holding the program, when `code` is absent. */
  file?: string;
  /** JSON input: JavaScript's global `input`, Python's standard input (as JSON unless a string), the straight-line program's inputs (`{ x: 3 }`, or a number for `x`). */
  input?: unknown;
  /** A deadline for this run instead of the sandbox's `timeoutMs`. */
  timeoutMs?: number;
}

/** A sandbox: runs programs of one language under limits, over a workspace of text files. */
export interface Sandbox {
  readonly language: SandboxLanguage;
  readonly limits: SandboxLimits;
  /** Runs a program; never throws for anything the program does. */
  exec(request: ExecRequest): Promise<SandboxResult>;
  /** A workspace file's text (programs see the workspace as their working directory). */
  readFile(path: string): Promise<string>;
  /** Puts a text file into the workspace. */
  writeFile(path: string, contents: string): Promise<void>;
  /** Releases the sandbox's workers; it runs nothing afterwards. */
  close(): Promise<void>;
}

/** A workspace path as a normalised relative path; absolute paths and `..` are refused. */
export function workspacePath(path: string): string {
  const normalised = posix.normalize(path);
  if (
    path === '' ||
    posix.isAbsolute(normalised) ||
    normalised === '..' ||
    normalised.startsWith('../') ||
    normalised === '.'
  ) {
    throw new OverseerError(
      'sandbox.path',
      `"${path}" is not a path inside the sandbox's workspace.`,
      { hint: 'Name a file relative to the workspace, without "..".' },
    );
  }
  return normalised;
}

/** The in-memory text files of a sandbox, capped at `fileBytes` all together. */
export class Workspace {
  private readonly files = new Map<string, string>();

  constructor(private readonly fileBytes: number) {}

  /** A file's text; an OverseerError names the file when there is none. */
  read(path: string): string {
    const contents = this.files.get(workspacePath(path));
    if (contents === undefined) {
      throw new OverseerError('sandbox.no-file', `The sandbox's workspace has no file "${path}".`);
    }
    return contents;
  }

  /** Writes a file, refusing one that would take the workspace over its cap. */
  write(path: string, contents: string): void {
    const key = workspacePath(path);
    const others = this.bytes() - Buffer.byteLength(this.files.get(key) ?? '');
    if (others + Buffer.byteLength(contents) > this.fileBytes) {
      throw new OverseerError(
        'sandbox.workspace-full',
        `Writing "${path}" would take the sandbox's workspace over ${this.fileBytes} bytes.`,
        { hint: 'Raise the fileBytes limit, or write smaller files.' },
      );
    }
    this.files.set(key, contents);
  }

  /** Every file, for handing to a run. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.files);
  }

  /** Replaces the files with those a run left, keeping the cap (a run's backend caps them too). */
  replace(files: Record<string, string>): void {
    this.files.clear();
    for (const [path, contents] of Object.entries(files)) {
      try {
        this.write(path, contents);
      } catch {
        // A file a run left beyond the cap, or under a path outside the workspace, is dropped.
      }
    }
  }

  private bytes(): number {
    let total = 0;
    for (const contents of this.files.values()) total += Buffer.byteLength(contents);
    return total;
  }
}

/** A sandbox's `readFile` and `writeFile` over its workspace. */
export function workspaceFiles(workspace: Workspace): Pick<Sandbox, 'readFile' | 'writeFile'> {
  return {
    async readFile(path) {
      return workspace.read(path);
    },
    async writeFile(path, contents) {
      workspace.write(path, contents);
    },
  };
}

/** The program a request runs: its code, or the workspace file it names. */
export function programOf(request: ExecRequest, workspace: Workspace): string {
  if (request.code !== undefined) return request.code;
  if (request.file !== undefined) return workspace.read(request.file);
  throw new OverseerError('sandbox.no-program', 'exec needs `code` or a workspace `file` to run.');
}

/** Text cut to at most `bytes` UTF-8 bytes, and whether it was cut. */
export function capText(text: string, bytes: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(text) <= bytes) return { text, cut: false };
  // Cutting mid-character leaves a replacement character at most; it is output, not data.
  return { text: Buffer.from(text).subarray(0, bytes).toString('utf8'), cut: true };
}

/** A result that never ran, saying why. */
export function refusedResult(reason: string): SandboxResult {
  return { status: 'refused', stdout: '', stderr: reason, durationMs: 0 };
}
