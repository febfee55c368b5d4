// What a workspace package's bin does: runs its command compiled to dist/ (by
// scripts/compile-package.cjs at install) with source maps on, so stack traces name the .ts lines;
// when dist/ is missing or older than a source file — or `forceTsx` is set — it runs the
// TypeScript through tsx instead.
import { readdirSync, statSync } from 'node:fs';

/** Whether dist/ was built after every source file the build reads (tests are not built). */
function compiledIsCurrent(packageRoot) {
  const sources = new URL('src/', packageRoot);
  try {
    const built = statSync(new URL('dist/build-stamp', packageRoot)).mtimeMs;
    for (const name of readdirSync(sources, { recursive: true })) {
      if (!name.endsWith('.test.ts') && statSync(new URL(name, sources)).mtimeMs > built) {
        return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `main(argv)` of the module at `entry` (a path below src/ without its extension, e.g.
 * `cli/main`) of the package at `packageRoot` (a URL ending in `/`), setting the exit code.
 */
export async function runCompiled(packageRoot, entry, { forceTsx = false } = {}) {
  let cli;
  if (!forceTsx && compiledIsCurrent(packageRoot)) {
    process.setSourceMapsEnabled(true);
    cli = await import(new URL(`dist/${entry}.js`, packageRoot).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import(new URL(`src/${entry}.ts`, packageRoot).href);
  }
  process.exitCode = await cli.main(process.argv.slice(2));
}
