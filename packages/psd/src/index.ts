/** @overseer/psd: a fast, certifying solver for PSD matrix completion. */
export { decide, type DecideOptions, type Decision } from './decide.ts';
export { verifyCertificate, type Verification } from './verify.ts';
export type { Certificate, DualCertificate, GramCertificate } from './certificate.ts';
export {
  parseMatrixMarket,
  parseJsonMatrix,
  parsePartialMatrix,
  formatMatrixMarket,
} from './parse.ts';
export {
  generateInstance,
  type Instance,
  type InstanceOptions,
  type PatternKind,
} from './generate.ts';
export { approximateSquare, squaredEntries } from './square.ts';
export { runBench, formatBenchTable, type BenchReport } from './bench.ts';
export type { PartialMatrix } from './partial-matrix.ts';
export { PsdError } from './errors.ts';
