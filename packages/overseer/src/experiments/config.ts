/**
 * The experiment file: YAML parsed once, strictly, into typed arms. Every arm of an experiment is
 * the shared base with the arm's own keys merged over it (RFC 7396 JSON Merge Patch: mappings
 * merge key by key, lists and scalars replace, `null` removes a key so its default applies);
 * sweeps then add arms that differ from an existing arm in one key. Each arm's merged config is
 * validated as a whole, and every problem is reported at the place in the file that caused it —
 * `ida.yaml:14:9: arms[1].trainer.options.lr: expected number, got string "fast"` — even when the
 * key came from the base or a sweep. See docs/experiments.md for every key.
 *
 * The parts live in config/: schema.ts (the keys), catalog.ts (registry names and options),
 * parse.ts (reading a file), positions.ts (where keys sit), expansion.ts (merge patches, sweeps,
 * overrides) and problems.ts (reporting). This module is their public face.
 */
export {
  ARM_CONFIG_KEYS,
  ArmKeys,
  Credit,
  Difficulty,
  EXPERIMENT_KEYS,
  EvaluationConfig,
  FALLIBILITY_OPTIONS,
  Labels,
  METRIC_NAMES,
  MetricName,
  difficultyMetric,
  metricDifficulty,
  ModelConfig,
  PretrainConfig,
  RECORDED_UPDATES_PER_ROUND,
  RecordRolloutsConfig,
  Sweep,
  SweepValue,
  TaskConfig,
  defaultRolloutEvery,
} from './config/schema.ts';
export type {
  ArmConfig,
  ArmDeclaration,
  ConfigLayer,
  DifficultyMetricName,
  ExpandedArm,
  Experiment,
  ExperimentFile,
  PathSegment,
  SweepDeclaration,
} from './config/schema.ts';
export { registryCatalog, trainerDialDefaults } from './config/catalog.ts';
export type { OptionCatalog, ParseOptions, ReferenceKind } from './config/catalog.ts';
export { parseExperiment, parseExperimentFile } from './config/parse.ts';
export { applyOverrides, armParameters, expandArms } from './config/expansion.ts';
export type { ExperimentOverrides } from './config/expansion.ts';
export { mergePatch } from './config/merge-patch.ts';
export { formatPath } from '../util/zod-issues.ts';
