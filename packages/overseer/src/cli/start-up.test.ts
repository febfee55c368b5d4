/**
 * How `overseer` starts: the install step (scripts/build.cjs) compiled the CLI to dist/ with source
 * maps, and `--help` — of the program or of a verb — loads none of what the verbs compute with
 * (the model, SQLite, React, the model SDKs): a verb imports its implementation in its action.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const logDirectory = mkdtempSync(join(tmpdir(), 'overseer-start-up-'));
afterAll(() => rmSync(logDirectory, { recursive: true, force: true }));

// A resolve hook on the loader thread that appends every module URL the CLI resolves to the file
// named by OVERSEER_MODULE_LOG; `--import` registers it before bin/overseer.js runs.
const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.OVERSEER_MODULE_LOG, result.url + '\\n');
  return result;
}`;
const registerHooks = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;

/** What --help must not load: the model, SQLite, React, the SDKs and the rooms that use them. */
const heavy = [
  /\/node_modules\/better-sqlite3\//,
  /\/node_modules\/react(-dom)?\//,
  /\/node_modules\/openai\//,
  /\/node_modules\/@anthropic-ai\//,
  /\/node_modules\/node-llama-cpp\//,
  /\/packages\/kernels\//,
  /\/(src|dist)\/model\/(?!gpt-config\.|optimizer-config\.)/,
  /\/(src|dist)\/(store|viewer-server|server|experiments|training|policies|tasks)\//,
];

let runs = 0;

/** Runs bin/overseer.js on `argv`; returns its output and every module URL it resolved. */
function runOverseer(argv: string[], environment: Record<string, string> = {}) {
  runs += 1;
  const log = join(logDirectory, `modules-${runs}.log`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(registerHooks)}`,
      join(packageRoot, 'bin/overseer.js'),
      ...argv,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, ...environment, OVERSEER_MODULE_LOG: log },
    },
  );
  const modules = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, modules };
}

function heavyModules(modules: string[]): string[] {
  return modules.filter((url) => heavy.some((pattern) => pattern.test(url)));
}

describe('overseer start-up', () => {
  it('was compiled to dist/ by the install step, with source maps pointing at the .ts', () => {
    const distribution = join(packageRoot, 'dist');
    expect(existsSync(join(distribution, 'build-stamp'))).toBe(true);
    expect(existsSync(join(distribution, 'cli/main.js'))).toBe(true);
    const map = JSON.parse(readFileSync(join(distribution, 'cli/main.js.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources).toEqual(['../../src/cli/main.ts']);
    // The PyTorch peers are found beside the compiled benchmark code.
    expect(existsSync(join(distribution, 'bench/torch-peer.py'))).toBe(true);
  });

  it('loads no model, SQLite, React or SDK for --help, as installed', () => {
    const { status, stdout, stderr, modules } = runOverseer(['--help']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: overseer');
    expect(modules.some((url) => /\/(src|dist)\/cli\/main\.(ts|js)$/.test(url))).toBe(true);
    expect(heavyModules(modules)).toEqual([]);
  });

  it.each(['--help', 'run --help', 'train --help', 'bench sample --help'])(
    'loads no model, SQLite, React or SDK for `overseer %s` from the sources',
    (command) => {
      // OVERSEER_TSX=1 runs the .ts sources, so this checks the code as it is, built or not.
      const { status, stdout, modules } = runOverseer(command.split(' '), { OVERSEER_TSX: '1' });
      expect(status).toBe(0);
      expect(stdout).toContain('Usage: overseer');
      expect(modules.some((url) => url.endsWith('/src/cli/main.ts'))).toBe(true);
      expect(heavyModules(modules)).toEqual([]);
    },
  );
});
