// A worker thread of the JavaScript sandbox (javascript-sandbox.ts): runs one program at a time in
// a fresh QuickJS runtime compiled to WebAssembly, which has no Node APIs at all, only what is
// defined below. Plain JavaScript so that Node loads it as it is, from src/ and from dist/.
import { parentPort } from 'node:worker_threads';
import { getQuickJS } from 'quickjs-emscripten';

const quickJS = await getQuickJS();
// This build of QuickJS cannot measure its allocations (no malloc_usable_size), so its memory limit
// only refuses single allocations larger than the limit; the growth of the WebAssembly memory is
// the measure of everything else. It never shrinks, so a worker whose memory has grown retires.
const memory = quickJS.getWasmMemory();
const startBytes = memory.buffer.byteLength;
const retireAboveBytes = startBytes + 16 * 1024 * 1024;

/** The program's console and workspace, defined inside the runtime over two host functions. */
const prelude = `(() => {
  const write = globalThis.__write, files = globalThis.__files;
  delete globalThis.__write; delete globalThis.__files;
  const show = (value) => typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const line = (stream) => (...values) => write(stream, values.map(show).join(' ') + '\\n');
  globalThis.console = { log: line(1), info: line(1), warn: line(2), error: line(2) };
  globalThis.readFile = (path) => files('read', String(path));
  globalThis.writeFile = (path, text) => { files('write', String(path), String(text)); };
})();`;

/** Runs one job; returns what the host turns into a SandboxResult. */
function run(job) {
  const deadline = Date.now() + job.timeoutMs;
  const baseBytes = memory.buffer.byteLength;
  const output = ['', ''];
  const files = new Map(Object.entries(job.files));
  let fileBytes = [...files.values()].reduce((total, text) => total + text.length, 0);
  let limit;
  const runtime = quickJS.newRuntime();
  runtime.setMemoryLimit(job.memoryBytes);
  runtime.setMaxStackSize(job.stackBytes);
  // Checked every few thousand instructions: the host's hard terminate() covers an overshoot.
  runtime.setInterruptHandler(() => {
    if (limit === undefined && memory.buffer.byteLength - baseBytes > job.memoryBytes) {
      limit = 'memory';
    }
    if (limit === undefined && Date.now() > deadline) limit = 'timeout';
    return limit !== undefined;
  });
  const context = runtime.newContext();
  const fail = (message) => ({ error: context.newError(message) });
  const write = context.newFunction('write', (stream, text) => {
    const index = context.getNumber(stream) === 2 ? 1 : 0;
    output[index] += context.getString(text);
    if (output[index].length > job.outputBytes) {
      output[index] = output[index].slice(0, job.outputBytes);
      limit = 'output-limit';
      return fail('output limit reached');
    }
  });
  const workspace = context.newFunction('files', (action, path, text) => {
    const name = context.getString(path);
    if (context.getString(action) === 'read') {
      const contents = files.get(name);
      return contents === undefined ? fail(`no file ${name}`) : context.newString(contents);
    }
    const contents = context.getString(text);
    const next = fileBytes - (files.get(name)?.length ?? 0) + contents.length;
    if (next > job.fileBytes) return fail('the workspace is full');
    files.set(name, contents);
    fileBytes = next;
  });
  context.setProp(context.global, '__write', write);
  context.setProp(context.global, '__files', workspace);
  write.dispose();
  workspace.dispose();
  const input = context.unwrapResult(context.evalCode(`(${job.inputJson})`));
  context.setProp(context.global, 'input', input);
  input.dispose();
  context.unwrapResult(context.evalCode(prelude)).dispose();

  let value;
  let error;
  const evaluated = context.evalCode(job.code, 'main.js');
  if (evaluated.error === undefined) {
    // The completion value as JSON, computed inside the runtime (a toJSON runs under the limits).
    context.setProp(context.global, '__result', evaluated.value);
    evaluated.value.dispose();
    const pending = runtime.executePendingJobs();
    if (pending.error !== undefined) {
      error = context.dump(pending.error);
      pending.error.dispose();
    } else {
      const json = context.evalCode('JSON.stringify(globalThis.__result)');
      if (json.error !== undefined) {
        error = context.dump(json.error);
        json.error.dispose();
      } else {
        const text = context.dump(json.value);
        json.value.dispose();
        if (typeof text === 'string') {
          if (text.length > job.outputBytes) limit = limit ?? 'output-limit';
          else value = JSON.parse(text);
        }
      }
    }
  } else {
    error = context.dump(evaluated.error);
    evaluated.error.dispose();
  }
  // The interrupt handler runs every few thousand instructions: a short program that allocated
  // past the limit between two checks is caught here.
  if (limit === undefined && memory.buffer.byteLength - baseBytes > job.memoryBytes) {
    limit = 'memory';
  }
  const stderr = error === undefined ? output[1] : `${output[1]}${describe(error)}\n`;
  const status = limit ?? (error === undefined ? 'ok' : errorStatus(error));
  const reply = { status, stdout: output[0], stderr, value, files: Object.fromEntries(files) };
  if (memory.buffer.byteLength > retireAboveBytes) reply.retire = true;
  try {
    context.dispose();
    runtime.dispose();
  } catch {
    // A runtime stopped mid-allocation may not free cleanly: the result stands, the worker retires.
    reply.retire = true;
  }
  return reply;
}

function describe(error) {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return `${error.name ?? 'Error'}: ${error.message}`;
  }
  return `Uncaught ${JSON.stringify(error) ?? String(error)}`;
}

/** QuickJS reports its memory and stack limits as InternalErrors. */
function errorStatus(error) {
  const message = typeof error === 'object' && error !== null ? String(error.message) : '';
  return /out of memory|stack overflow/.test(message) ? 'memory' : 'error';
}

parentPort.on('message', (job) => {
  let reply;
  try {
    reply = run(job);
  } catch (error) {
    // QuickJS itself failed (out of memory while reporting, say): this worker is not trusted again.
    const message = error instanceof Error ? error.message : String(error);
    const status = /out of memory|stack overflow/.test(message) ? 'memory' : 'error';
    reply = { status, stdout: '', stderr: `${message}\n`, files: job.files, retire: true };
  }
  parentPort.postMessage(reply);
});
parentPort.postMessage({ ready: true });
