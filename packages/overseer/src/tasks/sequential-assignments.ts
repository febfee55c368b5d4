/**
 * Sequential assignments (Christiano, Shlegeris & Amodei 2018): the world is a program of
 * assignments — a few constants `x := 3` and then `x := f(y, z)` over earlier variables, with one
 * random binary table f. `Ax` asks for x's value. The weak expert reads x's definition and the
 * table f, asks for the values of y and z, and looks up f.
 */
import { z } from 'zod';
import type { QuestionFamily } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { checkWorldSize, itemNames, ITEM_SYMBOLS } from './items.ts';
import { OverseerError } from '../errors.ts';
import { parseOptions, worldOptions } from './options.ts';
import { badQuestion, defineQuestionFamily, listedAnswers } from './question-family.ts';
import { createRandom } from '../util/labelled-random.ts';

/** Options of sequential-assignments. */
export const SequentialAssignmentsOptions = z.strictObject({
  ...worldOptions(16),
  /** Number of constants; default ⌊√size⌋ (8 of 64 in the paper). */
  constants: z.number().int().min(1).optional(),
  /** Number of distinct values, written as digits (the paper used 8). */
  values: z.number().int().min(2).max(10).default(8),
});
/** Options of sequential-assignments, as written. */
export type SequentialAssignmentsOptions = z.input<typeof SequentialAssignmentsOptions>;

/** One variable's definition: a constant value, or f of two earlier variables. */
export type Definition =
  { kind: 'constant'; value: number } | { kind: 'assign'; left: number; right: number };

/** A straight-line program over named variables and its evaluation. */
export interface AssignmentWorld {
  names: string[];
  /** Definition of the variable with each index. */
  definitions: Definition[];
  /** f as a table: table[a][b] for values a, b. */
  table: number[][];
  /** Each variable's value. */
  value: number[];
  /** 0 for constants, 1 + max(depth(y), depth(z)) otherwise: the difficulty. */
  depth: number[];
  values: number;
}

const NAME = 'sequential-assignments';

/** A random program of `size` variables (the first ones defined are constants). */
export function createAssignmentWorld(
  seed: number,
  size: number,
  settings: { constants?: number; values?: number } = {},
): AssignmentWorld {
  checkWorldSize(NAME, size, 3);
  const values = settings.values ?? 8;
  const constants = settings.constants ?? Math.max(1, Math.floor(Math.sqrt(size)));
  if (constants >= size) {
    throw new OverseerError(
      'task.bad-options',
      `${NAME}: ${constants} constants leave no assigned variable in a world of ${size}.`,
      { hint: 'Lower `constants` or raise `size`.' },
    );
  }
  const random = createRandom(NAME, 'world', seed, size, constants, values);
  const table = Array.from({ length: values }, () =>
    Array.from({ length: values }, () => random.integer(values)),
  );
  // Variables are defined in index order; names are shuffled so a name says nothing of depth.
  const names = random.shuffle(itemNames(size));
  const definitions: Definition[] = [];
  const value: number[] = [];
  const depth: number[] = [];
  for (let index = 0; index < size; index += 1) {
    if (index < constants) {
      const constant = random.integer(values);
      definitions.push({ kind: 'constant', value: constant });
      value.push(constant);
      depth.push(0);
    } else {
      const left = random.integer(index);
      const right = random.integer(index);
      definitions.push({ kind: 'assign', left, right });
      value.push(table[value[left]][value[right]]);
      depth.push(1 + Math.max(depth[left], depth[right]));
    }
  }
  return { names, definitions, table, value, depth, values };
}

/** The sequential-assignments family on the world its options fix. */
export function sequentialAssignments(
  options: SequentialAssignmentsOptions = {},
): QuestionFamily<AssignmentWorld> {
  const resolved = parseOptions(NAME, SequentialAssignmentsOptions, options);
  const settings = {
    values: resolved.values,
    constants: resolved.constants ?? Math.max(1, Math.floor(Math.sqrt(resolved.size))),
  };
  const world = createAssignmentWorld(resolved.worldSeed, resolved.size, settings);
  const { names, definitions, table, value, depth } = world;
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const valueNames = Array.from({ length: world.values }, (_, index) => String(index));
  const maximumDepth = Math.max(...depth);

  const parse = (question: string): number => {
    const index = question.startsWith('A') ? indexOf.get(question.slice(1)) : undefined;
    if (index === undefined) throw badQuestion(NAME, question, `A<variable>, e.g. A${names[0]}`);
    return index;
  };
  const parseValue = (text: string): number | undefined => {
    const parsed = valueNames.indexOf(text);
    return parsed < 0 ? undefined : parsed;
  };

  return defineQuestionFamily<AssignmentWorld>({
    name: NAME,
    description: 'the value of a variable in a random straight-line program (IDA, 2018)',
    characters: `A${valueNames.join('')}${ITEM_SYMBOLS}`,
    options: { ...resolved, ...settings },
    difficulties: { min: 0, max: maximumDepth, default: Math.min(2, maximumDepth) },
    testFraction: resolved.testFraction,
    createWorld: (seed, size) =>
      createAssignmentWorld(seed, size, {
        values: resolved.values,
        ...(resolved.constants === undefined ? {} : { constants: resolved.constants }),
      }),
    world,
    facts: () => [
      ...definitions.map((definition, index) =>
        definition.kind === 'constant'
          ? `${names[index]}:=${definition.value}`
          : `${names[index]}:=f${names[definition.left]}${names[definition.right]}`,
      ),
      ...table.flatMap((row, a) => row.map((result, b) => `f${a}${b}=${result}`)),
    ],
    questions: (difficulty) => ({
      kind: 'listed',
      questions: names.filter((_, index) => depth[index] === difficulty).map((name) => `A${name}`),
    }),
    oracle: (question) => valueNames[value[parse(question)]],
    decompose: (question) => {
      const definition = definitions[parse(question)];
      if (definition.kind === 'constant') {
        return { kind: 'base', answer: valueNames[definition.value] };
      }
      const operands = [definition.left, definition.right];
      return {
        kind: 'split',
        next: (answers) =>
          answers.length < operands.length ? `A${names[operands[answers.length]]}` : null,
        combine: (answers) => {
          const [left, right] = answers.map(parseValue);
          if (answers.length !== 2 || left === undefined || right === undefined) {
            return UNKNOWN_ANSWER;
          }
          return valueNames[table[left][right]];
        },
      };
    },
    answerSpace: () => listedAnswers(valueNames),
  });
}
