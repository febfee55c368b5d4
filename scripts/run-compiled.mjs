// The launcher for ES module bins (scripts/run-compiled.cjs holds it, so CommonJS bins share it).
export { runCompiled } from './run-compiled.cjs';
