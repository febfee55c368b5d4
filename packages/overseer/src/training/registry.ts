/**
 * Trainers by name, so an experiment file or the CLI can name one and a run records the
 * `{ name, options }` it used (the trainer's `reference`, every default filled) and can replay it.
 */
import { OverseerError } from '../errors.ts';
import type { JsonObject } from '../spec/index.ts';
import { expertIteration } from './expert-iteration.ts';
import { imitation } from './imitation.ts';
import { onPolicyDistillation } from './on-policy-distillation.ts';
import { outcomeRl } from './outcome-rl.ts';
import { processRl } from './process-rl.ts';
import type { Trainer } from './trainer.ts';

interface TrainerEntry {
  description: string;
  create(options: JsonObject): Trainer;
}

const trainers: Record<string, TrainerEntry> = {
  imitation: {
    description: 'supervised fine-tuning on prompt → completion pairs (e.g. a scaffold’s answers)',
    create: (options) => imitation(options),
  },
  'process-rl': {
    description: 'policy gradient on the overseer’s step judgments: λ = 0, myopic credit, GRPO',
    create: (options) => processRl(options),
  },
  'outcome-rl': {
    description: 'policy gradient on the outcome: λ = 1, full-horizon credit, GRPO',
    create: (options) => outcomeRl(options),
  },
  'expert-iteration': {
    description: 'sample k, keep what the overseer approves (or a λ-mixed score), fine-tune',
    create: (options) => expertIteration(options),
  },
  'on-policy-distillation': {
    description:
      'the student samples, the expert judges each step on paper and corrects the disapproved (DAgger)',
    create: (options) => onPolicyDistillation(options),
  },
};

/** The registered trainers, in a stable order, with one line each. */
export function listTrainers(): Array<{ name: string; description: string }> {
  return Object.entries(trainers).map(([name, entry]) => ({
    name,
    description: entry.description,
  }));
}

/** Builds a trainer from `{ name, options }`; unknown names and options are errors. */
export function createTrainer(reference: { name: string; options?: JsonObject }): Trainer {
  const entry = Object.hasOwn(trainers, reference.name) ? trainers[reference.name] : undefined;
  if (entry === undefined) {
    throw new OverseerError('training.unknown-trainer', `Unknown trainer "${reference.name}".`, {
      hint: `Known trainers: ${Object.keys(trainers).join(', ')}.`,
    });
  }
  return entry.create(reference.options ?? {});
}
