#!/usr/bin/env node
// The `psd` command: the compiled CLI, or its sources through tsx when the build is stale
// (scripts/run-compiled.mjs); PSD_TSX=1 forces the sources.
import { runCompiled } from '../../../scripts/run-compiled.mjs';

// `psd … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await runCompiled(new URL('../', import.meta.url), 'cli', {
  forceTsx: process.env.PSD_TSX === '1',
});
