/**
 * `model-graded`: another policy grades the answer against the target (Inspect's
 * `model_graded_qa`): it is shown the question, the answer and the reference, and ends its reply
 * with `GRADE: C` (correct) or `GRADE: I` (incorrect). Its prompt and reply are kept as the
 * grading's transcript. Any policy can grade; the caller builds it from `policy` by the policies
 * registry, since tasks/ never builds a policy itself.
 */
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import { JsonObject } from '../../spec/index.ts';
import type { Policy } from '../../spec/index.ts';
import type { GradedSample, Grader, Grading } from './grader.ts';

/** Options of `model-graded`. */
export const ModelGradedOptions = z.strictObject({
  /** The grading policy by name, e.g. `openai:gpt-4o-mini` (any `provider:model`). */
  policy: z.string().min(1),
  /** The grading policy's options, e.g. `{ "temperature": 0 }`. */
  policyOptions: JsonObject.default({}),
  /** What the grader is told to check, in place of the default criterion. */
  instructions: z
    .string()
    .default(
      'Does the submission give the same final answer as the reference? Ignore working and wording.',
    ),
});
/** Options of `model-graded`. */
export type ModelGradedOptions = z.infer<typeof ModelGradedOptions>;

/** What building a grader may need beyond its options: the model grader's policy. */
export interface GraderContext {
  /** The policy `model-graded` asks, built from its `policy` option. */
  policy?: Policy;
  /**
   * Builds the policy from its name and options when none is given, at the first grading (an
   * experiment sets its arms up synchronously, and a policy is built asynchronously).
   */
  createPolicy?: (name: string, options: JsonObject) => Promise<Policy>;
}

const GRADE = /GRADE\s*:\s*([CI])\b/gi;

/** The prompt the grading policy completes. */
export function gradingPrompt(sample: GradedSample, message: string, instructions: string): string {
  return [
    'You are assessing a submitted answer to a question against a reference answer.',
    `[Question]\n${sample.input}`,
    `[Submission]\n${message}`,
    `[Reference]\n${sample.targets.join('\n')}`,
    `[Criterion]\n${instructions}`,
    'Reason briefly, then end with exactly one line: GRADE: C if the submission is correct, GRADE: I if it is not.',
  ].join('\n\n');
}

/** The model grader, asking `context.policy`. */
export function modelGraded(options: ModelGradedOptions, context: GraderContext): Grader {
  const { policy, createPolicy } = context;
  if (policy === undefined && createPolicy === undefined) {
    throw new OverseerError(
      'grader.no-policy',
      `The model-graded grader needs its policy ("${options.policy}") built before it grades.`,
      {
        hint: 'Build it with createGrader from the experiments or the CLI, which build the policy.',
      },
    );
  }
  let built: Promise<Policy> | undefined;
  const grading = (): Promise<Policy> =>
    policy === undefined
      ? (built ??= createPolicy!(options.policy, options.policyOptions))
      : Promise.resolve(policy);
  // A policy built here records only what the options name, without `policyOptions`: those may
  // hold secrets such as an apiKey, which a built policy's own reference leaves out.
  const { policyOptions: _given, ...named } = options;
  return {
    reference: {
      name: 'model-graded',
      options:
        policy === undefined ? named : { ...options, policyOptions: policy.reference.options },
    },
    usesModel: true,
    grade: async (sample, message): Promise<Grading> => {
      const prompt = gradingPrompt(sample, message, options.instructions);
      const [generation] = await (await grading()).generate([{ prompt }]);
      const grades = [...generation.text.matchAll(GRADE)];
      const grade = grades[grades.length - 1]?.[1]?.toUpperCase();
      return {
        // What the grader read is the whole submission: the model does the extracting.
        extracted: message.trim(),
        correct: grade === 'C',
        explanation:
          grade === undefined ? 'the grading policy gave no GRADE line' : `GRADE: ${grade}`,
        call: {
          policy: options.policy,
          prompt,
          completion: generation.text,
          cost: generation.cost,
        },
      };
    },
  };
}
