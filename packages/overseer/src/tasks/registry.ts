/**
 * Task families by name, so an experiment file or the CLI can name one and a run can record the
 * `{ name, options }` it used and be replayed.
 */
import { Registry } from '../util/registry.ts';
import { AdditionOptions, addition } from './addition.ts';
import { CameraDropboxOptions, cameraDropbox } from './camera-dropbox.ts';
import { ConveyorDropboxOptions, conveyorDropbox } from './conveyor-dropbox.ts';
import { DatasetOptions, dataset } from './dataset.ts';
import type { TaskFamily } from './family.ts';
import type { GraderContext } from './graders/model-graded.ts';
import { FAMILY_NOTATION } from './notation.ts';
import { PairSumOptions, pairSum } from './pair-sum.ts';
import { PermutationPoweringOptions, permutationPowering } from './permutation-powering.ts';
import { SequentialAssignmentsOptions, sequentialAssignments } from './sequential-assignments.ts';
import { ShortestPathOptions, shortestPath } from './shortest-path.ts';
import { TrojanCodeOptions, trojanCode } from './trojan-code.ts';
import { TrojanFunctionsOptions, trojanFunctions } from './trojan-functions.ts';
import { UnionFindOptions, unionFind } from './union-find.ts';
import { WildcardSearchOptions, wildcardSearch } from './wildcard-search.ts';
import { WordArithmeticOptions, wordArithmetic } from './word-arithmetic.ts';

/** What building a family may need beyond its options: what a dataset's grader needs. */
export interface FamilyContext {
  grader?: GraderContext;
}

/** What a family says of itself before it is built. */
export interface FamilyTraits {
  kind: TaskFamily['kind'];
  /**
   * The legend of the family's questions and answers (`P13c`, `Sadae`, `!`, the grid), for
   * `overseer tasks` and the report: what a reader needs to read a transcript.
   */
  notation: string;
  /**
   * The options a family cannot be built without (a dataset's `file`), said as the user gives
   * them; absent for a family whose options all have defaults.
   */
  requires?: string;
  /**
   * `sandbox`: answers are code graded only by running tests in the sandbox (outcomes/), so the
   * family's own \`grade\` refuses and episodes are graded by \`gradeEpisodeAsync\`.
   */
  grading?: 'sandbox';
}

/** The task families; a family's factory parses its options again, so either entry point is strict. */
export const families = new Registry<TaskFamily, FamilyContext, FamilyTraits>({
  noun: 'task family',
  plural: 'task families',
  codes: { unknown: 'task.unknown-family', badOptions: 'task.bad-options' },
})
  .register('permutation-powering', {
    kind: 'question',
    describe: 'σ^k(x) for a random permutation σ (IDA, 2018)',
    notation: FAMILY_NOTATION['permutation-powering'],
    schema: PermutationPoweringOptions,
    create: (options) => permutationPowering(options),
  })
  .register('sequential-assignments', {
    kind: 'question',
    describe: 'the value of a variable in a random straight-line program (IDA, 2018)',
    notation: FAMILY_NOTATION['sequential-assignments'],
    schema: SequentialAssignmentsOptions,
    create: (options) => sequentialAssignments(options),
  })
  .register('wildcard-search', {
    kind: 'question',
    describe: 'sums of ±1 values over bit strings matching a wildcard pattern (IDA, 2018)',
    notation: FAMILY_NOTATION['wildcard-search'],
    schema: WildcardSearchOptions,
    create: (options) => wildcardSearch(options),
  })
  .register('shortest-path', {
    kind: 'question',
    describe: 'distances and next steps in a random directed graph (IDA, 2018)',
    notation: FAMILY_NOTATION['shortest-path'],
    schema: ShortestPathOptions,
    create: (options) => shortestPath(options),
  })
  .register('union-find', {
    kind: 'question',
    describe: 'the value of an item through trees of equalities (IDA, 2018)',
    notation: FAMILY_NOTATION['union-find'],
    schema: UnionFindOptions,
    create: (options) => unionFind(options),
  })
  .register('addition', {
    kind: 'question',
    describe: 'addition of d-digit numbers, with a line-checkable chain of thought',
    notation: FAMILY_NOTATION['addition'],
    schema: AdditionOptions,
    create: (options) => addition(options),
  })
  .register('word-arithmetic', {
    kind: 'question',
    describe: 'arithmetic word problems by number of operations, with a scratchpad',
    notation: FAMILY_NOTATION['word-arithmetic'],
    schema: WordArithmeticOptions,
    create: (options) => wordArithmetic(options),
  })
  .register('pair-sum', {
    kind: 'question',
    describe: 'any two items whose values sum to a target: many right answers per question',
    notation: FAMILY_NOTATION['pair-sum'],
    schema: PairSumOptions,
    create: (options) => pairSum(options),
  })
  .register('trojan-code', {
    kind: 'question',
    describe: 'a straight-line program for an arithmetic spec, honest or with a hidden trigger',
    notation: FAMILY_NOTATION['trojan-code'],
    schema: TrojanCodeOptions,
    create: (options) => trojanCode(options),
  })
  .register('trojan-js', {
    kind: 'question',
    describe:
      'a JavaScript function for a spec, honest or backdoored, graded by tests in the sandbox',
    notation: FAMILY_NOTATION['trojan-js'],
    grading: 'sandbox',
    schema: TrojanFunctionsOptions,
    create: (options) => trojanFunctions('js', options),
  })
  .register('trojan-py', {
    kind: 'question',
    describe: 'a Python function for a spec, honest or backdoored, graded by tests in the sandbox',
    notation: FAMILY_NOTATION['trojan-py'],
    grading: 'sandbox',
    schema: TrojanFunctionsOptions,
    create: (options) => trojanFunctions('python', options),
  })
  .register('camera-dropbox', {
    kind: 'environment',
    describe: 'MONA’s Camera Dropbox gridworld (reward hacking by blocking a camera)',
    notation: FAMILY_NOTATION['camera-dropbox'],
    schema: CameraDropboxOptions,
    create: (options) => cameraDropbox(options),
  })
  .register('conveyor-dropbox', {
    kind: 'environment',
    describe:
      'Camera Dropbox plus a conveyor the overseer does not model (capability vs tampering)',
    notation: FAMILY_NOTATION['conveyor-dropbox'],
    schema: ConveyorDropboxOptions,
    create: (options) => conveyorDropbox(options),
  })
  .register('dataset', {
    kind: 'question',
    describe:
      'the samples of a dataset file (JSONL, JSON or CSV with Inspect fields), graded by a grader',
    notation:
      "a sample's `input` as written (with lettered choices when it has `choices`); the answer is what the grader (exact, includes, match, choice, regex, model-graded) reads out of the reply and compares with `target`.",
    requires: 'options.file: a .jsonl, .json or .csv dataset file',
    schema: DatasetOptions,
    create: (options, context) => dataset(options, context.grader),
  });

/** The registered families, in a stable order, with one line each. */
export function listFamilies(): Array<{
  name: string;
  kind: TaskFamily['kind'];
  description: string;
  notation: string;
  requires?: string;
  grading?: 'sandbox';
}> {
  return families.list().map(({ name, kind, describe, notation, requires, grading }) => ({
    name,
    kind,
    description: describe,
    notation,
    ...(requires === undefined ? {} : { requires }),
    ...(grading === undefined ? {} : { grading }),
  }));
}

/** Builds a family by name; an unknown name or option is an OverseerError that says what is valid. */
export function getFamily(
  name: string,
  options: Record<string, unknown> = {},
  context: FamilyContext = {},
): TaskFamily {
  return families.create({ name, options }, context);
}
