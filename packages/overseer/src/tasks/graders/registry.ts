/**
 * Graders by name, so a dataset file's options, an experiment and `overseer eval --grader` can
 * name one, and a run records the `{ name, options }` it graded with.
 */
import { Registry } from '../../util/registry.ts';
import { ChoiceOptions, choice } from './choice.ts';
import { ExactOptions, exact } from './exact.ts';
import type { Grader } from './grader.ts';
import { IncludesOptions, includes } from './includes.ts';
import { MatchOptions, match } from './match.ts';
import type { GraderContext } from './model-graded.ts';
import { ModelGradedOptions, modelGraded } from './model-graded.ts';
import { RegexOptions, regex } from './regex.ts';

/** The graders of dataset answers. */
export const graders = new Registry<Grader, GraderContext>({
  noun: 'grader',
  plural: 'graders',
  codes: { unknown: 'grader.unknown', badOptions: 'grader.bad-options' },
})
  .register('exact', {
    describe: 'the whole answer equals a target (whitespace and case aside)',
    schema: ExactOptions,
    create: (options) => exact(options),
  })
  .register('includes', {
    describe: 'a target appears in the answer',
    schema: IncludesOptions,
    create: (options) => includes(options),
  })
  .register('match', {
    describe: 'the first or last number (within a tolerance) or line equals a target',
    schema: MatchOptions,
    create: (options) => match(options),
  })
  .register('choice', {
    describe: 'the letter of a multiple-choice answer (ANSWER: B) is the target',
    schema: ChoiceOptions,
    create: (options) => choice(options),
  })
  .register('regex', {
    describe: 'a capture group of a pattern equals a target',
    schema: RegexOptions,
    create: (options) => regex(options),
  })
  .register('model-graded', {
    describe: 'another policy grades the answer against the target (GRADE: C or I)',
    schema: ModelGradedOptions,
    create: (options, context) => modelGraded(options, context),
  });

/** Builds a grader by reference; a model grader needs its policy in `context`. */
export function createGrader(
  reference: { name: string; options?: Record<string, unknown> },
  context: GraderContext = {},
): Grader {
  return graders.create(reference, context);
}
