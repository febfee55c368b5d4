/**
 * `overseer train`: supervised training of the embedded GPT on a task family's pairs, writing a
 * resumable checkpoint and printing the final loss and held-out exact match.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { Gpt } from '../model/gpt.ts';
import { defaultGptConfig } from '../model/gpt-config.ts';
import type { GptConfig } from '../model/gpt-config.ts';
import type { AdamW } from '../model/optimizer.ts';
import { defaultOptimizerConfig } from '../model/optimizer-config.ts';
import type { OptimizerConfig } from '../model/optimizer-config.ts';
import type { TaskFamilyBase } from '../tasks/family.ts';
import type { SupervisedResult } from '../training/supervised.ts';
import {
  KernelsName,
  integerArgument,
  kernelsNamed,
  kernelsOption,
  numberArgument,
  verbOptions,
} from './arguments.ts';
import type { Verb } from './verbs.ts';

/** Finds a task family by registry name (default options: addition is 3-digit by default). */
export async function taskFamilyNamed(name: string): Promise<TaskFamilyBase> {
  const { getFamily } = await import('../tasks/registry.ts');
  return getFamily(name);
}

/** Everything `runTraining` needs; the CLI flags map onto it one to one. */
export interface TrainingRequest {
  task: string;
  steps: number;
  out: string;
  seed: number;
  model: GptConfig;
  batchSize: number;
  optimizer: Partial<OptimizerConfig>;
  trainCount: number;
  testCount: number;
  resume: boolean;
  kernels: string;
  checkpointEvery: number;
  evaluateEvery: number;
  progress: boolean | 'auto';
  /** Model flags the user gave explicitly (a resumed run checks them against the checkpoint). */
  explicitModelKeys?: Array<keyof GptConfig>;
}

/** Trains (or resumes) a model as requested and writes the checkpoint. */
export async function runTraining(
  request: TrainingRequest,
): Promise<{ model: Gpt; result: SupervisedResult; family: TaskFamilyBase }> {
  // The model and the trainer load here, not when the verb is registered (`--help` stays fast).
  const { loadCheckpoint, loadOptimizerState, readCheckpointConfig } =
    await import('../model/checkpoint.ts');
  const { Gpt } = await import('../model/gpt.ts');
  const { AdamW } = await import('../model/optimizer.ts');
  const { Tokenizer } = await import('../model/tokenizer.ts');
  const { trainSupervised } = await import('../training/supervised.ts');
  const family = await taskFamilyNamed(request.task);
  const kernels = await kernelsNamed(request.kernels);
  const optimizerConfig: Partial<OptimizerConfig> = {
    totalSteps: request.steps,
    ...request.optimizer,
  };
  let model: Gpt;
  let optimizer: AdamW;
  if (request.resume) {
    const saved = await readCheckpointConfig(request.out);
    if (saved.training.task !== family.name) {
      throw new OverseerError(
        'cli.resume-task',
        `${request.out} was trained on task "${saved.training.task}", not "${family.name}"`,
        { hint: `resume with --task ${saved.training.task}, or write to a new --out folder` },
      );
    }
    if (saved.training.seed !== request.seed) {
      throw new OverseerError(
        'cli.resume-seed',
        `${request.out} was trained with seed ${saved.training.seed}, not ${request.seed}`,
        { hint: `resume with --seed ${saved.training.seed} so the batch order continues` },
      );
    }
    for (const key of request.explicitModelKeys ?? []) {
      if (saved.model[key] !== request.model[key]) {
        throw new OverseerError(
          'cli.resume-shape',
          `${request.out} has model ${key} = ${saved.model[key]}, but ${request.model[key]} was given`,
          { hint: 'drop the model flags when resuming: the checkpoint fixes the shape' },
        );
      }
    }
    ({ model } = await loadCheckpoint(request.out, kernels));
    optimizer = new AdamW(kernels, model.shape, {
      ...(saved.training.optimizer ?? {}),
      ...optimizerConfig,
    });
    await loadOptimizerState(request.out, optimizer);
  } else {
    model = Gpt.create({
      tokenizer: new Tokenizer(family.alphabet),
      kernels,
      seed: request.seed,
      config: request.model,
    });
    optimizer = new AdamW(kernels, model.shape, optimizerConfig);
  }
  const result = await trainSupervised({
    model,
    optimizer,
    train: family.supervised({ seed: request.seed, count: request.trainCount, split: 'train' }),
    test: family.supervised({ seed: request.seed, count: request.testCount, split: 'test' }),
    steps: request.steps,
    batchSize: request.batchSize,
    seed: request.seed,
    evaluateEvery: request.evaluateEvery,
    checkpoint: { directory: request.out, every: request.checkpointEvery, task: family.name },
    progress: request.progress,
  });
  return { model, result, family };
}

/** One line per fact, for the terminal. */
export function describeTraining(model: Gpt, result: SupervisedResult): string {
  const lines = [
    `steps          ${result.startStep} → ${result.steps}`,
    `parameters     ${model.parameterCount.toLocaleString('en-US')} (${model.config.layers} layers, width ${model.config.width}, ${model.config.heads} heads, context ${model.config.contextLength}; kernels ${model.kernels.name})`,
    `final loss     ${Number.isNaN(result.finalLoss) ? 'n/a' : result.finalLoss.toFixed(4)} (mean of the last ${Math.min(20, result.losses.length)} steps)`,
    `throughput     ${Math.round(result.tokensPerSecond).toLocaleString('en-US')} tokens/s over ${result.trainSeconds.toFixed(1)} s`,
  ];
  if (result.evaluation) {
    const { exactMatch, correct, count } = result.evaluation;
    lines.push(
      `held-out exact match  ${(100 * exactMatch).toFixed(1)}% (${correct}/${count}, greedy decoding)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Adds the model-shape and optimiser flags shared by `train` and `start`. */
export function addModelOptions(command: Command): Command {
  return command
    .option('--layers <n>', 'transformer blocks', integerArgument(1), defaultGptConfig.layers)
    .option('--width <n>', 'embedding width', integerArgument(1), defaultGptConfig.width)
    .option(
      '--heads <n>',
      'attention heads (must divide the width)',
      integerArgument(1),
      defaultGptConfig.heads,
    )
    .option(
      '--context <n>',
      'context length in tokens',
      integerArgument(2),
      defaultGptConfig.contextLength,
    )
    .option('--batch <n>', 'rows per training batch', integerArgument(1), 64)
    .option(
      '--lr <rate>',
      'peak learning rate',
      numberArgument('positive'),
      defaultOptimizerConfig.learningRate,
    )
    .option(
      '--warmup <steps>',
      'learning-rate warm-up steps',
      integerArgument(0),
      defaultOptimizerConfig.warmupSteps,
    )
    .addOption(kernelsOption());
}

/** The flags of `overseer train`, as commander gives them. */
const TrainFlags = z.object({
  task: z.string(),
  steps: z.number(),
  out: z.string(),
  seed: z.number(),
  layers: z.number(),
  width: z.number(),
  heads: z.number(),
  context: z.number(),
  batch: z.number(),
  lr: z.number(),
  warmup: z.number(),
  kernels: KernelsName,
  trainCount: z.number(),
  testCount: z.number(),
  checkpointEvery: z.number(),
  evaluateEvery: z.number(),
  resume: z.boolean(),
  progress: z.boolean(),
});

/** `overseer train`. */
export const trainVerb: Verb = {
  register(program) {
    const command = program
      .command('train')
      .description(
        "Train the embedded GPT on a task family's supervised pairs; write a checkpoint.",
      )
      .requiredOption('--task <family>', 'task family, e.g. addition')
      .requiredOption(
        '--steps <n>',
        'optimizer steps in total (a resumed run continues to this)',
        integerArgument(1),
      )
      .requiredOption('--out <dir>', 'checkpoint folder to write')
      .option('--seed <n>', 'seed of initialisation, data and batch order', integerArgument(0), 1);
    addModelOptions(command)
      .option('--train-count <n>', 'training pairs to generate', integerArgument(1), 100_000)
      .option('--test-count <n>', 'held-out pairs for exact match', integerArgument(1), 500)
      .option(
        '--checkpoint-every <n>',
        'also save every n steps (0: only at the end)',
        integerArgument(0),
        500,
      )
      .option(
        '--evaluate-every <n>',
        'held-out exact match every n steps (0: only at the end)',
        integerArgument(0),
        0,
      )
      .option('--resume', 'continue training the checkpoint in --out', false)
      .option('--no-progress', 'no progress bar, even on a terminal')
      .action(async (given: unknown) => {
        const options = verbOptions(TrainFlags, given);
        const explicitModelKeys = (
          [
            ['layers', 'layers'],
            ['width', 'width'],
            ['heads', 'heads'],
            ['context', 'contextLength'],
          ] as const
        )
          .filter(([flag]) => command.getOptionValueSource(flag) === 'cli')
          .map(([, key]) => key);
        const { model, result } = await runTraining({
          task: options.task,
          steps: options.steps,
          out: options.out,
          seed: options.seed,
          model: {
            ...defaultGptConfig,
            layers: options.layers,
            width: options.width,
            heads: options.heads,
            contextLength: options.context,
          },
          batchSize: options.batch,
          // Only flags given on the command line, so a resumed run keeps its saved schedule.
          optimizer: {
            ...(command.getOptionValueSource('lr') === 'cli'
              ? { learningRate: options.lr, minLearningRate: options.lr / 10 }
              : {}),
            ...(command.getOptionValueSource('warmup') === 'cli'
              ? { warmupSteps: options.warmup }
              : {}),
          },
          trainCount: options.trainCount,
          testCount: options.testCount,
          resume: options.resume,
          kernels: options.kernels,
          checkpointEvery: options.checkpointEvery,
          evaluateEvery: options.evaluateEvery,
          progress: options.progress ? 'auto' : false,
          explicitModelKeys,
        });
        process.stdout.write(describeTraining(model, result));
        process.stdout.write(`checkpoint     ${options.out}\n`);
      });
  },
};
