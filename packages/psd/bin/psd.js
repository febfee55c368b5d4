#!/usr/bin/env node
// Runs the CLI compiled to dist/ (by the install step, scripts/build.cjs) with source maps on, so stack traces
// name the .ts lines; when dist/ is missing or older than a source file it runs the TypeScript through tsx.
import { readdirSync, statSync } from 'node:fs';

// `psd … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const sources = new URL('../src/', import.meta.url);

function compiledIsCurrent() {
  if (process.env.PSD_TSX === '1') return false;
  try {
    const built = statSync(new URL('../dist/build-stamp', import.meta.url)).mtimeMs;
    for (const name of readdirSync(sources)) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
        if (statSync(new URL(name, sources)).mtimeMs > built) return false;
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
  cli = await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
