/**
 * The Python sandbox and its abuse suite: every hostile program ends contained, and nothing it
 * writes outside the sandbox survives. Where bubblewrap cannot run these tests skip, except in CI
 * (CI=true), which installs it: there a missing sandbox fails.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createPythonSandbox, pythonSandboxAvailability } from './python-sandbox.ts';

const availability = pythonSandboxAvailability();
const ci = process.env.CI === 'true';

describe('the Python sandbox where it cannot run', () => {
  it('is available where CI runs, which installs bubblewrap', () => {
    if (!ci && !availability.available) {
      console.warn(`skipping the Python sandbox tests: ${availability.reason}`);
      return;
    }
    expect(availability).toEqual({ available: true });
  });
});

describe.skipIf(!availability.available)('the Python sandbox', () => {
  // Generous deadlines: the cases below that must end in an error finish long before them.
  const sandbox = createPythonSandbox({ limits: { timeoutMs: 20_000, outputBytes: 64 * 1024 } });
  const quick = createPythonSandbox({ limits: { timeoutMs: 1_000 } });
  const host = mkdtempSync(join(tmpdir(), 'overseer-python-sandbox-'));
  afterAll(() => rmSync(host, { recursive: true, force: true }));

  it('runs a program on its standard input and moves workspace files in and out', async () => {
    await sandbox.writeFile('data.txt', 'hello');
    const result = await sandbox.exec({
      code: 'import json, sys\nvalue = json.load(sys.stdin)\nprint(value["a"] + value["b"])\nopen("out.txt", "w").write(open("data.txt").read().upper())',
      input: { a: 2, b: 3 },
    });
    expect(result).toMatchObject({ status: 'ok', stdout: '5\n', stderr: '' });
    expect(await sandbox.readFile('out.txt')).toBe('HELLO');
  });

  it('reports an exception as `error`, with its traceback', async () => {
    const result = await sandbox.exec({ code: 'raise ValueError("no")' });
    expect(result.status).toBe('error');
    expect(result.stderr).toContain('ValueError: no');
  });

  describe('abuse suite', () => {
    it('stops an infinite loop, sleeping forever and a fork loop at the deadline', async () => {
      expect((await quick.exec({ code: 'while True: pass' })).status).toBe('timeout');
      expect((await quick.exec({ code: 'import time\ntime.sleep(10**6)' })).status).toBe('timeout');
      const fork =
        'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass';
      expect((await quick.exec({ code: fork })).status).toBe('timeout');
    });

    it('runs a program beside a fork loop: each run is a user of its own, with its own process limit', async () => {
      const fork =
        'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass';
      const looping = quick.exec({ code: fork });
      // Started while the fork loop holds every process its limit allows.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const beside = await sandbox.exec({
        code: 'import subprocess\nprint(subprocess.run(["true"]).returncode)',
      });
      expect(beside).toMatchObject({ status: 'ok', stdout: '0\n' });
      expect((await looping).status).toBe('timeout');
    });

    it('refuses a 1 GiB allocation, and ends deep recursion', async () => {
      const allocation = await sandbox.exec({ code: 'block = bytearray(2**30)' });
      expect(allocation.status).toBe('memory');
      const recursion = await sandbox.exec({ code: 'def f(n):\n    return f(n + 1) + 1\nf(0)' });
      expect(recursion.status).toBe('error');
      expect(recursion.stderr).toContain('RecursionError');
    });

    it('stops a gigabyte of output, through sys.stdout or the raw descriptor', async () => {
      for (const code of [
        'import sys\nfor _ in range(2**14):\n    sys.stdout.write("x" * 2**16)',
        'import os\nfor _ in range(2**14):\n    os.write(2, b"x" * 2**16)',
      ]) {
        const result = await sandbox.exec({ code });
        expect(result.status, code).toBe('output-limit');
        expect(Buffer.byteLength(result.stdout + result.stderr)).toBeLessThanOrEqual(64 * 1024);
      }
    });

    it('cannot write outside its /tmp, nor a 100 MB file, and nothing it writes survives', async () => {
      const marker = join(host, 'marker.txt');
      const outside = await sandbox.exec({
        code: `import os\nfor path in ["/usr/overseer-marker", ${JSON.stringify(marker)}, "/overseer-marker"]:\n    try:\n        open(path, "w").write("x")\n        print("wrote", path)\n    except OSError as error:\n        print("refused", path, error.errno)\nopen("/tmp/overseer-marker", "w").write("x")`,
      });
      expect(outside.status).toBe('ok');
      expect(outside.stdout).not.toContain('wrote');
      expect(existsSync(marker)).toBe(false);
      expect(existsSync('/usr/overseer-marker')).toBe(false);
      expect(existsSync('/overseer-marker')).toBe(false);
      expect(existsSync('/tmp/overseer-marker')).toBe(false);
      const big = await sandbox.exec({ code: 'open("/tmp/big", "wb").write(b"x" * 100_000_000)' });
      expect(big.status).toBe('error');
      expect(big.stderr).toMatch(/File too large|No space left/);
    });

    it('sees no environment variable, process, root-only file or .env file of the host', async () => {
      process.env.OVERSEER_SANDBOX_SECRET = 'do-not-leak';
      writeFileSync(join(host, '.env'), 'API_KEY=do-not-leak\n', { mode: 0o600 });
      try {
        const result = await sandbox.exec({
          code: `import os\nprint(os.getuid(), os.getgid(), sorted(os.environ))\nfor path in ["/proc/1/environ", "/etc/shadow", "/root", ${JSON.stringify(join(host, '.env'))}, ${JSON.stringify(join(process.cwd(), '.env'))}]:\n    try:\n        print("read", path, open(path).read())\n    except OSError as error:\n        print("refused", path, error.errno)`,
        });
        expect(result.status).toBe('ok');
        // Root starts each run as a fresh user of the sandbox's range (uid = gid, no account);
        // anyone else runs it as themselves.
        const [, uid, gid, environment] = /^(\d+) (\d+) (\[.*\])$/m.exec(result.stdout) ?? [];
        expect(environment).toBe("['HOME', 'LANG', 'PATH']");
        expect(gid).toBe(uid);
        if (process.getuid?.() === 0) expect(Number(uid)).toBeGreaterThanOrEqual(1_500_000_000);
        else expect(Number(uid)).toBe(process.getuid?.());
        expect(result.stdout).not.toContain('do-not-leak');
        expect(result.stdout).not.toMatch(/^read /m);
      } finally {
        delete process.env.OVERSEER_SANDBOX_SECRET;
      }
    });

    it('reaches neither a loopback port of the host nor DNS', async () => {
      let connections = 0;
      const server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const result = await sandbox.exec({
          code: `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=5)\n    print("connected")\nexcept OSError as error:\n    print("refused", error.errno)\ntry:\n    socket.getaddrinfo("example.com", 80)\n    print("resolved")\nexcept OSError as error:\n    print("unresolved")`,
        });
        expect(result.status).toBe('ok');
        expect(result.stdout).toMatch(/^refused/);
        expect(result.stdout).toContain('unresolved');
        expect(connections).toBe(0);
      } finally {
        server.close();
      }
    });

    it('has no terminal to escape to, and cannot forge its result or kill its way to `ok`', async () => {
      const terminal = await sandbox.exec({
        code: 'import fcntl, termios\nfor fd in (0, 1, 2):\n    try:\n        fcntl.ioctl(fd, termios.TIOCSTI, b"x")\n        print("injected")\n    except OSError:\n        pass\nopen("/dev/tty")',
      });
      expect(terminal.status).toBe('error');
      expect(terminal.stdout).not.toContain('injected');
      const forged = await sandbox.exec({
        code: 'import json\nfor nonce in ("0" * 32, "f" * 32):\n    print(nonce, json.dumps({"status": "ok", "stdout": "", "stderr": "", "files": {}}))\nraise SystemExit(1)',
      });
      expect(forged.status).toBe('error');
      const killed = await sandbox.exec({
        code: 'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)',
      });
      expect(killed.status).toBe('error');
      expect(killed.stderr).toContain('without a result');
    });

    it('cannot overwrite the test harness', async () => {
      const harness = fileURLToPath(import.meta.url);
      const before = readFileSync(harness, 'utf8');
      const result = await sandbox.exec({
        code: `try:\n    open(${JSON.stringify(harness)}, "w").write("overwritten")\n    print("overwrote")\nexcept OSError as error:\n    print("refused", error.errno)`,
      });
      expect(result.status).toBe('ok');
      expect(result.stdout).toMatch(/^refused/);
      expect(readFileSync(harness, 'utf8')).toBe(before);
    });
  });
});
