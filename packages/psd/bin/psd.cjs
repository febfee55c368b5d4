#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
'use strict';
// The `psd` command: the bundled CLI, or its sources through tsx when the build is stale
// (scripts/run-compiled.cjs); PSD_TSX=1 forces the sources. CommonJS, so it starts without Node's
// ES module loader. psd opens no TLS connection, and Node 20 parses every certificate named by
// NODE_EXTRA_CA_CERTS before running any JavaScript (most of its start-up where it is set), so the
// shebang leaves that variable out.
const { pathToFileURL } = require('node:url');
const { runCompiled } = require('../../../scripts/run-compiled.cjs');

// `psd … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCompiled(new URL('../', pathToFileURL(__filename)), 'cli', {
  forceTsx: process.env.PSD_TSX === '1',
  bundled: true,
});
