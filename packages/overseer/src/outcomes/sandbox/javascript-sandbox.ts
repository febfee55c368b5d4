/**
 * The JavaScript sandbox: QuickJS compiled to WebAssembly (quickjs-emscripten) in a pool of worker
 * threads. A program sees no Node API, only `input`, `console` and the workspace's `readFile` and
 * `writeFile`; QuickJS enforces the memory and stack limits and an interrupt deadline, and since its
 * interrupt is checked only every few thousand instructions, the host terminates the worker at
 * twice the deadline whatever the program is doing.
 */
import { Worker } from 'node:worker_threads';
import { OverseerError } from '../../errors.ts';
import { capText, programOf, SandboxLimits, Workspace, workspaceFiles } from './sandbox.ts';
import type { ExecRequest, Sandbox, SandboxResult, SandboxStatus } from './sandbox.ts';

const workerFile = new URL('./quickjs-worker.mjs', import.meta.url);

/** One program for a worker (the worker's side is quickjs-worker.mjs). */
interface Job {
  code: string;
  inputJson: string;
  files: Record<string, string>;
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
  outputBytes: number;
  fileBytes: number;
}

/** What a worker answers. */
interface Reply {
  status: SandboxStatus;
  stdout: string;
  stderr: string;
  value?: unknown;
  files: Record<string, string>;
  /** The worker saw QuickJS fail and must not run another program. */
  retire?: boolean;
}

/** A pool of QuickJS worker threads that run one program each at a time. */
export interface QuickJsPool {
  /** Runs a job; settles by twice its deadline, terminating the worker if it must. */
  run(job: Job): Promise<Reply>;
  /** Terminates every worker. */
  close(): Promise<void>;
}

/** Options of a QuickJS pool. */
export interface QuickJsPoolOptions {
  /** Programs run at once (each in its own worker thread). */
  workers?: number;
}

/** Starts a worker and resolves once QuickJS is loaded in it (so the deadline counts only the program). */
function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    // The worker's own V8 heap holds only the program's output and files; QuickJS's heap is
    // WebAssembly memory, capped by setMemoryLimit.
    const worker = new Worker(workerFile, {
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

/** A pool of `workers` QuickJS worker threads, started when first needed. */
export function createQuickJsPool(options: QuickJsPoolOptions = {}): QuickJsPool {
  const size = options.workers ?? 1;
  const idle: Worker[] = [];
  const busy = new Set<Worker>();
  const waiting: { resolve: (worker: Worker) => void; reject: (error: unknown) => void }[] = [];
  let starting = 0;
  let closed = false;

  async function acquire(): Promise<Worker> {
    const ready = idle.pop();
    if (ready !== undefined) return ready;
    if (busy.size + starting < size) {
      starting += 1;
      try {
        return await startWorker();
      } finally {
        starting -= 1;
      }
    }
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  function release(worker: Worker, healthy: boolean): void {
    busy.delete(worker);
    if (!healthy || closed) void worker.terminate();
    const next = waiting.shift();
    if (next === undefined) {
      if (healthy && !closed) {
        worker.unref();
        idle.push(worker);
      }
      return;
    }
    if (healthy && !closed) next.resolve(worker);
    else startWorker().then(next.resolve, next.reject);
  }

  return {
    async run(job) {
      if (closed) throw new OverseerError('sandbox.closed', 'This JavaScript sandbox is closed.');
      const worker = await acquire();
      busy.add(worker);
      worker.ref();
      return new Promise<Reply>((resolve) => {
        const settle = (reply: Reply, healthy: boolean) => {
          clearTimeout(timer);
          worker.removeAllListeners('message');
          worker.removeAllListeners('error');
          release(worker, healthy);
          resolve(reply);
        };
        const ended = (status: SandboxStatus, stderr: string): Reply => ({
          status,
          stdout: '',
          stderr,
          files: job.files,
        });
        // QuickJS's interrupt can be starved (one huge allocation, a long native call): the hard stop.
        const timer = setTimeout(
          () => settle(ended('timeout', 'terminated at twice the deadline\n'), false),
          2 * job.timeoutMs,
        );
        worker.once('message', (reply: Reply) => settle(reply, reply.retire !== true));
        worker.once('error', (error: Error & { code?: string }) => {
          const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
          settle(ended(memory ? 'memory' : 'error', `${error.message}\n`), false);
        });
        worker.postMessage(job);
      });
    },
    async close() {
      closed = true;
      await Promise.all([...idle.splice(0), ...busy].map((worker) => worker.terminate()));
    },
  };
}

/** Options of the JavaScript sandbox: its limits, and the pool to run in (its own, if absent). */
export interface JavaScriptSandboxOptions {
  limits?: Partial<SandboxLimits>;
  pool?: QuickJsPool;
}

/** A sandbox that runs JavaScript in QuickJS. */
export function createJavaScriptSandbox(options: JavaScriptSandboxOptions = {}): Sandbox {
  const limits = SandboxLimits.parse(options.limits ?? {});
  const pool = options.pool ?? createQuickJsPool();
  const ownsPool = options.pool === undefined;
  const workspace = new Workspace(limits.fileBytes);
  return {
    language: 'js',
    limits,
    async exec(request: ExecRequest): Promise<SandboxResult> {
      const started = performance.now();
      const reply = await pool.run({
        code: programOf(request, workspace),
        inputJson: request.input === undefined ? 'undefined' : JSON.stringify(request.input),
        files: workspace.snapshot(),
        timeoutMs: request.timeoutMs ?? limits.timeoutMs,
        memoryBytes: limits.memoryMb * 1024 * 1024,
        stackBytes: limits.stackKb * 1024,
        outputBytes: limits.outputBytes,
        fileBytes: limits.fileBytes,
      });
      workspace.replace(reply.files);
      const stdout = capText(reply.stdout, limits.outputBytes);
      const stderr = capText(reply.stderr, limits.outputBytes);
      const cut = stdout.cut || stderr.cut;
      return {
        status: cut && reply.status === 'ok' ? 'output-limit' : reply.status,
        stdout: stdout.text,
        stderr: stderr.text,
        durationMs: Math.round(performance.now() - started),
        ...(reply.value === undefined ? {} : { value: reply.value }),
      };
    },
    ...workspaceFiles(workspace),
    async close() {
      if (ownsPool) await pool.close();
    },
  };
}
