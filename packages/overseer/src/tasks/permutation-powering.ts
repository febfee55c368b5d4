/**
 * Permutation powering (Christiano, Shlegeris & Amodei 2018): the world is a random permutation σ
 * of the items; `P13c` asks for σ^13(c). The weak expert knows σ itself (one fact) and splits
 * k = 2m + b into y = σ^m(x), z = σ^m(y), then answers σ(z) if b = 1 and z otherwise.
 */
import { z } from 'zod';
import type { QuestionFamily } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { checkWorldSize, itemNames, ITEM_SYMBOLS } from './items.ts';
import { parseOptions, worldOptions } from './options.ts';
import { badQuestion, defineQuestionFamily, listedAnswers } from './question-family.ts';
import { createRandom } from '../util/labelled-random.ts';

/** Options of permutation-powering. */
export const PermutationPoweringOptions = z.strictObject({
  ...worldOptions(8),
  /** Largest number of bits of k; difficulty d asks for k with exactly d bits (paper: 6). */
  maxBits: z.number().int().min(1).max(20).default(6),
});
/** Options of permutation-powering, as written (defaults not yet filled). */
export type PermutationPoweringOptions = z.input<typeof PermutationPoweringOptions>;

/** A random permutation of named items. */
export interface PermutationWorld {
  names: string[];
  /** σ(i) for item index i. */
  successor: number[];
}

const NAME = 'permutation-powering';

/** A random permutation of `size` items, fixed by the seed. */
export function createPermutationWorld(seed: number, size: number): PermutationWorld {
  checkWorldSize(NAME, size, 2);
  const random = createRandom(NAME, 'world', seed, size);
  const order = Array.from({ length: size }, (_, index) => index);
  return { names: itemNames(size), successor: random.shuffle(order) };
}

/** The permutation-powering family on the world its options fix. */
export function permutationPowering(
  options: PermutationPoweringOptions = {},
): QuestionFamily<PermutationWorld> {
  const resolved = parseOptions(NAME, PermutationPoweringOptions, options);
  const world = createPermutationWorld(resolved.worldSeed, resolved.size);
  const { names, successor } = world;
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const pattern = new RegExp(`^P(0|[1-9][0-9]*)([${ITEM_SYMBOLS}]+)$`);

  const parse = (question: string): { k: number; x: number } => {
    const match = pattern.exec(question);
    const x = match === null ? undefined : indexOf.get(match[2]);
    if (match === null || x === undefined) {
      throw badQuestion(NAME, question, `P<k><item>, e.g. P13${names[0]}`);
    }
    return { k: Number(match[1]), x };
  };
  const question = (k: number, x: number): string => `P${k}${names[x]}`;

  const power = (k: number, x: number): number => {
    // Walk x's cycle once, then index into it: k may be large.
    const cycle = [x];
    for (let next = successor[x]; next !== x; next = successor[next]) cycle.push(next);
    return cycle[k % cycle.length];
  };

  return defineQuestionFamily<PermutationWorld>({
    name: NAME,
    description: 'σ^k(x) for a random permutation σ of the world’s items (IDA, 2018)',
    characters: `P0123456789${ITEM_SYMBOLS}`,
    options: resolved,
    difficulties: { min: 1, max: resolved.maxBits, default: Math.min(3, resolved.maxBits) },
    testFraction: resolved.testFraction,
    createWorld: createPermutationWorld,
    world,
    facts: () => names.map((name, index) => `${name}>${names[successor[index]]}`),
    questions: (bits) => {
      const questions: string[] = [];
      for (let k = 2 ** (bits - 1); k < 2 ** bits; k += 1) {
        for (let x = 0; x < names.length; x += 1) questions.push(question(k, x));
      }
      return { kind: 'listed', questions };
    },
    oracle: (text) => {
      const { k, x } = parse(text);
      return names[power(k, x)];
    },
    decompose: (text) => {
      const { k, x } = parse(text);
      if (k <= 1) return { kind: 'base', answer: names[power(k, x)] };
      const half = Math.floor(k / 2);
      const odd = k % 2 === 1;
      return {
        kind: 'split',
        next: (answers) => {
          if (answers.length === 0) return question(half, x);
          if (answers.length === 1) {
            const y = indexOf.get(answers[0]);
            return y === undefined ? null : question(half, y);
          }
          return null;
        },
        combine: (answers) => {
          const z = answers.length === 2 ? indexOf.get(answers[1]) : undefined;
          if (z === undefined) return UNKNOWN_ANSWER;
          return names[odd ? successor[z] : z];
        },
      };
    },
    answerSpace: () => listedAnswers(names),
  });
}
