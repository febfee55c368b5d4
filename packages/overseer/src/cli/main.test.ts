import { describe, expect, it } from 'vitest';
import { buildProgram, main } from './main.ts';

describe('overseer CLI', () => {
  it('lists every verb in --help and each verb has --help', () => {
    const program = buildProgram();
    const help = program.helpInformation();
    expect(help).toContain('Usage: overseer');
    for (const command of program.commands) {
      expect(help).toContain(command.name());
      expect(command.helpInformation()).toContain(`overseer ${command.name()}`);
    }
  });

  it('returns a non-zero exit code for an unknown verb', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(['no-such-verb'])).not.toBe(0);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toMatch(/unknown command|too many arguments/);
  });
});
