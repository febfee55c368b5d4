// Drops node-llama-cpp's GPU builds (CUDA, Vulkan; ~650 MB) and other platforms' builds from
// package-lock.json, so `npm ci` installs only the CPU build that the gguf: backend loads.
// Run after any `npm install` that rewrites the lock: `npm run lock:prune`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const keep = 'node_modules/@node-llama-cpp/linux-x64';
let dropped = 0;
for (const key of Object.keys(lock.packages)) {
  if (key.startsWith('node_modules/@node-llama-cpp/') && key !== keep) {
    delete lock.packages[key];
    dropped++;
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: dropped ${dropped} node-llama-cpp builds (kept ${keep})`);
