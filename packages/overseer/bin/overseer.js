#!/usr/bin/env node
// The `overseer` command: the compiled CLI, or its sources through tsx when the build is stale
// (scripts/run-compiled.mjs); OVERSEER_TSX=1 forces the sources.
import { runCompiled } from '../../../scripts/run-compiled.mjs';

await runCompiled(new URL('../', import.meta.url), 'cli/main', {
  forceTsx: process.env.OVERSEER_TSX === '1',
});
