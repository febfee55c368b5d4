/**
 * The names a verb's flags accept, listed from the registries themselves (task families,
 * scaffolds, overseers, policy providers), so `--help` cannot drift from what the code knows.
 * Loaded only when a verb's help is asked for: the registries bring in the rooms they build.
 */

/** One titled block of `name  description` lines, the names padded to one column. */
export function listing(
  title: string,
  entries: ReadonlyArray<{ name: string; description: string }>,
): string {
  const width = Math.max(...entries.map(({ name }) => name.length));
  return [
    `${title}:`,
    ...entries.map(({ name, description }) => `  ${name.padEnd(width)}  ${description}`),
  ].join('\n');
}

/** The task families, scaffolds (with their aliases), overseers and policy providers. */
export async function registryListing(): Promise<string> {
  const [{ listFamilies }, { listScaffolds, scaffolds }, { listOverseers }, policies] =
    await Promise.all([
      import('../tasks/registry.ts'),
      import('../scaffolds/registry.ts'),
      import('../overseers/registry.ts'),
      import('../policies/registry.ts'),
    ]);
  const aliases = Object.entries(scaffolds.aliases());
  const aliasOf = (name: string): string =>
    aliases
      .filter(([, to]) => to === name)
      .map(([alias]) => ` (or ${alias})`)
      .join('');
  return [
    listing(
      'Task families (--task)',
      listFamilies().map(({ name, kind, description }) => ({
        name,
        description: `${description}${kind === 'environment' ? ' [environment]' : ''}`,
      })),
    ),
    listing(
      'Scaffolds (--scaffold)',
      listScaffolds().map(({ name, description }) => ({
        name: `${name}${aliasOf(name)}`,
        description,
      })),
    ),
    listing('Overseers (--overseer)', listOverseers()),
    listing(
      'Policies (--policy provider or provider:model)',
      policies.listPolicyProviders().map(({ provider, describe }) => ({
        name: provider,
        description: describe,
      })),
    ),
  ].join('\n\n');
}
