// The package's build step (run by `npm ci` through the install script, or `npm run build -w @overseer/psd`):
// compiles src/ to dist/ with tsc and source maps, so `psd` starts without transpiling. A failing build must not
// fail `npm ci`: bin/psd.js then runs the TypeScript through tsx, so this prints why and exits 0.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const distribution = path.join(root, 'dist');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  process.stderr.write(
    '@overseer/psd: WARNING: typescript not found; psd will run its sources through tsx\n',
  );
  process.exit(0);
}
// A clean output: files of deleted sources must not linger in dist/.
fs.rmSync(distribution, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  encoding: 'utf8',
});
if (result.status === 0) {
  // bin/psd.js runs dist/ only while this stamp is newer than every source file.
  fs.writeFileSync(path.join(distribution, 'build-stamp'), `${new Date().toISOString()}\n`);
  process.stdout.write('@overseer/psd: compiled to dist/\n');
} else {
  fs.rmSync(distribution, { recursive: true, force: true });
  process.stderr.write(
    `@overseer/psd: WARNING: compiling to dist/ failed (exit ${result.status}); psd will run its sources ` +
      `through tsx (slower start-up).\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n')}\n`,
  );
}
