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
import { Random, deriveSeed } from '../util/random.ts';
import type { AnswerFormat, RegistryReference } from '../spec/index.ts';
import { Registry } from '../util/registry.ts';
import type { SupervisedExample, TaskFamily } from '../tasks/family.ts';
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

/** What a demonstration source is made against. */
export interface DemonstrationContext {
  family: TaskFamily;
  request: DemonstrationRequest;
}

/** What a source says of itself besides making pairs. */
interface DemonstrationTraits {
  /** Throws when the source cannot serve the family. */
  check(family: TaskFamily, format: AnswerFormat): void;
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

/** The demonstration sources, by the name `pretrain.demonstrations` gives. */
export const demonstrations = new Registry<
  SupervisedExample[],
  DemonstrationContext,
  DemonstrationTraits
>({
  noun: 'demonstration source',
  plural: 'demonstration sources',
  codes: { unknown: 'run.demonstrations', badOptions: 'run.demonstrations' },
  leads: {
    unknown: (name) => `unknown pretrain.demonstrations "${name}"`,
    badOptions: (name) => `bad options for pretrain.demonstrations ${name}`,
  },
})
  .register('exact', {
    describe: "the task's reference completions",
    schema: z.strictObject({}),
    check: () => undefined,
    create: (_options, { family, request }) =>
      family.supervised({
        seed: request.seed,
        count: request.count,
        split: 'train',
        format: request.format,
        ...(request.difficulty === undefined ? {} : { difficulty: request.difficulty }),
      }),
  })
  .register('noisy-traces', {
    describe:
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
    create(options, { family, request }) {
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
  })
  .register('random-answers', {
    describe: 'training questions with uniformly random answers (the format, no ground truth)',
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
    create(_options, { family, request }) {
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
  })
  .register('mixed-experts', {
    describe:
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
    create(options, { family, request }) {
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
  });

/** The demonstration sources with one line each. */
export function listDemonstrations(): Array<{ name: string; description: string }> {
  return demonstrations.list().map(({ name, describe }) => ({ name, description: describe }));
}

/** Throws unless the demonstrations can be made for the family (checked before a run starts). */
export function checkDemonstrations(
  reference: RegistryReference,
  family: TaskFamily,
  format: AnswerFormat,
): void {
  demonstrations.parse(reference);
  demonstrations.entry(reference.name).check(family, format);
}

/** The pairs pretraining imitates. */
export function makeDemonstrations(
  reference: RegistryReference,
  family: TaskFamily,
  request: DemonstrationRequest,
): SupervisedExample[] {
  checkDemonstrations(reference, family, request.format);
  return demonstrations.create(reference, { family, request });
}
