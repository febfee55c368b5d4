/**
 * Registry entries of the overseers that use models: `model-judge`, `judge-with-justification`,
 * `debate`, `consultancy`, `naive` and `consult`. Their policies are named like any policy — a
 * string (`openai:gpt-4o-mini`) or `{ name, options }` — and built on first use, because the
 * registry builds overseers synchronously while building a policy may load a model or check a key.
 */
import { z } from 'zod';
import type { JsonObject } from '../spec/index.ts';
import { RegistryReference } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { consult } from './consult.ts';
import { consultancy, debate } from './debate.ts';
import { policyFromReference } from './judging.ts';
import type { PolicySource } from './judging.ts';
import { judgeWithJustification } from './justification.ts';
import { modelJudge } from './model-judge.ts';
import type { Overseer } from './overseer.ts';

/** A policy named by a string or a `{ name, options }` reference. */
export const PolicyReference = z.union([
  z
    .string()
    .min(1)
    .transform((name) => ({ name, options: {} })),
  RegistryReference,
]);

const positive = z.number().int().positive();

const ratingShape = {
  /** The judge model, e.g. `openai:gpt-4o-mini` or `{ name: embedded:runs/x, options: {…} }`. */
  judge: PolicyReference,
  rubric: z.string().min(1).optional(),
  logProbs: z.boolean().optional(),
  samples: positive.optional(),
  maxTokens: positive.optional(),
  seed: z.number().int().optional(),
};

type Parsed = Record<string, unknown>;

/** The rating options, with the judge built from its reference. */
function ratingOptions(options: Parsed, family: TaskFamily) {
  const source = (key: string): PolicySource =>
    policyFromReference(options[key] as RegistryReference, family);
  return {
    judge: source('judge'),
    ...(options.rubric === undefined ? {} : { rubric: options.rubric as string }),
    ...(options.logProbs === undefined ? {} : { logProbs: options.logProbs as boolean }),
    ...(options.samples === undefined ? {} : { samples: options.samples as number }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens as number }),
    ...(options.seed === undefined ? {} : { seed: options.seed as number }),
  };
}

function optionalSource(
  options: Parsed,
  key: string,
  family: TaskFamily,
): PolicySource | undefined {
  const value = options[key];
  return value === undefined ? undefined : policyFromReference(value as RegistryReference, family);
}

function optionalNumber(options: Parsed, key: string): number | undefined {
  return options[key] as number | undefined;
}

/** An overseer entry as overseers/registry.ts keeps them. */
interface ModelOverseerEntry {
  description: string;
  schema: z.ZodObject;
  create(options: JsonObject, context: { family: TaskFamily }): Overseer;
}

/** The model overseers, by registry name. */
export const modelOverseers: Record<string, ModelOverseerEntry> = {
  'model-judge': {
    description:
      'a model rates the step 1–5 under a rubric; expected rating from log-probs, else mean of samples (options judge, rubric, logProbs, samples, maxTokens, seed)',
    schema: z.strictObject(ratingShape),
    create: (options, { family }) => modelJudge(ratingOptions(options, family)),
  },
  naive: {
    description: 'the debate baseline: the judge alone, no arguments (options as model-judge)',
    schema: z.strictObject(ratingShape),
    create: (options, { family }) => modelJudge(ratingOptions(options, family), 'naive'),
  },
  'judge-with-justification': {
    description:
      'the policy justifies its step, then the judge rates it (options judge, justifier, justificationMaxTokens, rubric, logProbs, samples, maxTokens, seed)',
    schema: z.strictObject({
      ...ratingShape,
      justifier: PolicyReference.optional(),
      justificationMaxTokens: positive.optional(),
    }),
    create: (options, { family }) => {
      const justifier = optionalSource(options, 'justifier', family);
      const maxTokens = optionalNumber(options, 'justificationMaxTokens');
      return judgeWithJustification({
        ...ratingOptions(options, family),
        ...(justifier === undefined ? {} : { justifier }),
        ...(maxTokens === undefined ? {} : { justificationMaxTokens: maxTokens }),
      });
    },
  },
  debate: {
    description:
      'two debaters argue for and against the step for N rounds, then the judge rates (options judge, debaterFor, debaterAgainst, rounds, turnMaxTokens, rubric, logProbs, samples, maxTokens, seed)',
    schema: z.strictObject({
      ...ratingShape,
      debaterFor: PolicyReference.optional(),
      debaterAgainst: PolicyReference.optional(),
      rounds: positive.optional(),
      turnMaxTokens: positive.optional(),
    }),
    create: (options, { family }) => {
      const debaterFor = optionalSource(options, 'debaterFor', family);
      const debaterAgainst = optionalSource(options, 'debaterAgainst', family);
      const rounds = optionalNumber(options, 'rounds');
      const turnMaxTokens = optionalNumber(options, 'turnMaxTokens');
      return debate({
        ...ratingOptions(options, family),
        ...(debaterFor === undefined ? {} : { debaterFor }),
        ...(debaterAgainst === undefined ? {} : { debaterAgainst }),
        ...(rounds === undefined ? {} : { rounds }),
        ...(turnMaxTokens === undefined ? {} : { turnMaxTokens }),
      });
    },
  },
  consultancy: {
    description:
      'one consultant argues an assigned side, the judge questions it, then rates (options judge, consultant, side, rounds, turnMaxTokens, rubric, logProbs, samples, maxTokens, seed)',
    schema: z.strictObject({
      ...ratingShape,
      consultant: PolicyReference.optional(),
      side: z.enum(['correct', 'incorrect', 'alternate']).optional(),
      rounds: positive.optional(),
      turnMaxTokens: positive.optional(),
    }),
    create: (options, { family }) => {
      const consultant = optionalSource(options, 'consultant', family);
      const rounds = optionalNumber(options, 'rounds');
      const turnMaxTokens = optionalNumber(options, 'turnMaxTokens');
      const side = options.side as 'correct' | 'incorrect' | 'alternate' | undefined;
      return consultancy({
        ...ratingOptions(options, family),
        ...(consultant === undefined ? {} : { consultant }),
        ...(side === undefined ? {} : { side }),
        ...(rounds === undefined ? {} : { rounds }),
        ...(turnMaxTokens === undefined ? {} : { turnMaxTokens }),
      });
    },
  },
  consult: {
    description:
      'the judge puts questions to assistants before rating (options judge, assistants, questions, turnMaxTokens, rubric, logProbs, samples, maxTokens, seed)',
    schema: z.strictObject({
      ...ratingShape,
      assistants: z.array(PolicyReference).min(1).optional(),
      questions: z.number().int().min(0).optional(),
      turnMaxTokens: positive.optional(),
    }),
    create: (options, { family }) => {
      const assistants = options.assistants as RegistryReference[] | undefined;
      const questions = optionalNumber(options, 'questions');
      const turnMaxTokens = optionalNumber(options, 'turnMaxTokens');
      return consult({
        ...ratingOptions(options, family),
        ...(assistants === undefined
          ? {}
          : { assistants: assistants.map((reference) => policyFromReference(reference, family)) }),
        ...(questions === undefined ? {} : { questions }),
        ...(turnMaxTokens === undefined ? {} : { turnMaxTokens }),
      });
    },
  },
};
