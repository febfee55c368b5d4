/**
 * A registry by name: task families, scaffolds, overseers, trainers, policy providers and
 * demonstration sources each keep one, so an experiment file or the CLI can name any entry and a
 * run records the `{ name, options }` it used. Every registry checks options the same way, with
 * the entry's zod schema, before the entry's factory sees them.
 */
import type { z } from 'zod';
import { OverseerError } from '../errors.ts';
import { parseStrictOptions } from './zod-issues.ts';

/** A registered entry named with its options, as experiment files and run records write it. */
export interface Reference {
  name: string;
  options?: Readonly<Record<string, unknown>>;
}

/** What one entry registers: a line of description, its options' schema and its factory. */
export interface Registration<T, Context, Schema extends z.ZodObject = z.ZodObject> {
  /** One line for listings, `--help` and error messages. */
  describe: string;
  /** The entry's options, parsed strictly before `create` sees them. */
  schema: Schema;
  create(options: z.output<Schema>, context: Context): T;
}

/** How a registry names its entries in messages, and the codes of its errors. */
export interface RegistryWording {
  /** What an entry is, e.g. `task family`. */
  noun: string;
  /** The plural, e.g. `task families`. */
  plural: string;
  codes: { unknown: string; badOptions: string };
  /** The entry a reference's name picks, when it says more than that (`openai:gpt-4o` → `openai`). */
  entryName?(name: string): string;
  /** Other names of entries, e.g. `{ cot: 'chain-of-thought' }`. */
  aliases?: Readonly<Record<string, string>>;
  /** How a name or its options are introduced where `Unknown <noun> "x"` would mislead. */
  leads?: { unknown?(name: string): string; badOptions?(name: string): string };
}

/**
 * Entries by name. `Traits` are what a room asks of its entries besides the factory (a task
 * family's kind, whether a policy provider needs a model, an overseer's fallibility options).
 */
export class Registry<T, Context = void, Traits extends object = object> {
  private readonly entries = new Map<string, Registration<T, Context> & Traits>();

  constructor(private readonly wording: RegistryWording) {}

  /** Adds an entry (replacing one of the same name); its options are `schema`'s. */
  register<Schema extends z.ZodObject>(
    name: string,
    registration: Registration<T, Context, Schema> & Traits,
  ): this {
    this.entries.set(name, registration as unknown as Registration<T, Context> & Traits);
    return this;
  }

  /** The registered names, in registration order (aliases not included). */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The entries with their names, in registration order. */
  list(): Array<{ name: string } & Registration<T, Context> & Traits> {
    return [...this.entries].map(([name, entry]) => ({ name, ...entry }));
  }

  /** The canonical name of `name` (an alias resolved), or undefined when nothing has that name. */
  canonical(name: string): string | undefined {
    const aliases = this.wording.aliases ?? {};
    const entryName = this.wording.entryName?.(name) ?? name;
    const resolved = Object.hasOwn(aliases, entryName) ? aliases[entryName] : entryName;
    return this.entries.has(resolved) ? resolved : undefined;
  }

  /** The aliases and the names they stand for. */
  aliases(): Readonly<Record<string, string>> {
    return this.wording.aliases ?? {};
  }

  /** The entry `name` (or its alias); an unknown name is an OverseerError listing the valid ones. */
  entry(name: string): Registration<T, Context> & Traits {
    const canonical = this.canonical(name);
    if (canonical === undefined) {
      const { noun, plural, codes, leads } = this.wording;
      const aliases = Object.entries(this.aliases()).map(([alias, to]) => `${alias} = ${to}`);
      const valid = `${this.names().join(', ')}${aliases.length > 0 ? ` (${aliases.join(', ')})` : ''}`;
      throw new OverseerError(
        codes.unknown,
        `${leads?.unknown?.(name) ?? `Unknown ${noun} "${name}"`}. Valid ${plural}: ${valid}.`,
        {
          hint: `Check the spelling of the ${noun} in the experiment file or on the command line.`,
        },
      );
    }
    return this.entries.get(canonical) as Registration<T, Context> & Traits;
  }

  /** The options schema of entry `name`. */
  schema(name: string): z.ZodObject {
    return this.entry(name).schema;
  }

  /** The reference with its canonical name and its options parsed (defaults filled) by the entry's schema. */
  parse(reference: Reference): { name: string; options: Record<string, unknown> } {
    const { schema } = this.entry(reference.name);
    // A name that says more than its entry (a policy's model) is kept whole.
    const name =
      this.wording.entryName === undefined
        ? (this.canonical(reference.name) as string)
        : reference.name;
    const { noun, codes, leads } = this.wording;
    const options = parseStrictOptions(schema, reference.options ?? {}, {
      code: codes.badOptions,
      lead: leads?.badOptions?.(name) ?? `Bad options for ${noun} ${name}`,
      owner: name,
    });
    return { name, options };
  }

  /** Builds the entry a reference names, with its options checked, against `context`. */
  create(reference: Reference, context: Context): T {
    const { options } = this.parse(reference);
    return this.entry(reference.name).create(options, context);
  }
}
