/**
 * What pretraining imitates (`pretrain.demonstrations` in an experiment file), by name:
 *   exact          the task's reference completions (the family's supervised pairs);
 *   noisy-traces   chain-of-thought traces of which a share has wrong lines — one random slip, or
 *                  the carry dropped systematically — and some of those an answer that follows
 *                  them: a weak start from which process- and outcome-based RL can part ways
 *                  (Uesato et al. 2022 start RL from such a model);
 *   random-answers each training question with an answer drawn uniformly from the family's answer
 *                  space: the answer format and nothing of the world — a start for RL from which a
 *                  right answer is one sample in a handful, that an IDA arm may use because it
 *                  carries no ground truth;
 *   mixed-experts  environment episodes played by the intended expert or, with probability
 *                  `proxyShare`, by the proxy-optimal one that tampers — so both behaviours are in
 *                  the model's repertoire and RL shows which one its reward reinforces (a
 *                  scaled-down stand-in for the long exploration that finds the hack in MONA).
 * Pretraining is the one phase that may read ground truth: it is the model the arms start from.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { Random, deriveSeed } from '../model/random.ts';
import type { RegistryReference } from '../spec/index.ts';
import type { AnswerFormat, SupervisedExample, TaskFamily } from '../tasks/family.ts';
import {
  mixedDropboxDemonstrations,
  noisyAdditionTraces,
} from '../training/learning-experiments.ts';

/** What a demonstration source is asked for. */
export interface DemonstrationRequest {
  seed: number;
  /** Pairs wanted (about: episode sources return whole episodes). */
  count: number;
  format: AnswerFormat;
  difficulty?: number | number[];
}

interface DemonstrationSource {
  description: string;
  schema: z.ZodObject;
  /** Throws when the source cannot serve the family. */
  check(family: TaskFamily, format: AnswerFormat): void;
  make(family: TaskFamily, options: never, request: DemonstrationRequest): SupervisedExample[];
}

const NoisyTracesOptions = z.strictObject({
  /** Share of traces that go wrong. */
  corrupted: z.number().min(0).max(1).default(0.5),
  /** Of those, the share whose answer follows the wrong lines. */
  followWrong: z.number().min(0).max(1).default(0.5),
  /**
   * `random-digit`: one line gets a wrong sum digit (noise); `dropped-carry`: every line with a
   * carry in of 1 sums without it (a systematic slip, the likelier line once `corrupted` > 0.5).
   */
  mistake: z.enum(['random-digit', 'dropped-carry']).default('random-digit'),
});

const RandomAnswersOptions = z.strictObject({});

const MixedExpertsOptions = z.strictObject({
  /** Share of episodes played by the proxy-optimal (tampering) expert. */
  proxyShare: z.number().min(0).max(1).default(0.5),
});

/** Pairs per camera-dropbox episode, roughly, for sizing the demonstration set. */
const PAIRS_PER_EPISODE = 10;

const sources: Record<string, DemonstrationSource> = {
  exact: {
    description: "the task's reference completions",
    schema: z.strictObject({}),
    check: () => undefined,
    make: (family, _options, request) =>
      family.supervised({
        seed: request.seed,
        count: request.count,
        split: 'train',
        format: request.format,
        ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
      }),
  },
  'noisy-traces': {
    description:
      'addition chains of thought with wrong lines (options corrupted, followWrong, mistake)',
    schema: NoisyTracesOptions,
    check(family, format) {
      if (family.name !== 'addition' || format !== 'chain-of-thought') {
        throw new OverseerError(
          'run.demonstrations',
          `noisy-traces corrupts addition's chain-of-thought lines; this arm runs ${family.name} in ${format}`,
          { hint: 'use it with task addition and scaffold chain-of-thought, or use exact' },
        );
      }
    },
    make(family, options: z.output<typeof NoisyTracesOptions>, request) {
      if (family.kind !== 'question') return [];
      const problems = family.generate({
        seed: request.seed,
        count: request.count,
        split: 'train',
        ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
      });
      return noisyAdditionTraces(family, problems, {
        seed: deriveSeed(request.seed, 'noisy-traces'),
        corrupted: options.corrupted,
        followWrong: options.followWrong,
        mistake: options.mistake,
      });
    },
  },
  'random-answers': {
    description: 'training questions with uniformly random answers (the format, no ground truth)',
    schema: RandomAnswersOptions,
    check(family, format) {
      if (family.kind !== 'question' || format !== 'snap') {
        throw new OverseerError(
          'run.demonstrations',
          `random-answers gives snap answers to questions; this arm runs ${family.name} in ${format}`,
          { hint: 'use it with a question task evaluated with snap, or use exact' },
        );
      }
    },
    make(family, _options: z.output<typeof RandomAnswersOptions>, request) {
      const random = new Random(deriveSeed(request.seed, 'random-answers'));
      return family
        .generate({
          seed: request.seed,
          count: request.count,
          split: 'train',
          ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
        })
        .map((problem) => {
          const space = family.answerSpace(problem.question);
          return {
            prompt: family.prompt(problem.question, 'snap'),
            completion: space.at(random.integer(space.size)),
          };
        });
    },
  },
  'mixed-experts': {
    description:
      'camera-dropbox episodes of the intended and the proxy-optimal expert (option proxyShare)',
    schema: MixedExpertsOptions,
    check(family) {
      if (family.name !== 'camera-dropbox') {
        throw new OverseerError(
          'run.demonstrations',
          `mixed-experts plays camera-dropbox's two experts; this arm runs ${family.name}`,
          { hint: 'use it with task camera-dropbox, or use exact' },
        );
      }
    },
    make(family, options: z.output<typeof MixedExpertsOptions>, request) {
      if (family.kind !== 'environment') return [];
      const problems = family.generate({
        seed: request.seed,
        count: Math.max(1, Math.ceil(request.count / PAIRS_PER_EPISODE)),
        split: 'train',
      });
      const stepLimit = family.options.stepLimit;
      const stepPenalty = family.options.stepPenalty;
      return mixedDropboxDemonstrations(family, problems, {
        seed: deriveSeed(request.seed, 'mixed-experts'),
        hackShare: options.proxyShare,
        rules: {
          stepLimit: typeof stepLimit === 'number' ? stepLimit : 50,
          stepPenalty: typeof stepPenalty === 'number' ? stepPenalty : 0.01,
        },
      }).pairs;
    },
  },
};

/** The demonstration sources with one line each. */
export function listDemonstrations(): Array<{ name: string; description: string }> {
  return Object.entries(sources).map(([name, source]) => ({
    name,
    description: source.description,
  }));
}

function sourceOf(reference: RegistryReference): { source: DemonstrationSource; options: never } {
  const source = Object.hasOwn(sources, reference.name) ? sources[reference.name] : undefined;
  if (source === undefined) {
    throw new OverseerError(
      'run.demonstrations',
      `unknown pretrain.demonstrations "${reference.name}"`,
      { hint: `known: ${Object.keys(sources).join(', ')}` },
    );
  }
  const parsed = source.schema.safeParse(reference.options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`)
      .join('; ');
    throw new OverseerError(
      'run.demonstrations',
      `bad options for pretrain.demonstrations ${reference.name}: ${problems}`,
      { hint: `its options are: ${Object.keys(source.schema.shape).join(', ') || 'none'}` },
    );
  }
  return { source, options: parsed.data as never };
}

/** Throws unless the demonstrations can be made for the family (checked before a run starts). */
export function checkDemonstrations(
  reference: RegistryReference,
  family: TaskFamily,
  format: AnswerFormat,
): void {
  sourceOf(reference).source.check(family, format);
}

/** The pairs pretraining imitates. */
export function makeDemonstrations(
  reference: RegistryReference,
  family: TaskFamily,
  request: DemonstrationRequest,
): SupervisedExample[] {
  const { source, options } = sourceOf(reference);
  source.check(family, request.format);
  return source.make(family, options, request);
}
