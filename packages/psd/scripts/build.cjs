'use strict';
// `npm run build -w @overseer/psd` (and the install step): bundles the CLI into dist/cli.cjs with
// a V8 code cache, so `psd` starts without transpiling, resolving or compiling module by module.
const path = require('node:path');
const { compilePackage } = require('../../../scripts/compile-package.cjs');

compilePackage(path.join(__dirname, '..'), '@overseer/psd', 'psd', {
  bundle: {
    entry: 'cli',
    // The cache holds the code these commands run: help, and deciding a small instance (the
    // parser, the solver, the verifier and the JSON output).
    warmUp: (directory) => {
      const instance = path.join(directory, 'warm-up.mtx');
      const generate = ['--pattern', 'random', '--kind', 'yes', '--n', '60', '--seed', '1'];
      return [
        ['--help'],
        ['generate', ...generate, '--output', instance],
        ['decide', instance, '--json'],
      ];
    },
  },
});
