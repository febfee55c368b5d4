/**
 * `overseer serve --checkpoint DIR --port P`: the embedded GPT behind an OpenAI-compatible API
 * (server/openai-compatible.ts), on loopback unless `--host` says otherwise. Point any
 * OpenAI-compatible client, or the `openai:<model>` policy with `baseURL`, at it.
 */
import { basename, resolve } from 'node:path';
import { Option } from 'commander';
import type { RunningServer } from '../server/http.ts';
import { z } from 'zod';
import {
  KernelsName,
  integerArgument,
  kernelsNamed,
  kernelsOption,
  verbOptions,
} from './arguments.ts';
import type { Verb } from './verbs.ts';

/** What `startServe` needs; the flags map onto it one to one. */
export interface ServeRequest {
  checkpoint: string;
  port: number;
  host?: string;
  /** Default: the checkpoint folder's name. */
  modelName?: string;
  unknownCharacters?: 'error' | 'drop';
  truncate?: 'error' | 'left';
  kernels?: string;
  /** Log one line per request to stderr. */
  log?: boolean;
}

/** Loads the checkpoint and starts serving it; resolves once the server listens. */
export async function startServe(
  request: ServeRequest,
): Promise<RunningServer & { modelName: string }> {
  const { loadCheckpoint } = await import('../model/checkpoint.ts');
  const { listen } = await import('../server/http.ts');
  const { openAiCompatibleHandler } = await import('../server/openai-compatible.ts');
  const { model } = await loadCheckpoint(
    request.checkpoint,
    await kernelsNamed(request.kernels ?? 'auto'),
  );
  const modelName = request.modelName ?? basename(resolve(request.checkpoint));
  const handler = openAiCompatibleHandler({
    model,
    modelName,
    unknownCharacters: request.unknownCharacters ?? 'error',
    truncate: request.truncate ?? 'error',
    ...(request.log === true
      ? {
          onRequest: (entry) =>
            process.stderr.write(
              `${entry.method} ${entry.path} ${entry.status} ${entry.ms.toFixed(1)} ms\n`,
            ),
        }
      : {}),
  });
  const running = await listen(handler, request.port, request.host ?? '127.0.0.1');
  return { ...running, modelName };
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
export function untilStopped(): Promise<string> {
  return new Promise((resolveSignal) => {
    const stop = (signal: string) => () => resolveSignal(signal);
    process.once('SIGINT', stop('SIGINT'));
    process.once('SIGTERM', stop('SIGTERM'));
  });
}

/** The flags of `overseer serve`, as commander gives them. */
const ServeFlags = z.object({
  checkpoint: z.string(),
  port: z.number(),
  host: z.string(),
  modelName: z.string().optional(),
  unknownCharacters: z.enum(['error', 'drop']),
  truncate: z.enum(['error', 'left']),
  kernels: KernelsName,
  quiet: z.boolean(),
});

/** `overseer serve`. */
export const serveVerb: Verb = {
  register(program) {
    program
      .command('serve')
      .description(
        'Serve a checkpoint of the embedded GPT over an OpenAI-compatible API (GET /v1/models, POST /v1/chat/completions).',
      )
      .requiredOption('--checkpoint <dir>', 'checkpoint folder written by `overseer train`')
      .option('--port <n>', 'port (0 picks a free one)', integerArgument(0), 8000)
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--model-name <id>', 'model id clients send (default: the checkpoint folder name)')
      .addOption(
        new Option(
          '--unknown-characters <mode>',
          'prompt characters outside the model’s alphabet: error (400) or drop them',
        )
          .choices(['error', 'drop'])
          .default('error'),
      )
      .addOption(
        new Option(
          '--truncate <mode>',
          'a prompt longer than the context: error (400) or cut from the left',
        )
          .choices(['error', 'left'])
          .default('error'),
      )
      .addOption(kernelsOption())
      .option('--quiet', 'do not log requests', false)
      .action(async (given: unknown) => {
        const { quiet, ...request } = verbOptions(ServeFlags, given);
        const running = await startServe({ ...request, log: !quiet });
        process.stdout.write(
          `serving ${running.modelName} at ${running.url}/v1 (policy name: openai:${running.modelName} with baseURL ${running.url}/v1); Ctrl-C stops\n`,
        );
        const signal = await untilStopped();
        await running.close();
        process.stdout.write(`stopped (${signal})\n`);
      });
  },
};
