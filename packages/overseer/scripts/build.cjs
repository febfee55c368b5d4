'use strict';
// `npm run build -w overseer` (and the install step): compiles src/ to dist/ so `overseer` starts
// without transpiling. tsconfig.build.json only emits (`noCheck`): `npm run typecheck` is where types
// are checked, and tsx, which this replaces, never checked them either.
const path = require('node:path');
const { compilePackage } = require('../../../scripts/compile-package.cjs');

compilePackage(path.join(__dirname, '..'), 'overseer', 'overseer');
