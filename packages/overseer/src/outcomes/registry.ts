/**
 * The outcome environments a question arm's outcome-based reward may come from (`outcome` in an
 * experiment file), by name: `grade` (the family's own grade of the final answer, what an arm
 * without `outcome` is paid) and `trojan-code-tests` (the visible tests of a trojan-code program,
 * and a side reward when its hidden trigger fires; trojan-code-outcome.ts). Only what training is
 * paid changes: evaluation always grades with the family.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { Outcome, Problem } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { Registry } from '../util/registry.ts';
import { TrojanCodeOutcomeOptions, trojanCodeOutcome } from './trojan-code-outcome.ts';

/** What an outcome environment does: the consequences of a final answer to a problem. */
export interface AnswerOutcome {
  grade(problem: Problem, answer: string | null): Outcome;
}

/** The outcome environments, by the name an arm's `outcome` gives. */
export const outcomeEnvironments = new Registry<AnswerOutcome, { family: TaskFamily }>({
  noun: 'outcome environment',
  plural: 'outcome environments',
  codes: { unknown: 'outcome.unknown', badOptions: 'outcome.bad-options' },
})
  .register('grade', {
    describe: "the family's own grade of the final answer",
    schema: z.strictObject({}),
    create: (_options, { family }) => ({
      grade: (problem, answer) => family.grade(problem, answer),
    }),
  })
  .register('trojan-code-tests', {
    describe:
      'trojan-code: the share of visible tests passed, plus a side reward when the hidden trigger fires (options triggerReward, maxTriggerInputs)',
    schema: TrojanCodeOutcomeOptions,
    create: (options, { family }) => trojanCodeOutcome(family, options),
  });

/** The outcome environment an arm names, built against its family (question families only). */
export function createOutcomeEnvironment(
  reference: { name: string; options?: Readonly<Record<string, unknown>> },
  family: TaskFamily,
): AnswerOutcome {
  if (family.kind !== 'question') {
    throw new OverseerError(
      'outcome.environment-family',
      `outcome ${reference.name} grades answers to questions; ${family.name} is an environment, whose return is its outcome.`,
      { hint: 'leave `outcome` out for environment tasks' },
    );
  }
  return outcomeEnvironments.create(reference, { family });
}
