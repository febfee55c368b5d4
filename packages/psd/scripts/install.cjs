// The package's install step: `node-gyp rebuild` of the Burer–Monteiro kernels. A failing compile must not
// fail `npm ci` (the TypeScript kernels are the fallback): on failure it prints why, keeps the compiler output
// in build-error.log and exits 0.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const logPath = path.join(root, 'build-error.log');
// npm names its bundled node-gyp in npm_config_node_gyp for install scripts; run by hand, look for npm's copy.
const besideNpm = path.join(
  path.dirname(process.execPath),
  '..',
  'lib',
  'node_modules',
  'npm',
  'node_modules',
  'node-gyp',
  'bin',
  'node-gyp.js',
);
const bundled =
  process.env.npm_config_node_gyp ?? (fs.existsSync(besideNpm) ? besideNpm : undefined);
const command = bundled ? process.execPath : 'node-gyp';
const args = bundled ? [bundled, 'rebuild'] : ['rebuild'];
const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', shell: !bundled });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
if (result.status === 0) {
  fs.rmSync(logPath, { force: true });
  process.stdout.write('@overseer/psd: native kernels built\n');
} else {
  fs.writeFileSync(logPath, output);
  process.stderr.write(
    `@overseer/psd: WARNING: building the native kernels failed (exit ${result.status}); psd falls back to ` +
      `its TypeScript kernels (about 3× slower). Compiler output: ${logPath}\n` +
      `${output.trim().split('\n').slice(-10).join('\n')}\n`,
  );
}
