// Loads the compiled addon. Throws (with the install log's reason, when there is one) if the build
// failed or never ran; packages/overseer/src/model/native-kernels.ts turns that into a hint.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const addonPath = path.join(__dirname, 'build', 'Release', 'overseer_kernels.node');
const logPath = path.join(__dirname, 'build-error.log');

try {
  module.exports = require(addonPath);
} catch (error) {
  let reason = '';
  try {
    reason = fs.readFileSync(logPath, 'utf8').trim().split('\n').slice(-12).join('\n');
  } catch {
    // no log: the install script never ran (or the build succeeded and the file was removed)
  }
  const wrapped = new Error(
    `the native kernels are not built (${addonPath}): ${error.message}` +
      (reason ? `\nlast build failure (${logPath}):\n${reason}` : ''),
  );
  wrapped.code = 'OVERSEER_KERNELS_MISSING';
  throw wrapped;
}
