// Lists, for each room of packages/overseer/src, the rooms its files import, so docs/architecture.md's
// import table and eslint.config.js's room rules can be checked against the code.
// Run: `node scripts/import-table.mjs` (the rooms' code) or `node scripts/import-table.mjs --tests`
// (test support: `*.test.ts` and `*-fixture.ts`/`*-fixtures.ts`, which may build real components
// of any room); add `--files` to name the importing files of each edge.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = resolve(dirname(fileURLToPath(import.meta.url)), '../packages/overseer/src');
const tests = process.argv.includes('--tests');
const withFiles = process.argv.includes('--files');
const testSupport = /(\.test|-fixtures?)\.ts$/;

function* walk(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

// A room is a top-level folder of src/; a top-level file (errors.ts, index.ts) is its own room.
function roomOf(path) {
  return relative(source, path).split(sep)[0];
}

// Static imports and re-exports, side-effect imports and dynamic imports of relative paths.
const imports =
  /(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|import\s*\(?\s*['"](\.[^'"]+)['"]/g;
const table = new Map();
for (const file of walk(source)) {
  if (testSupport.test(file) !== tests) continue;
  const room = roomOf(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(imports)) {
    const target = resolve(dirname(file), match[1] ?? match[2]);
    if (!target.startsWith(source)) continue;
    const imported = roomOf(target);
    if (imported === room) continue;
    const rooms = table.get(room) ?? new Map();
    const files = rooms.get(imported) ?? new Set();
    files.add(relative(source, file));
    rooms.set(imported, files);
    table.set(room, rooms);
  }
}

for (const room of [...table.keys()].sort()) {
  const rooms = table.get(room);
  const names = [...rooms.keys()].sort();
  console.log(`${room.padEnd(16)} ${names.join(', ')}`);
  if (withFiles) {
    for (const name of names) console.log(`  ${name}: ${[...rooms.get(name)].sort().join(' ')}`);
  }
}
