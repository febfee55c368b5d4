'use strict';
// What a workspace package's bin does: runs its command compiled to dist/ (by
// scripts/compile-package.cjs at install), with stack traces mapped to the .ts lines through the
// source maps; when dist/ is missing or older than a source file — or `forceTsx` is set — it runs
// the TypeScript through tsx instead. Everything here is on the path of every command's start, so
// it does the least it can before the command's own code runs. CommonJS, so that a bin written in
// CommonJS starts without Node's ES module loader.
const { readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { SourceMap, createRequire } = require('node:module');
const { dirname } = require('node:path');
const { fileURLToPath, pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

/** Whether some file below `directory` (a path ending in `/`), tests aside, is newer than `time`. */
function sourceNewerThan(directory, time) {
  // A walk of its own: readdirSync's `recursive` relativises every path, a cost at each start.
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = directory + entry.name;
    if (entry.isDirectory()) {
      if (sourceNewerThan(`${path}/`, time)) return true;
    } else if (!entry.name.endsWith('.test.ts') && statSync(path).mtimeMs > time) {
      return true;
    }
  }
  return false;
}

/** Whether dist/ was built after every source file the build reads (tests are not built). */
function compiledIsCurrent(root) {
  try {
    return !sourceNewerThan(`${root}src/`, statSync(`${root}dist/build-stamp`).mtimeMs);
  } catch {
    return false;
  }
}

/**
 * Formats stack traces with every frame in `distribution` (a path ending in `/`) at its .ts line.
 * Node's own source-map support (`--enable-source-maps`) reads and indexes every module's map as
 * the module loads, a cost at each start; this reads a map only when a stack is formatted.
 */
function mapStacksToSources(distribution) {
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) {
      let map;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = undefined;
      }
      maps.set(file, map);
    }
    return maps.get(file);
  };
  const frame = (site) => {
    const text = String(site);
    const name = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const file = name?.startsWith('file:') ? fileURLToPath(name) : name;
    if (!file?.startsWith(distribution) || line === null || column === null) return text;
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry?.originalSource) return text;
    const source = fileURLToPath(new URL(entry.originalSource, pathToFileURL(file)));
    return text.replace(
      `${name}:${line}:${column}`,
      `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
    );
  };
  Error.prepareStackTrace = (error, sites) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return [header, ...sites.map((site) => `    at ${frame(site)}`)].join('\n');
  };
}

/** Compiles a CommonJS bundle as `require` would, with `cachedData` (a V8 code cache) if given. */
function compileBundle(file, cachedData) {
  const source = readFileSync(file, 'utf8');
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, cachedData },
  );
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { script, exports: module.exports };
}

/**
 * Loads the CommonJS bundle `file` with the V8 code cache the build wrote beside it (`.cache`):
 * without it every start compiles the functions it calls. A cache from another Node or V8 is
 * rejected by V8, and the bundle then compiles as usual.
 */
function requireBundle(file) {
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  return compileBundle(file, cachedData).exports;
}

/**
 * Runs `main(argv)` of the bundle `file` once per argv of `runs` (a warm-up: the functions they
 * call get compiled), then writes their code as the V8 code cache `requireBundle` reads. Run by
 * the build in a process of its own, since the warm-up's commands print and set the exit code.
 */
async function writeCodeCache(file, runs) {
  const { script, exports } = compileBundle(file, undefined);
  for (const argv of runs) await exports.main(argv);
  writeFileSync(`${file}.cache`, script.createCachedData());
  process.exitCode = 0;
}

/**
 * Runs `main(argv)` of the module at `entry` (a path below src/ without its extension, e.g.
 * `cli/main`) of the package at `packageRoot` (a URL ending in `/`), setting the exit code. With
 * `bundled`, the build made dist/<entry>.cjs, one CommonJS file; otherwise dist/<entry>.js.
 */
async function runCompiled(packageRoot, entry, { forceTsx = false, bundled = false } = {}) {
  const root = fileURLToPath(packageRoot);
  let cli;
  if (!forceTsx && compiledIsCurrent(root)) {
    mapStacksToSources(`${root}dist/`);
    cli = bundled
      ? requireBundle(`${root}dist/${entry}.cjs`)
      : await import(new URL(`dist/${entry}.js`, packageRoot).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import(new URL(`src/${entry}.ts`, packageRoot).href);
  }
  process.exitCode = await cli.main(process.argv.slice(2));
}

module.exports = { compileBundle, mapStacksToSources, runCompiled, writeCodeCache };
