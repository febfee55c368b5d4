#!/usr/bin/env node
// Runs the CLI compiled to dist/ (by the install step, scripts/build.cjs) with source maps on, so stack traces
// name the .ts lines; when dist/ is missing or older than a source file it runs the TypeScript through tsx.
import { readdirSync, statSync } from 'node:fs';

const sources = new URL('../src/', import.meta.url);

function compiledIsCurrent() {
  if (process.env.OVERSEER_TSX === '1') return false;
  try {
    const built = statSync(new URL('../dist/build-stamp', import.meta.url)).mtimeMs;
    // Every file the build reads: the sources and the files it copies (tests are not built).
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

let cli;
if (compiledIsCurrent()) {
  process.setSourceMapsEnabled(true);
  cli = await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli/main.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
