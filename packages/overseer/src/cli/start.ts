/**
 * `overseer start` (what `npm start` runs): an offline demo of the embedded model. It trains a
 * small GPT on 3-digit addition for a minute or two, evaluates it on held-out problems and writes
 * runs/quickstart/report.md with the configuration, the loss curve, the accuracy and samples.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Gpt } from '../model/gpt.ts';
import type { TaskFamilyBase } from '../tasks/family.ts';
import type { SupervisedResult } from '../training/supervised.ts';
import { addModelOptions, describeTraining, integerArgument, runTraining } from './train.ts';
import type { TrainingRequest } from './train.ts';
import type { Verb } from './verbs.ts';

/** The demo's recipe: a shape and step count that reach high accuracy in about a minute. */
export const quickstartRecipe = {
  task: 'addition',
  steps: 2000,
  seed: 1,
  model: { layers: 2, width: 64, heads: 4, contextLength: 16, initStandardDeviation: 0.02 },
  batchSize: 32,
  learningRate: 3e-3,
  warmupSteps: 100,
};

const SPARKS = '▁▂▃▄▅▆▇█';

/** A one-line text sparkline of `values` (higher values, taller bars). */
export function sparkline(values: number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values
    .map((value) =>
      high === low
        ? SPARKS[0]
        : SPARKS[Math.round(((value - low) / (high - low)) * (SPARKS.length - 1))],
    )
    .join('');
}

/** The loss curve as `rows` buckets of mean loss, by step range. */
export function lossTable(
  losses: number[],
  startStep: number,
  rows = 10,
): Array<{ steps: string; loss: number }> {
  const size = Math.max(1, Math.ceil(losses.length / rows));
  const table: Array<{ steps: string; loss: number }> = [];
  for (let start = 0; start < losses.length; start += size) {
    const bucket = losses.slice(start, start + size);
    table.push({
      steps: `${startStep + start + 1}–${startStep + start + bucket.length}`,
      loss: bucket.reduce((a, b) => a + b, 0) / bucket.length,
    });
  }
  return table;
}

/** The markdown report of a quickstart run. */
export function quickstartReport(options: {
  model: Gpt;
  family: TaskFamilyBase;
  result: SupervisedResult;
  request: TrainingRequest;
  checkpoint: string;
  samples: Array<{
    prompt: string;
    expected: string;
    greedy: string;
    sampled: string;
    logProb: number;
  }>;
}): string {
  const { model, result, request, samples } = options;
  const table = lossTable(result.losses, result.startStep);
  const evaluation = result.evaluation;
  const lines = [
    '# Quickstart: the embedded GPT learns 3-digit addition',
    '',
    `Task family \`${options.family.name}\`: prompts like \`123+456=\`, completions like \`579\`, ` +
      `then an end token. The loss counts only the completion and the end token.`,
    '',
    '## Configuration',
    '',
    '| setting | value |',
    '|---|---|',
    `| model | ${model.config.layers} layers, width ${model.config.width}, ${model.config.heads} heads, context ${model.config.contextLength} |`,
    `| parameters | ${model.parameterCount.toLocaleString('en-US')} |`,
    `| vocabulary | ${model.tokenizer.vocabSize} tokens (\`<pad>\`, \`<end>\`, \`${model.tokenizer.alphabet}\`) |`,
    `| optimizer | AdamW, peak lr ${request.optimizer.learningRate ?? 'default'}, warm-up ${request.optimizer.warmupSteps ?? 'default'} steps, cosine decay to lr/10 |`,
    `| steps × batch | ${result.steps} × ${request.batchSize} |`,
    `| training pairs | ${request.trainCount.toLocaleString('en-US')} (held-out: ${request.testCount}) |`,
    `| seed | ${request.seed} |`,
    `| kernels | ${model.kernels.name} |`,
    `| training time | ${result.trainSeconds.toFixed(1)} s (${Math.round(result.tokensPerSecond).toLocaleString('en-US')} tokens/s) |`,
    '',
    '## Loss',
    '',
    `\`${sparkline(table.map((row) => row.loss))}\` (mean loss per bucket of steps, first to last)`,
    '',
    '| steps | mean loss |',
    '|---|---|',
    ...table.map((row) => `| ${row.steps} | ${row.loss.toFixed(4)} |`),
    '',
    '## Held-out accuracy',
    '',
    evaluation
      ? `Exact match with greedy decoding: **${(100 * evaluation.exactMatch).toFixed(1)}%** ` +
        `(${evaluation.correct} of ${evaluation.count} problems never seen in training).`
      : 'No held-out evaluation was run.',
    ...(evaluation && evaluation.mistakes.length > 0
      ? [
          '',
          'Some mistakes:',
          '',
          '| prompt | expected | model |',
          '|---|---|---|',
          ...evaluation.mistakes
            .slice(0, 5)
            .map((m) => `| \`${m.prompt}\` | ${m.expected} | ${m.got || '(empty)'} |`),
        ]
      : []),
    '',
    '## Samples',
    '',
    'Greedy completions, and one sample at temperature 1 with its log-probability under the model.',
    '',
    '| prompt | expected | greedy | sampled | log p(sampled) |',
    '|---|---|---|---|---|',
    ...samples.map(
      (s) =>
        `| \`${s.prompt}\` | ${s.expected} | ${s.greedy || '(empty)'} | ${s.sampled || '(empty)'} | ${s.logProb.toFixed(3)} |`,
    ),
    '',
    '## Next',
    '',
    `The checkpoint is in \`${options.checkpoint}\`. Try:`,
    '',
    '```',
    `npx overseer sample --checkpoint ${options.checkpoint} --prompt "123+456=" --temperature 0`,
    `npx overseer train --task addition --steps ${result.steps + 1000} --out ${options.checkpoint} --resume`,
    '```',
    '',
  ];
  return lines.join('\n');
}

/** `overseer start`. */
export const startVerb: Verb = {
  register(program) {
    const command = program
      .command('start')
      .description('Offline demo: train the embedded GPT on addition, evaluate it, write a report.')
      .option('--out <dir>', 'folder for the report and checkpoint', join('runs', 'quickstart'))
      .option('--steps <n>', 'training steps', integerArgument(1), quickstartRecipe.steps)
      .option('--seed <n>', 'seed', integerArgument(0), quickstartRecipe.seed);
    addModelOptions(command)
      .option('--no-progress', 'no progress bar, even on a terminal')
      .action(async (options: Record<string, unknown>) => {
        const explicit = (flag: string) => command.getOptionValueSource(flag) === 'cli';
        const pick = <T>(flag: string, recipe: T): T =>
          explicit(flag) ? (options[flag] as T) : recipe;
        const out = options.out as string;
        const checkpoint = join(out, 'checkpoint');
        const learningRate = pick('lr', quickstartRecipe.learningRate);
        const request: TrainingRequest = {
          task: quickstartRecipe.task,
          steps: options.steps as number,
          out: checkpoint,
          seed: options.seed as number,
          model: {
            ...quickstartRecipe.model,
            layers: pick('layers', quickstartRecipe.model.layers),
            width: pick('width', quickstartRecipe.model.width),
            heads: pick('heads', quickstartRecipe.model.heads),
            contextLength: pick('context', quickstartRecipe.model.contextLength),
          },
          batchSize: pick('batch', quickstartRecipe.batchSize),
          optimizer: {
            learningRate,
            minLearningRate: learningRate / 10,
            warmupSteps: pick('warmup', quickstartRecipe.warmupSteps),
          },
          trainCount: 20000,
          testCount: 500,
          resume: false,
          kernels: options.kernels as string,
          checkpointEvery: 0,
          evaluateEvery: 0,
          progress: options.progress === false ? false : 'auto',
        };
        process.stdout.write(
          `Training a ${request.model.layers}-layer GPT on 3-digit addition for ${request.steps} steps (offline, CPU)…\n`,
        );
        const { model, result, family } = await runTraining(request);
        const test = family.supervised({ seed: request.seed, count: 8, split: 'test' });
        const greedy = model.complete(
          test.map((pair) => pair.prompt),
          { maxTokens: 8 },
        );
        const sampled = model.sample(
          test.map((pair) => pair.prompt),
          { seed: request.seed, maxTokens: 8 },
        );
        const samples = test.map((pair, i) => ({
          prompt: pair.prompt,
          expected: pair.completion,
          greedy: greedy[i],
          sampled: sampled[i].text,
          logProb: sampled[i].modelLogProb,
        }));
        await mkdir(out, { recursive: true });
        const reportPath = join(out, 'report.md');
        await writeFile(
          reportPath,
          quickstartReport({
            model,
            family,
            result,
            request,
            checkpoint: relative(process.cwd(), checkpoint) || '.',
            samples,
          }),
        );
        process.stdout.write(describeTraining(model, result));
        process.stdout.write(`report         ${reportPath}\ncheckpoint     ${checkpoint}\n`);
      });
  },
};
