// The package's build step (run by `npm ci` through the install script, or `npm run build -w overseer`):
// compiles src/ to dist/ with tsc and source maps, so `overseer` starts without transpiling. It only emits
// (`noCheck` in tsconfig.build.json): `npm run typecheck` is where types are checked, and tsx, which this
// replaces, never checked them either. Files that are not TypeScript (the PyTorch peer scripts) are copied
// beside the JavaScript that finds them through import.meta.url. A failing build must not fail `npm ci`:
// bin/overseer.js then runs the TypeScript through tsx, so this prints why and exits 0.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const sources = path.join(root, 'src');
const distribution = path.join(root, 'dist');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  process.stderr.write(
    'overseer: WARNING: typescript not found; overseer will run its sources through tsx\n',
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
  for (const name of fs.readdirSync(sources, { recursive: true })) {
    const source = path.join(sources, name);
    if (name.endsWith('.ts') || !fs.statSync(source).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(distribution, name)), { recursive: true });
    fs.copyFileSync(source, path.join(distribution, name));
  }
  // bin/overseer.js runs dist/ only while this stamp is newer than every source file.
  fs.writeFileSync(path.join(distribution, 'build-stamp'), `${new Date().toISOString()}\n`);
  process.stdout.write('overseer: compiled to dist/\n');
} else {
  fs.rmSync(distribution, { recursive: true, force: true });
  process.stderr.write(
    `overseer: WARNING: compiling to dist/ failed (exit ${result.status}); overseer will run its sources ` +
      `through tsx (slower start-up).\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n')}\n`,
  );
}
