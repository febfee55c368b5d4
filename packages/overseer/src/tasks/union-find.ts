/**
 * Union find (Christiano, Shlegeris & Amodei 2018): the world's items fall into classes of equal
 * value; each class is a tree of equalities `x = parent`, and only its root's value is given.
 * `Vx` asks for x's value, `Ux` for the parent of x (a fact; a root is its own parent). The weak
 * expert reads a root's value, and otherwise asks for the parent and then the parent's value — or,
 * with `askParent: false`, reads the parent fact itself and asks only for the parent's value.
 */
import { z } from 'zod';
import type { QuestionFamily } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { checkWorldSize, itemNames, ITEM_SYMBOLS } from './items.ts';
import { parseOptions, worldOptions } from './options.ts';
import { badQuestion, defineQuestionFamily, listedAnswers } from './question-family.ts';
import { createRandom } from '../util/labelled-random.ts';

/** Options of union-find. */
export const UnionFindOptions = z.strictObject({
  ...worldOptions(16),
  /** Number of distinct values (digits); default ⌊√size⌋, at least 2, as in the paper. */
  values: z.number().int().min(2).max(10).optional(),
  /**
   * The weak expert asks `Ux` before `V<parent>` (default true). False: it reads the parent fact
   * itself, as the paper's amplification answers every fact lookup from the world and leaves the
   * model only the questions of its training distribution. Asked, `Ux` falls to the model at the
   * depth limit, and a lesson teaches it only inside `Vx`'s own tree: when `Vx` is held out (test
   * split, or outside the training difficulties), every question whose chain passes x stays wrong.
   */
  askParent: z.boolean().default(true),
});
/** Options of union-find, as written. */
export type UnionFindOptions = z.input<typeof UnionFindOptions>;

/** Equality trees over named items, one given value per tree. */
export interface UnionFindWorld {
  names: string[];
  /** Each item's parent index; a root is its own parent. */
  parent: number[];
  /** Each item's value (the value given at its root). */
  value: number[];
  /** Distance to the root: the difficulty. */
  depth: number[];
  values: number;
}

const NAME = 'union-find';

/** Random classes (by value) each arranged as a random tree under a random root. */
export function createUnionFindWorld(seed: number, size: number, values?: number): UnionFindWorld {
  checkWorldSize(NAME, size, 2);
  const valueCount = values ?? Math.min(10, Math.max(2, Math.floor(Math.sqrt(size))));
  const random = createRandom(NAME, 'world', seed, size, valueCount);
  const names = itemNames(size);
  const value = names.map(() => random.integer(valueCount));
  const parent = names.map((_, index) => index);
  const depth = names.map(() => 0);
  for (let class_ = 0; class_ < valueCount; class_ += 1) {
    // Root first; each later member hangs under a random earlier one (a random recursive tree).
    const members = random.shuffle(
      names.map((_, index) => index).filter((index) => value[index] === class_),
    );
    members.forEach((member, position) => {
      if (position === 0) return;
      const above = members[random.integer(position)];
      parent[member] = above;
      depth[member] = depth[above] + 1;
    });
  }
  return { names, parent, value, depth, values: valueCount };
}

/** The union-find family on the world its options fix. */
export function unionFind(options: UnionFindOptions = {}): QuestionFamily<UnionFindWorld> {
  const resolved = parseOptions(NAME, UnionFindOptions, options);
  const world = createUnionFindWorld(resolved.worldSeed, resolved.size, resolved.values);
  const { names, parent, value, depth } = world;
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const valueNames = Array.from({ length: world.values }, (_, index) => String(index));
  const maximumDepth = Math.max(...depth);

  const parse = (question: string): { kind: 'V' | 'U'; x: number } => {
    const kind = question[0];
    const x = indexOf.get(question.slice(1));
    if ((kind !== 'V' && kind !== 'U') || x === undefined) {
      throw badQuestion(NAME, question, `V<item> (value) or U<item> (parent), e.g. V${names[0]}`);
    }
    return { kind, x };
  };

  return defineQuestionFamily<UnionFindWorld>({
    name: NAME,
    description: 'the value of an item through trees of equalities (IDA, 2018)',
    characters: `VU${valueNames.join('')}${ITEM_SYMBOLS}`,
    options: { ...resolved, values: world.values },
    difficulties: { min: 0, max: maximumDepth, default: Math.min(2, maximumDepth) },
    testFraction: resolved.testFraction,
    createWorld: (seed, size) => createUnionFindWorld(seed, size, resolved.values),
    world,
    facts: () =>
      names.map((name, index) =>
        parent[index] === index ? `${name}:${value[index]}` : `${name}=${names[parent[index]]}`,
      ),
    questions: (difficulty) => ({
      kind: 'listed',
      questions: names.filter((_, index) => depth[index] === difficulty).map((name) => `V${name}`),
    }),
    oracle: (question) => {
      const { kind, x } = parse(question);
      return kind === 'U' ? names[parent[x]] : valueNames[value[x]];
    },
    decompose: (question) => {
      const { kind, x } = parse(question);
      if (kind === 'U') return { kind: 'base', answer: names[parent[x]] };
      if (parent[x] === x) return { kind: 'base', answer: valueNames[value[x]] };
      if (!resolved.askParent) {
        const parentValue = `V${names[parent[x]]}`;
        return {
          kind: 'split',
          next: (answers) => (answers.length === 0 ? parentValue : null),
          combine: (answers) =>
            answers.length === 1 && valueNames.includes(answers[0]) ? answers[0] : UNKNOWN_ANSWER,
        };
      }
      return {
        kind: 'split',
        next: (answers) => {
          if (answers.length === 0) return `U${names[x]}`;
          if (answers.length === 1 && indexOf.has(answers[0])) return `V${answers[0]}`;
          return null;
        },
        combine: (answers) =>
          answers.length === 2 && valueNames.includes(answers[1]) ? answers[1] : UNKNOWN_ANSWER,
      };
    },
    answerSpace: (question) => listedAnswers(parse(question).kind === 'U' ? names : valueNames),
  });
}
