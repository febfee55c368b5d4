/**
 * A small checked-in dataset of sums (24 samples, difficulties 0–2) for tests that build every
 * registered family: `dataset` cannot be built without a file.
 */
import { fileURLToPath } from 'node:url';

/** The fixture file's absolute path. */
export const DATASET_FIXTURE = fileURLToPath(new URL('./fixtures/sums.jsonl', import.meta.url));

/** Options that build `dataset` on the fixture, with both splits non-empty. */
export function datasetFixtureOptions(): { file: string; testFraction: number } {
  return { file: DATASET_FIXTURE, testFraction: 0.5 };
}

/** The options a test builds a registered family with when it has nothing to say: none, or the fixture's. */
export function defaultFamilyOptions(name: string): Record<string, unknown> {
  return name === 'dataset' ? datasetFixtureOptions() : {};
}
