/** Overseer's public library surface: each room as a namespace, plus the error base class. */

export { OverseerError, isOverseerError } from './errors.ts';
export * as spec from './spec/index.ts';
export * as tasks from './tasks/registry.ts';
export * as model from './model/gpt.ts';
export * as checkpoints from './model/checkpoint.ts';
export * as policies from './policies/registry.ts';
export * as scaffolds from './scaffolds/registry.ts';
export * as overseers from './overseers/registry.ts';
export * as trainers from './training/registry.ts';
export * as store from './store/index.ts';
export * as experiments from './experiments/config.ts';
