/**
 * `overseer tasks`: the task families the registry knows, each with its notation (what `P2c`,
 * `Sadae`, `!` or a gridworld observation mean), its options and their defaults, its difficulties,
 * the prompts of its answer formats and an example question with its answer — all read from the
 * registry and the families themselves, so the listing cannot drift from the code.
 */
import type { Verb } from './verbs.ts';

/** The text of one family's entry (built lazily: it loads the task room). */
export async function describeFamily(name: string): Promise<string> {
  const [{ getFamily, listFamilies }, { AnswerFormat }] = await Promise.all([
    import('../tasks/registry.ts'),
    import('../spec/index.ts'),
  ]);
  const listed = listFamilies().find((family) => family.name === name);
  const { description, notation, kind } = listed ?? { description: '', notation: '', kind: '' };
  if (listed?.requires !== undefined) {
    // A family built from the user's own file has no example until it is given one.
    return [
      `${name}: ${description}`,
      `  notation: ${notation}`,
      `  options: ${listed.requires} (required)`,
      `  example: none until it is given ${listed.requires}`,
    ].join('\n');
  }
  // getFamily throws the registry's error (with the valid names) for an unknown family.
  const family = getFamily(name);
  const [problem] = family.generate({ seed: 0, count: 1, split: 'train' });
  const { min, max } = family.difficulties;
  const formats = AnswerFormat.options.flatMap((format) => {
    try {
      return [`${format} ${JSON.stringify(family.prompt(problem.question, format))}`];
    } catch {
      // A family without this format says so by throwing; it is left out of the list.
      return [];
    }
  });
  const answer = problem.answer ?? family.oracle(problem.question);
  const answerWord = kind === 'environment' ? 'best action' : 'answer';
  return [
    `${name}${kind === 'environment' ? ' [environment]' : ''}: ${description}`,
    `  notation: ${notation}`,
    `  options (defaults): ${Object.entries(family.options)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(' ')}`,
    `  difficulties: ${min === max ? `${min}` : `${min}…${max}`} (default ${family.difficulties.default})`,
    `  formats (prompt of the example): ${formats.join(' · ')}`,
    `  example: ${JSON.stringify(problem.question)} → ${answerWord} ${JSON.stringify(answer)}`,
  ].join('\n');
}

/** Every family's entry, or the one named, separated by blank lines. */
export async function describeFamilies(name?: string): Promise<string> {
  const { listFamilies } = await import('../tasks/registry.ts');
  const names = name === undefined ? listFamilies().map((family) => family.name) : [name];
  const entries = await Promise.all(names.map(describeFamily));
  return `${entries.join('\n\n')}\n`;
}

/** `overseer tasks`. */
export const tasksVerb: Verb = {
  register(program) {
    program
      .command('tasks')
      .argument('[family]', 'one task family (default: all)')
      .description(
        'List the task families: the notation of their questions and answers, their options and defaults, difficulties, answer formats and an example.',
      )
      .action(async (family: string | undefined) => {
        process.stdout.write(await describeFamilies(family));
      });
  },
};
