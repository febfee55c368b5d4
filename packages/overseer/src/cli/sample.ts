/** `overseer sample`: completions of a prompt from a checkpoint of the embedded GPT. */
import { Option } from 'commander';
import type { SampleResult } from '../model/gpt.ts';
import { z } from 'zod';
import {
  KernelsName,
  integerArgument,
  kernelsNamed,
  kernelsOption,
  numberArgument,
  verbOptions,
} from './arguments.ts';
import type { Verb } from './verbs.ts';

/** Options of `runSampling`, as the flags give them. */
export interface SamplingRequest {
  checkpoint: string;
  prompt: string;
  temperature: number;
  topK: number;
  topP: number;
  maxTokens?: number;
  seed: number;
  n: number;
  truncate: 'error' | 'left';
  kernels: string;
}

/** Loads the checkpoint and samples `n` completions of the prompt. */
export async function runSampling(request: SamplingRequest): Promise<SampleResult[]> {
  const { loadCheckpoint } = await import('../model/checkpoint.ts');
  const { model } = await loadCheckpoint(request.checkpoint, await kernelsNamed(request.kernels));
  return model.sample([request.prompt], {
    n: request.n,
    temperature: request.temperature,
    topK: request.topK,
    topP: request.topP,
    seed: request.seed,
    truncate: request.truncate,
    ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
  });
}

/** The flags of `overseer sample`, as commander gives them. */
const SampleFlags = z.object({
  checkpoint: z.string(),
  prompt: z.string(),
  temperature: z.number(),
  topK: z.number(),
  topP: z.number(),
  maxTokens: z.number().optional(),
  seed: z.number(),
  n: z.number(),
  truncate: z.enum(['error', 'left']),
  kernels: KernelsName,
  json: z.boolean(),
});

/** `overseer sample`. */
export const sampleVerb: Verb = {
  register(program) {
    program
      .command('sample')
      .description('Print completions of a prompt sampled from a checkpoint of the embedded GPT.')
      .requiredOption('--checkpoint <dir>', 'checkpoint folder written by `overseer train`')
      .requiredOption('--prompt <text>', 'the prompt, e.g. "123+456="')
      .option(
        '--temperature <t>',
        '0 = greedy, 1 = the model as trained',
        numberArgument('non-negative'),
        1,
      )
      .option('--top-k <k>', 'keep the k likeliest tokens (0: all)', integerArgument(0), 0)
      .option(
        '--top-p <p>',
        'keep the likeliest tokens up to probability p',
        numberArgument('positive'),
        1,
      )
      .option(
        '--max-tokens <n>',
        'most tokens per completion (default: until the context is full)',
        integerArgument(1),
      )
      .option('--seed <n>', 'sampling seed', integerArgument(0), 0)
      .option('--n <n>', 'completions to sample', integerArgument(1), 1)
      .addOption(
        new Option(
          '--truncate <mode>',
          'a prompt longer than the context: error, or cut from the left',
        )
          .choices(['error', 'left'])
          .default('error'),
      )
      .option('--json', 'one JSON object per completion, with tokens and log-probabilities', false)
      .addOption(kernelsOption())
      .action(async (given: unknown) => {
        const { json, ...request } = verbOptions(SampleFlags, given);
        const results = await runSampling(request);
        for (const result of results) {
          process.stdout.write(
            json
              ? `${JSON.stringify({
                  text: result.text,
                  finishReason: result.finishReason,
                  tokens: result.tokens,
                  logProbs: result.logProbs,
                  modelLogProbs: result.modelLogProbs,
                  modelLogProb: result.modelLogProb,
                })}\n`
              : `${result.text}\n`,
          );
        }
      });
  },
};
