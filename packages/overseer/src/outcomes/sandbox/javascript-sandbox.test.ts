/**
 * The JavaScript sandbox and its abuse suite: every hostile program ends contained, with a status
 * that says which limit stopped it, and the host is untouched.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createJavaScriptSandbox } from './javascript-sandbox.ts';

const sandbox = createJavaScriptSandbox({ limits: { timeoutMs: 1_000, outputBytes: 64 * 1024 } });
afterAll(() => sandbox.close());

describe('the JavaScript sandbox', () => {
  it('runs a program on its JSON input and returns its output and completion value', async () => {
    const result = await sandbox.exec({
      code: 'console.log("sum", input.a + input.b); console.error({ warn: true }); ({ total: input.a + input.b })',
      input: { a: 2, b: 3 },
    });
    expect(result.status).toBe('ok');
    expect(result.stdout).toBe('sum 5\n');
    expect(result.stderr).toBe('{"warn":true}\n');
    expect(result.value).toEqual({ total: 5 });
  });

  it('reports a thrown error as `error`, with its message', async () => {
    const result = await sandbox.exec({ code: 'throw new TypeError("no")' });
    expect(result.status).toBe('error');
    expect(result.stderr).toContain('TypeError: no');
  });

  it('moves workspace files in and out, and keeps paths inside the workspace', async () => {
    await sandbox.writeFile('data/in.txt', 'hello');
    const result = await sandbox.exec({
      code: 'writeFile("out.txt", readFile("data/in.txt").toUpperCase()); writeFile("../escape.txt", "x"); 1',
    });
    expect(result.status).toBe('ok');
    expect(await sandbox.readFile('out.txt')).toBe('HELLO');
    await expect(sandbox.readFile('../escape.txt')).rejects.toThrow(/not a path inside/);
    await sandbox.writeFile('main.js', '6 * 7');
    expect((await sandbox.exec({ file: 'main.js' })).value).toBe(42);
  });

  describe('abuse suite', () => {
    it('stops an infinite loop at the deadline', async () => {
      expect((await sandbox.exec({ code: 'for (;;) {}' })).status).toBe('timeout');
    });

    it('stops a busy wait that never sleeps (there is no sleep to call)', async () => {
      const result = await sandbox.exec({
        code: 'const end = Date.now() + 1e9; while (Date.now() < end) {} typeof setTimeout',
      });
      expect(result.status).toBe('timeout');
    });

    it('refuses a 1 GiB allocation, at once or a mebibyte at a time', async () => {
      expect((await sandbox.exec({ code: 'new ArrayBuffer(2 ** 30)' })).status).toBe('memory');
      // A small memory limit and a long deadline, so that the memory limit is what stops it.
      const small = createJavaScriptSandbox({ limits: { memoryMb: 32, timeoutMs: 60_000 } });
      try {
        const result = await small.exec({
          code: 'const a = []; for (let i = 0; i < 1024; i++) a.push(new Uint8Array(2 ** 20)); a.length',
        });
        expect(result.status).toBe('memory');
      } finally {
        await small.close();
      }
    });

    it('stops deep recursion at the stack limit', async () => {
      const result = await sandbox.exec({ code: 'function f(n) { return f(n + 1) + 1 } f(0)' });
      expect(result.status).toBe('memory');
      expect(result.stderr).toContain('stack overflow');
    });

    it('stops a gigabyte of output at the output cap', async () => {
      const result = await sandbox.exec({
        code: 'for (let i = 0; i < 1e5; i++) console.log("x".repeat(10000))',
      });
      expect(result.status).toBe('output-limit');
      expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(64 * 1024);
    });

    it('gives prototype tricks no way out to the host', async () => {
      const tricks = [
        'constructor.constructor("return process")()',
        '(function () {}).constructor("return this")().process.env',
        'this.constructor.constructor("return require")()("node:fs")',
        'Object.getPrototypeOf(console.log).constructor("return globalThis")().require("child_process")',
      ];
      for (const code of tricks) {
        const result = await sandbox.exec({ code });
        expect(result.status, code).toBe('error');
        expect(result.stderr, code).toMatch(/ReferenceError|TypeError/);
      }
      const globals = await sandbox.exec({
        code: '[typeof process, typeof require, typeof fetch, typeof WebAssembly, typeof setTimeout, typeof Deno]',
      });
      expect(globals.value).toEqual(Array(6).fill('undefined'));
    });

    it('cannot import modules, read files of the host, or reach the network', async () => {
      const imported = await sandbox.exec({
        code: 'import("node:fs").then((fs) => fs.readFileSync("/etc/passwd"))',
      });
      expect(imported.value).toEqual({});
      expect(imported.stdout).toBe('');
      const harness = fileURLToPath(import.meta.url);
      const before = readFileSync(harness, 'utf8');
      const overwrite = await sandbox.exec({
        code: `writeFile(${JSON.stringify(harness)}, "overwritten"); readFile(${JSON.stringify(harness)})`,
      });
      expect(overwrite.value).toBe('overwritten');
      expect(readFileSync(harness, 'utf8')).toBe(before);
      await expect(sandbox.readFile(harness)).rejects.toThrow(/not a path inside/);
    });

    it('keeps no state between runs', async () => {
      await sandbox.exec({ code: 'globalThis.leak = 1; Object.prototype.polluted = true' });
      const result = await sandbox.exec({ code: '[typeof leak, ({}).polluted]' });
      expect(result.value).toEqual(['undefined', null]);
    });
  });
});
