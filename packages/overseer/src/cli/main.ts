import { Command, CommanderError } from 'commander';
import { isOverseerError } from '../errors.ts';
import { verbs } from './verbs.ts';

/** Builds the `overseer` program with every verb registered. */
export function buildProgram(): Command {
  const program = new Command('overseer')
    .description(
      'Process-based supervision of language models: amplify, oversee on paper, distill.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const verb of verbs) verb.register(program);
  return program;
}

/** Whether `argv` asks for the help of `verb` (`overseer VERB --help` or `overseer help VERB`). */
function asksHelpOf(argv: string[], verb: string): boolean {
  if (argv[0] === 'help') return argv[1] === verb;
  return argv[0] === verb && argv.some((argument) => argument === '--help' || argument === '-h');
}

/** Runs the CLI on `argv`; returns the process exit code. Errors are printed, never thrown. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    for (const { help } of verbs) {
      if (help === undefined || !asksHelpOf(argv, help.verb)) continue;
      const command = program.commands.find((candidate) => candidate.name() === help.verb);
      command?.addHelpText('after', `\n${await help.text()}`);
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isOverseerError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      return 1;
    }
    process.stderr.write(
      `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 2;
  }
}
