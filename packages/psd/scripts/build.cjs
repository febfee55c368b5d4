'use strict';
// `npm run build -w @overseer/psd` (and the install step): compiles src/ to dist/ so `psd` starts
// without transpiling.
const path = require('node:path');
const { compilePackage } = require('../../../scripts/compile-package.cjs');

compilePackage(path.join(__dirname, '..'), '@overseer/psd', 'psd');
