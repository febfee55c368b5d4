'use strict';
// The build step of a workspace package whose command should start without transpiling (run by
// `npm ci` through the package's install script, or `npm run build -w <package>`): compiles src/
// to dist/ with the package's tsconfig.build.json (source maps on), copies the files that are not
// TypeScript beside the JavaScript that finds them through import.meta.url, and stamps the build.
// A failing build must not fail `npm ci`: the package's bin then runs the sources through tsx, so
// this prints why and exits 0.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Compiles the package at `root` (its name and command word the messages). */
function compilePackage(root, name, command) {
  const sources = path.join(root, 'src');
  const distribution = path.join(root, 'dist');
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write(
      `${name}: WARNING: typescript not found; ${command} will run its sources through tsx\n`,
    );
    return;
  }
  // A clean output: files of deleted sources must not linger in dist/.
  fs.rmSync(distribution, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    fs.rmSync(distribution, { recursive: true, force: true });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-10);
    process.stderr.write(
      `${name}: WARNING: compiling to dist/ failed (exit ${result.status}); ${command} will run ` +
        `its sources through tsx (slower start-up).\n${output.join('\n')}\n`,
    );
    return;
  }
  for (const file of fs.readdirSync(sources, { recursive: true })) {
    const source = path.join(sources, file);
    if (file.endsWith('.ts') || !fs.statSync(source).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(distribution, file)), { recursive: true });
    fs.copyFileSync(source, path.join(distribution, file));
  }
  // The bin runs dist/ only while this stamp is newer than every source file.
  fs.writeFileSync(path.join(distribution, 'build-stamp'), `${new Date().toISOString()}\n`);
  process.stdout.write(`${name}: compiled to dist/\n`);
}

module.exports = { compilePackage };
