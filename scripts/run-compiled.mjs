// What a workspace package's bin does: runs its command compiled to dist/ (by
// scripts/compile-package.cjs at install), with stack traces mapped to the .ts lines through the
// source maps; when dist/ is missing or older than a source file — or `forceTsx` is set — it runs
// the TypeScript through tsx instead. Everything here is on the path of every command's start, so
// it does the least it can before the command's own module loads.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Whether dist/ was built after every source file the build reads (tests are not built). */
function compiledIsCurrent(root) {
  try {
    const built = statSync(`${root}dist/build-stamp`).mtimeMs;
    const sources = `${root}src/`;
    for (const entry of readdirSync(sources, { recursive: true })) {
      if (!entry.endsWith('.test.ts') && statSync(sources + entry).mtimeMs > built) return false;
    }
    return true;
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
    const url = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const file = url?.startsWith('file:') ? fileURLToPath(url) : url;
    if (!file?.startsWith(distribution) || line === null || column === null) return text;
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry?.originalSource) return text;
    const source = fileURLToPath(new URL(entry.originalSource, `file://${file}`));
    return text.replace(
      `${url}:${line}:${column}`,
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

/**
 * Runs `main(argv)` of the module at `entry` (a path below src/ without its extension, e.g.
 * `cli/main`) of the package at `packageRoot` (a URL ending in `/`), setting the exit code.
 */
export async function runCompiled(packageRoot, entry, { forceTsx = false } = {}) {
  const root = fileURLToPath(packageRoot);
  let cli;
  if (!forceTsx && compiledIsCurrent(root)) {
    mapStacksToSources(`${root}dist/`);
    cli = await import(new URL(`dist/${entry}.js`, packageRoot).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import(new URL(`src/${entry}.ts`, packageRoot).href);
  }
  process.exitCode = await cli.main(process.argv.slice(2));
}
