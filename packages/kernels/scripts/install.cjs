// The package's install step: `node-gyp rebuild`, but a failing compile must not fail `npm ci` for
// the whole project (the TypeScript reference kernels still work). On failure it prints why, keeps
// the compiler output in build-error.log (index.cjs quotes it at load time) and exits 0.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const logPath = path.join(root, 'build-error.log');

// npm puts its bundled node-gyp on PATH for install scripts and names it in npm_config_node_gyp.
const bundled = process.env.npm_config_node_gyp;
const command = bundled ? process.execPath : 'node-gyp';
const args = bundled ? [bundled, 'rebuild'] : ['rebuild'];
const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', shell: !bundled });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;

if (result.status === 0) {
  fs.rmSync(logPath, { force: true });
  process.stdout.write('@overseer/kernels: native kernels built\n');
} else {
  fs.writeFileSync(logPath, output);
  process.stderr.write(
    `@overseer/kernels: WARNING: building the native kernels failed (exit ${result.status}); ` +
      `Overseer will fall back to the slower TypeScript kernels.\n` +
      `Full compiler output: ${logPath}\n` +
      `${output.trim().split('\n').slice(-15).join('\n')}\n` +
      `Fix the cause (a C compiler, make and python3 are needed), then run: npm rebuild @overseer/kernels\n`,
  );
}
