/**
 * The Python sandbox: Debian's bubblewrap, launched as an unprivileged user (`setpriv`, since
 * bwrap run by root maps back to root), with every namespace unshared (no network, no other
 * processes), a cleared environment, only /usr and its /bin and /lib* links read-only and a small
 * tmpfs /tmp, under `prlimit` (CPU seconds, address space, file size, processes, open files). The
 * host kills the whole sandbox at the wall-clock deadline and caps what it prints; the result is
 * the runner's nonce-tagged JSON line (python-runner.py), never the exit code alone. Where
 * bubblewrap cannot run, Python is refused: it never runs unsandboxed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import {
  programOf,
  refusedResult,
  SandboxLimits,
  SandboxStatus,
  Workspace,
  workspaceFiles,
  workspacePath,
} from './sandbox.ts';
import type { ExecRequest, Sandbox, SandboxResult } from './sandbox.ts';

/**
 * The unprivileged users a sandboxed program started by root runs as: one drawn afresh for each
 * run, with no account, files or processes of its own. The process limit (`prlimit --nproc`)
 * counts every process of a user, so runs that shared one user (`nobody`) starved each other: a
 * fork loop in one run failed every other run at the same moment.
 */
const SANDBOX_UID_BASE = 1_500_000_000;
const SANDBOX_UID_COUNT = 100_000_000;

/** A user id for one run, from the sandbox's own range. */
function sandboxUid(): number {
  return SANDBOX_UID_BASE + randomInt(SANDBOX_UID_COUNT);
}
/** Time the sandbox may take to start before the program's deadline counts against it. */
const startGraceMs = 3_000;
const python = '/usr/bin/python3';
const runnerSource = readFileSync(new URL('./python-runner.py', import.meta.url), 'utf8');

/** Whether Python can run sandboxed here, and if not, why. */
export type PythonSandboxAvailability = { available: true } | { available: false; reason: string };

/** What the runner prints after its nonce. */
const RunnerResult = z.object({
  status: SandboxStatus,
  stdout: z.string(),
  stderr: z.string(),
  files: z.record(z.string(), z.string()),
});

/** The runner's result from the JSON after its nonce, or undefined if it is not one. */
function parseRunnerLine(json: string): z.infer<typeof RunnerResult> | undefined {
  try {
    const parsed = RunnerResult.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function findExecutable(name: string): string | undefined {
  const directories = (process.env.PATH ?? '').split(delimiter).filter((part) => part !== '');
  for (const directory of [...directories, '/usr/bin', '/usr/sbin', '/bin', '/sbin']) {
    const path = join(directory, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The tools the sandbox is built from; a missing one is named. */
function tools(): { bwrap: string; prlimit: string; setpriv: string } | string {
  const bwrap = findExecutable('bwrap');
  const prlimit = findExecutable('prlimit');
  const setpriv = findExecutable('setpriv');
  if (bwrap === undefined) {
    return 'bubblewrap (bwrap) is not installed, and Python never runs unsandboxed: install it (`apt-get install bubblewrap`).';
  }
  if (prlimit === undefined || setpriv === undefined) {
    return 'prlimit and setpriv (util-linux) are needed to limit and unprivilege the Python sandbox: install util-linux.';
  }
  if (!existsSync(python)) return `${python} is not installed: install python3.`;
  return { bwrap, prlimit, setpriv };
}

/** /usr read-only, and the root's /bin and /lib* as they are (links into /usr on merged-/usr systems). */
function filesystemArguments(): string[] {
  const result = ['--ro-bind', '/usr', '/usr'];
  for (const name of ['bin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const path = `/${name}`;
    if (!existsSync(path)) continue;
    const link = lstatSync(path).isSymbolicLink();
    result.push(...(link ? ['--symlink', readlinkSync(path), path] : ['--ro-bind', path, path]));
  }
  return result;
}

/** The command that runs `argv` in the sandbox under `limits`. */
function sandboxCommand(
  found: { bwrap: string; prlimit: string; setpriv: string },
  limits: SandboxLimits,
  argv: string[],
): string[] {
  const mebibyte = 1024 * 1024;
  // The runner holds a program's output and files as it reports them: room for both, and more.
  const temporaryBytes = Math.max(4 * limits.fileBytes, 16 * mebibyte);
  const bwrap = [
    found.bwrap,
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--cap-drop',
    'ALL',
    ...filesystemArguments(),
    '--dev',
    '/dev',
    '--size',
    String(temporaryBytes),
    '--tmpfs',
    '/tmp',
    // The root bwrap builds is a tmpfs of its own: read-only, so /tmp is the one place to write.
    '--remount-ro',
    '/',
    '--chdir',
    '/tmp',
    '--',
    ...argv,
  ];
  const prlimit = [
    found.prlimit,
    `--cpu=${Math.ceil(limits.timeoutMs / 1000) + 1}`,
    `--as=${limits.memoryMb * mebibyte}`,
    `--fsize=${limits.fileBytes}`,
    `--nproc=${limits.processes}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    '--',
  ];
  // Root must become an unprivileged user first: bwrap run by root keeps root's rights over the
  // files it binds.
  const uid = sandboxUid();
  const unprivilege =
    process.getuid?.() === 0
      ? [found.setpriv, `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--']
      : [];
  return [...unprivilege, ...prlimit, ...bwrap];
}

let availability: PythonSandboxAvailability | undefined;

/** Whether Python can run sandboxed on this machine: the tools exist and a sandbox starts. */
export function pythonSandboxAvailability(): PythonSandboxAvailability {
  if (availability !== undefined) return availability;
  const found = tools();
  if (typeof found === 'string') return (availability = { available: false, reason: found });
  const [command, ...argv] = sandboxCommand(found, SandboxLimits.parse({}), [
    python,
    '-I',
    '-S',
    '-c',
    'print("sandboxed")',
  ]);
  const probe = spawnSync(command, argv, { encoding: 'utf8', env: {}, timeout: 30_000 });
  availability =
    probe.status === 0 && probe.stdout.trim() === 'sandboxed'
      ? { available: true }
      : {
          available: false,
          reason: `bubblewrap could not start a sandbox here (${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}); Python never runs unsandboxed.`,
        };
  return availability;
}

/** Options of the Python sandbox: its limits. */
export interface PythonSandboxOptions {
  limits?: Partial<SandboxLimits>;
}

/** Runs one request in a fresh sandbox; the host's deadline and output cap hold whatever happens inside. */
function runSandboxed(
  limits: SandboxLimits,
  request: { code: string; main: string; stdin: string; files: Record<string, string> },
): Promise<{
  status: SandboxStatus;
  stdout: string;
  stderr: string;
  files?: Record<string, string>;
}> {
  const found = tools();
  if (typeof found === 'string') return Promise.resolve(refusedResult(found));
  const nonce = randomBytes(16).toString('hex');
  const [command, ...argv] = sandboxCommand(found, limits, [
    python,
    '-I',
    '-S',
    '-c',
    runnerSource,
  ]);
  // The runner's line escapes each byte of output and files into at most six characters.
  const resultBytes = 6 * (2 * limits.outputBytes + limits.fileBytes) + 65_536;
  return new Promise((resolve) => {
    const child = spawn(command, argv, { env: {}, detached: true, stdio: 'pipe' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let ended: 'timeout' | 'output-limit' | undefined;
    const kill = (reason: 'timeout' | 'output-limit') => {
      ended ??= reason;
      try {
        // The process group holds bwrap; --die-with-parent takes everything inside with it.
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => kill('timeout'), limits.timeoutMs + startGraceMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > resultBytes) kill('output-limit');
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes <= limits.outputBytes) stderr.push(chunk);
    });
    child.stdin.on('error', () => {
      // The sandbox ended before reading its request; its result says why.
    });
    child.stdin.end(
      `${JSON.stringify({
        nonce,
        code: request.code,
        main: request.main,
        stdin: request.stdin,
        files: request.files,
        limits: {
          timeoutMs: limits.timeoutMs,
          outputBytes: limits.outputBytes,
          fileBytes: limits.fileBytes,
        },
      })}\n`,
    );
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const hostError = Buffer.concat(stderr).toString('utf8');
      if (ended !== undefined) {
        resolve({ status: ended, stdout: '', stderr: hostError });
        return;
      }
      const tagged = Buffer.concat(stdout)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.startsWith(`${nonce} `))
        .pop();
      const parsed =
        tagged === undefined ? undefined : parseRunnerLine(tagged.slice(nonce.length + 1));
      if (parsed === undefined) {
        resolve({
          status: 'error',
          stdout: '',
          stderr: `${hostError}the sandbox ended without a result (exit ${code ?? signal})\n`,
        });
        return;
      }
      resolve(parsed);
    });
  });
}

/** A sandbox that runs Python 3 in bubblewrap; refuses every run where bubblewrap cannot start. */
export function createPythonSandbox(options: PythonSandboxOptions = {}): Sandbox {
  const limits = SandboxLimits.parse(options.limits ?? {});
  const workspace = new Workspace(limits.fileBytes);
  return {
    language: 'python',
    limits,
    async exec(request: ExecRequest): Promise<SandboxResult> {
      const ready = pythonSandboxAvailability();
      if (!ready.available) return refusedResult(ready.reason);
      const started = performance.now();
      const runLimits =
        request.timeoutMs === undefined ? limits : { ...limits, timeoutMs: request.timeoutMs };
      const result = await runSandboxed(runLimits, {
        code: programOf(request, workspace),
        main: request.file === undefined ? 'main.py' : workspacePath(request.file),
        stdin:
          typeof request.input === 'string'
            ? request.input
            : request.input === undefined
              ? ''
              : JSON.stringify(request.input),
        files: workspace.snapshot(),
      });
      if (result.files !== undefined) workspace.replace(result.files);
      return {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        durationMs: Math.round(performance.now() - started),
      };
    },
    ...workspaceFiles(workspace),
    async close() {},
  };
}
