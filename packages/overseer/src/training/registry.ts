/**
 * Trainers by name, so an experiment file or the CLI can name one and a run records the
 * `{ name, options }` it used (the trainer's `reference`, every default filled) and can replay it.
 */
import type { JsonObject } from '../spec/index.ts';
import { Registry } from '../util/registry.ts';
import { ExpertIterationOptions, expertIteration } from './expert-iteration.ts';
import { ImitationOptions, imitation } from './imitation.ts';
import { OnPolicyDistillationOptions, onPolicyDistillation } from './on-policy-distillation.ts';
import { outcomeRl } from './outcome-rl.ts';
import { processRl } from './process-rl.ts';
import { ReinforcementOptions } from './reinforcement.ts';
import type { Trainer } from './trainer.ts';

// λ, credit and normalisation have trainer-specific defaults, which the factories fill.
const PolicyGradientOptions = ReinforcementOptions.partial({
  lambda: true,
  credit: true,
  normalize: true,
});

/** The trainers. */
export const trainers = new Registry<Trainer>({
  noun: 'trainer',
  plural: 'trainers',
  codes: { unknown: 'training.unknown-trainer', badOptions: 'training.bad-options' },
})
  .register('imitation', {
    describe: 'supervised fine-tuning on prompt → completion pairs (e.g. a scaffold’s answers)',
    schema: ImitationOptions,
    create: (options) => imitation(options),
  })
  .register('process-rl', {
    describe: 'policy gradient on the overseer’s step judgments: λ = 0, myopic credit, GRPO',
    schema: PolicyGradientOptions,
    create: (options) => processRl(options),
  })
  .register('outcome-rl', {
    describe: 'policy gradient on the outcome: λ = 1, full-horizon credit, GRPO',
    schema: PolicyGradientOptions,
    create: (options) => outcomeRl(options),
  })
  .register('expert-iteration', {
    describe: 'sample k, keep what the overseer approves (or a λ-mixed score), fine-tune',
    schema: ExpertIterationOptions,
    create: (options) => expertIteration(options),
  })
  .register('on-policy-distillation', {
    describe:
      'the student samples, the expert judges each step on paper and corrects the disapproved (DAgger)',
    schema: OnPolicyDistillationOptions,
    create: (options) => onPolicyDistillation(options),
  });

/** The registered trainers, in a stable order, with one line each. */
export function listTrainers(): Array<{ name: string; description: string }> {
  return trainers.list().map(({ name, describe }) => ({ name, description: describe }));
}

/** Builds a trainer from `{ name, options }`; unknown names and options are errors. */
export function createTrainer(reference: { name: string; options?: JsonObject }): Trainer {
  return trainers.create(reference);
}
