/**
 * The one way zod issues become words: each problem names its key path, what was expected and
 * what was given (`lr: expected number, got string "fast"`), and an unknown key names the keys the
 * schema knows, with the nearest one as a suggestion. Experiment files place these problems at
 * their line in the file; registries and option parsers join them into one sentence.
 */
import type { z } from 'zod';
import { OverseerError } from '../errors.ts';

/** A key path into a config: mapping keys and list indices. */
export type PathSegment = string | number;

/** One problem of a parse, at a key path relative to the parsed value. */
export interface IssueProblem {
  path: PathSegment[];
  message: string;
  /** Set when the problem is a key the schema does not know (then `path` ends with that key). */
  unknownKey?: string;
}

/** `arms[1].trainer.options.lr` for `['arms', 1, 'trainer', 'options', 'lr']`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(top level)';
  if (path[0] === '--set' || path[0] === '--seed') return path.join(' ');
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (segment.startsWith('--')) return segment;
      const plain = /^[A-Za-z0-9_-]+$/.test(segment);
      if (!plain) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

/**
 * The problems of `issues` from parsing with `schema` (parse with `{ reportInput: true }` so the
 * given values can be named): one per issue, and one per unknown key.
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
): IssueProblem[] {
  return issues.flatMap((issue): IssueProblem[] => {
    const path = issue.path as PathSegment[];
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issueMessage(issue) }];
    const known = knownKeys(schema, path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: unknownKeyMessage(key, known),
      unknownKey: key,
    }));
  });
}

/** The problems as one clause: `maxDepth: expected number, got string "two"; (options): unknown key "depth" …`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): string {
  return issueProblems(issues, schema)
    .map(({ path, unknownKey }, index, problems) => {
      if (unknownKey === undefined) {
        return `${path.length === 0 ? '(options)' : formatPath(path)}: ${problems[index].message}`;
      }
      const parent = path.slice(0, -1);
      const known = knownKeys(schema, parent);
      return `${parent.length === 0 ? '(options)' : formatPath(parent)}: unknown key "${unknownKey}"${suggestion(unknownKey, known)}`;
    })
    .join('; ');
}

/** What an options parser says when it refuses options. */
export interface OptionsSubject {
  /** The stable error code, e.g. `scaffold.bad-options`. */
  code: string;
  /** The opening of the message, e.g. `Bad options for scaffold decompose`. */
  lead: string;
  /** Whose options they are, in `The options of <owner> are: …`. */
  owner: string;
  hint?: string;
}

/**
 * Parses `options` strictly with an object schema: an unknown key or a wrong type is an
 * OverseerError that names the key path and lists the options the schema takes.
 */
export function parseStrictOptions<Schema extends z.ZodObject>(
  schema: Schema,
  options: unknown,
  subject: OptionsSubject,
): z.output<Schema> {
  const result = schema.safeParse(options ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const keys = Object.keys(schema.shape).join(', ') || '(none)';
  throw new OverseerError(
    subject.code,
    `${subject.lead}: ${formatIssues(result.error.issues, schema)}. The options of ${subject.owner} are: ${keys}.`,
    {
      hint:
        subject.hint ??
        'Fix or remove the named option in the experiment file or on the command line.',
    },
  );
}

/**
 * The strict options parser of one kind of entry: its errors read `Bad options for <noun>
 * <name>: …` with `code`, e.g. `optionsParser('training.bad-options', 'trainer')`.
 */
export function optionsParser(code: string, noun: string) {
  return <Schema extends z.ZodObject>(
    name: string,
    schema: Schema,
    options: unknown,
  ): z.output<Schema> =>
    parseStrictOptions(schema, options, {
      code,
      lead: `Bad options for ${noun} ${name}`,
      owner: name,
    });
}

/** What an issue says: what was expected and what was given. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${issue.expected === 'int' ? 'integer' : issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive ?? true;
      if (issue.origin === 'array') {
        return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
      }
      if (issue.origin === 'string') {
        return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} character${Number(bound) === 1 ? '' : 's'}`;
      }
      const relation = issue.code === 'too_small' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
      return `expected a number ${relation} ${bound}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_format':
      return `${issue.message}, got ${describeValue(issue.input)}`;
    default:
      return issue.message;
  }
}

/** `unknown key — did you mean "width"? (expected one of: …)`. */
export function unknownKeyMessage(key: string, known: string[]): string {
  if (known.length === 0) return 'unknown key';
  return `unknown key${suggestion(key, known)} (expected one of: ${known.join(', ')})`;
}

/** ` — did you mean "width"?` when a candidate is within a few edits of `word`, else empty. */
export function suggestion(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))
    ? ` — did you mean "${best}"?`
    : '';
}

/** Edit distance counting a swap of neighbours as one edit (`widht` is one edit from `width`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/** `string "fast"`, `number 3`, `list`, `mapping`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** The keys an object schema accepts at `path` inside `schema` (empty when it is not an object). */
export function knownKeys(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  const unwrap = (node: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let value = node;
    for (let depth = 0; value !== undefined && depth < 10; depth += 1) {
      const definition = value._zod.def as unknown as {
        type: string;
        innerType?: z.core.$ZodType;
        in?: z.core.$ZodType;
      };
      if (definition.innerType !== undefined) value = definition.innerType;
      else if (definition.type === 'pipe' && definition.in !== undefined) value = definition.in;
      else break;
    }
    return value;
  };
  for (const segment of [...path, undefined]) {
    current = unwrap(current);
    if (current === undefined) return [];
    const definition = current._zod.def as unknown as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    if (segment === undefined) {
      return definition.type === 'object' && definition.shape ? Object.keys(definition.shape) : [];
    }
    if (definition.type === 'object' && definition.shape)
      current = definition.shape[String(segment)];
    else if (definition.type === 'array') current = definition.element;
    else return [];
  }
  return [];
}
