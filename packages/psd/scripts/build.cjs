'use strict';
// `npm run build -w @overseer/psd` (and the install step): bundles the CLI into dist/ so `psd`
// starts without transpiling and without resolving a module per source file.
const path = require('node:path');
const { compilePackage } = require('../../../scripts/compile-package.cjs');

compilePackage(path.join(__dirname, '..'), '@overseer/psd', 'psd', { bundle: ['cli'] });
