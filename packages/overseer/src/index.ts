/** Overseer's public library surface. */
export { OverseerError, isOverseerError } from './errors.ts';
