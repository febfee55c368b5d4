/** `overseer sandbox run`: runs a JavaScript, Python or straight-line program in its sandbox. */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { OverseerError } from '../errors.ts';
import { integerArgument } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** What `overseer sandbox run` was asked for; the flags map onto it one to one. */
interface SandboxRunFlags {
  language: 'js' | 'python' | 'dsl';
  timeoutMs?: number;
  memoryMb?: number;
  input?: string;
  json: boolean;
}

/** Runs `file` as asked and prints its result; a status other than `ok` fails the command unless --json. */
async function runSandbox(file: string, flags: SandboxRunFlags): Promise<void> {
  const { createSandbox } = await import('../outcomes/sandbox/index.ts');
  let input: unknown;
  if (flags.input !== undefined) {
    try {
      input = JSON.parse(flags.input);
    } catch (error) {
      throw new OverseerError('cli.bad-json', `--input: ${(error as Error).message}`, {
        hint: `--input takes JSON, e.g. --input '{"x": 3}'.`,
      });
    }
  }
  const sandbox = createSandbox(flags.language, {
    ...(flags.timeoutMs === undefined ? {} : { timeoutMs: flags.timeoutMs }),
    ...(flags.memoryMb === undefined ? {} : { memoryMb: flags.memoryMb }),
  });
  try {
    const result = await sandbox.exec({ code: readFileSync(file, 'utf8'), input });
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.status !== 'ok') {
      throw new OverseerError('sandbox.status', `${file} ended with status ${result.status}.`, {
        hint: 'Add --json for the whole result.',
      });
    }
  } finally {
    await sandbox.close();
  }
}

/** `overseer sandbox`. */
export const sandboxVerb: Verb = {
  register(program) {
    const sandbox = program
      .command('sandbox')
      .description(
        'Run untrusted programs in a sandbox (JavaScript, Python, the straight-line language).',
      );
    sandbox
      .command('run')
      .description("Run one program file in its language's sandbox and print the result.")
      .argument('<file>', 'the program')
      .addOption(
        new Option('--language <name>', "the program's language")
          .choices(['js', 'python', 'dsl'])
          .makeOptionMandatory(),
      )
      .option(
        '--timeout-ms <n>',
        'wall-clock deadline in milliseconds (default 5000)',
        integerArgument(1),
      )
      .option('--memory-mb <n>', 'memory limit in MiB (default 256)', integerArgument(16))
      .option('--input <json>', "JSON input: JS `input`, Python standard input, the DSL's inputs")
      .option('--json', 'print {status, stdout, stderr, durationMs, value} as JSON', false)
      .action(async (file: string, flags: SandboxRunFlags) => runSandbox(file, flags));
  },
};
