/**
 * How `psd` starts: the install step (scripts/build.cjs) bundled the CLI into one CommonJS file
 * with a source map and a V8 code cache; the bin loads it through scripts/run-compiled.cjs, whose
 * stack traces name the .ts lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const distribution = join(packageRoot, 'dist');
const launcher = fileURLToPath(new URL('../../../scripts/run-compiled.cjs', import.meta.url));

/** Runs `script` in a Node process of its own (the launcher changes process-wide state). */
function runNode(script: string) {
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

describe('psd start-up', () => {
  it('was bundled by the install step: one CommonJS file, its source map and its code cache', () => {
    expect(existsSync(join(distribution, 'build-stamp'))).toBe(true);
    expect(existsSync(join(distribution, 'cli.cjs'))).toBe(true);
    expect(existsSync(join(distribution, 'cli.cjs.cache'))).toBe(true);
    const map = JSON.parse(readFileSync(join(distribution, 'cli.cjs.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources).toContain('../src/cli.ts');
    expect(map.sources).toContain('../src/decide.ts');
  });

  it('loads the bundle with a code cache this Node accepts', () => {
    const result = runNode(`
      const { readFileSync } = require('node:fs');
      const { compileBundle } = require(${JSON.stringify(launcher)});
      const file = ${JSON.stringify(join(distribution, 'cli.cjs'))};
      const { script, exports } = compileBundle(file, readFileSync(file + '.cache'));
      console.log(JSON.stringify({ rejected: script.cachedDataRejected, main: typeof exports.main }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ rejected: false, main: 'function' });
  });

  it('names the .ts line, not the bundle, in a stack trace from the bundle', () => {
    // buildProgram without an output function fails as soon as commander prints the help.
    const result = runNode(`
      const { compileBundle, mapStacksToSources } = require(${JSON.stringify(launcher)});
      mapStacksToSources(${JSON.stringify(`${distribution}/`)});
      const { buildProgram } = compileBundle(${JSON.stringify(join(distribution, 'cli.cjs'))}).exports;
      try {
        buildProgram(undefined).parse(['--help'], { from: 'user' });
      } catch (error) {
        console.log(error.stack);
      }
    `);
    expect(result.stdout).toMatch(/^TypeError: /);
    expect(result.stdout).toContain(`${join(packageRoot, 'src', 'cli.ts')}:`);
    expect(result.stdout).not.toContain('cli.cjs');
  });

  it('runs the bundled CLI through the installed bin', () => {
    const bin = join(packageRoot, 'bin', 'psd.cjs');
    const result = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: psd');
  });
});
