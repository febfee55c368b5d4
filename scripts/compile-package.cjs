'use strict';
// The build step of a workspace package whose command should start without transpiling (run by
// `npm ci` through the package's install script, or `npm run build -w <package>`): compiles src/
// to dist/ with source maps on, copies the files that are not TypeScript beside the JavaScript that
// finds them through import.meta.url, and stamps the build. Either tsc emits one JavaScript file per
// source (the package's tsconfig.build.json), or, with `bundle`, esbuild bundles the command's entry
// with its dependencies into one file and a V8 code cache: one module to load, already compiled,
// instead of dozens to resolve and compile is most of a short command's start-up.
// A failing build must not fail `npm ci`: the package's bin then runs the sources through tsx, so
// this prints why and exits 0.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Runs tsc on the package's tsconfig.build.json; returns the failure's last lines, or undefined. */
function emitWithTsc(root) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return 'typescript not found';
  }
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status === 0) return undefined;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-10);
  return `tsc exited with ${result.status}\n${output.join('\n')}`;
}

// Node's built-ins that the bundle imports at its top but a command rarely calls: each becomes a
// module of getters that loads the built-in on first use. child_process alone pulls in net, dgram
// and the streams, ~10 ms at every start, for commander's executable subcommands (which no
// command here has) and the benchmark's peers; readline serves only a stream on stdin.
const lazyBuiltins = ['child_process', 'readline'];

/** An esbuild plugin that replaces every import of a `lazyBuiltins` module by its lazy stand-in. */
const lazyBuiltinPlugin = {
  name: 'lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(node:)?(${lazyBuiltins.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-builtin'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    // Named getters, not a Proxy: esbuild's ESM interop copies a module's own keys, and a getter
    // defers the load past that copy to the first real use.
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents:
        `let loaded;\nconst load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));\n` +
        `for (const key of ${JSON.stringify(Object.keys(require(`node:${args.path}`)))}) {\n` +
        `  Object.defineProperty(module.exports, key, { enumerable: true, get: () => load()[key] });\n}\n`,
      loader: 'js',
    }));
  },
};

/**
 * Bundles src/<entry>.ts into one CommonJS file dist/<entry>.cjs with its dependencies from
 * node_modules (CommonJS: it loads without Node's ES module loader, and through the V8 code cache
 * of scripts/run-compiled.cjs). A dynamic import() stays lazy — the module it names is evaluated
 * when the import runs — so a verb still runs only what it uses. The source map holds positions
 * only (the .ts files are beside it). Returns the failure, or undefined.
 */
async function emitWithEsbuild(root, entry) {
  let esbuild;
  try {
    esbuild = require(require.resolve('esbuild', { paths: [root] }));
  } catch {
    return 'esbuild not found';
  }
  try {
    await esbuild.build({
      entryPoints: [path.join(root, 'src', `${entry}.ts`)],
      outfile: path.join(root, 'dist', `${entry}.cjs`),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      plugins: [lazyBuiltinPlugin],
      // The sources find files beside them through import.meta.url, which CommonJS lacks.
      define: { 'import.meta.url': 'importMetaUrlOfBundle' },
      banner: {
        js: "const importMetaUrlOfBundle = require('node:url').pathToFileURL(__filename).href;",
      },
      logLevel: 'silent',
    });
    return undefined;
  } catch (error) {
    return error.message.split('\n').slice(0, 10).join('\n');
  }
}

/**
 * Writes the bundle's V8 code cache (scripts/run-compiled.cjs) after running it on the argv lists
 * `warmUp(directory)` gives for a scratch directory, so the cache holds the code those commands
 * call. Without a cache the command still runs, compiling as it goes: a failure only warns.
 */
function writeCodeCache(root, name, entry, warmUp) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-'));
  try {
    const launcher = path.join(__dirname, 'run-compiled.cjs');
    const bundle = path.join(root, 'dist', `${entry}.cjs`);
    const result = spawnSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(launcher)}).writeCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(warmUp(scratch))})`,
      ],
      { cwd: scratch, encoding: 'utf8' },
    );
    if (result.status !== 0) {
      process.stderr.write(
        `${name}: WARNING: no code cache (warm-up exited with ${result.status}): ` +
          `${(result.stderr ?? '').trim().split('\n').slice(-5).join('\n')}\n`,
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Compiles the package at `root` (its name and command word the messages). With `bundle` —
 * `{ entry, warmUp }`, entry a path below src/ without `.ts` — esbuild bundles that entry instead
 * of tsc compiling every file, and the code cache is written after the warm-up commands.
 * Never rejects: a failure is printed.
 */
async function compilePackage(root, name, command, { bundle } = {}) {
  const sources = path.join(root, 'src');
  const distribution = path.join(root, 'dist');
  // A clean output: files of deleted sources must not linger in dist/.
  fs.rmSync(distribution, { recursive: true, force: true });
  const failure = bundle ? await emitWithEsbuild(root, bundle.entry) : emitWithTsc(root);
  if (failure !== undefined) {
    fs.rmSync(distribution, { recursive: true, force: true });
    process.stderr.write(
      `${name}: WARNING: compiling to dist/ failed (${failure}); ${command} will run its sources ` +
        `through tsx (slower start-up).\n`,
    );
    return;
  }
  for (const file of fs.readdirSync(sources, { recursive: true })) {
    const source = path.join(sources, file);
    if (file.endsWith('.ts') || !fs.statSync(source).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(distribution, file)), { recursive: true });
    fs.copyFileSync(source, path.join(distribution, file));
  }
  if (bundle) writeCodeCache(root, name, bundle.entry, bundle.warmUp);
  // The bin runs dist/ only while this stamp is newer than every source file.
  fs.writeFileSync(path.join(distribution, 'build-stamp'), `${new Date().toISOString()}\n`);
  process.stdout.write(`${name}: ${bundle ? 'bundled' : 'compiled'} to dist/\n`);
}

module.exports = { compilePackage };
