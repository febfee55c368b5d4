/**
 * Wildcard search (Christiano, Shlegeris & Amodei 2018): every n-bit string has a value ±1;
 * `W1*0*` asks for the sum of the values of the strings the pattern matches. The weak expert reads
 * one string's value, or splits the first wildcard into 0 and 1 and adds the two sums.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { QuestionFamily } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { parseOptions, worldOptions } from './options.ts';
import { badQuestion, defineQuestionFamily } from './question-family.ts';
import { createRandom } from '../util/labelled-random.ts';

/** Options of wildcard-search; `size` is the number of bit strings, a power of two. */
export const WildcardSearchOptions = z.strictObject({ ...worldOptions(16) });
/** Options of wildcard-search, as written. */
export type WildcardSearchOptions = z.input<typeof WildcardSearchOptions>;

/** A value ±1 for every bit string of a fixed length. */
export interface WildcardWorld {
  bits: number;
  /** value[i] for the string that spells i in binary (most significant bit first). */
  value: Array<1 | -1>;
}

const NAME = 'wildcard-search';

/** Random ±1 values for the `size` = 2^bits strings. */
export function createWildcardWorld(seed: number, size: number): WildcardWorld {
  const bits = Math.round(Math.log2(size));
  if (!Number.isInteger(size) || size < 2 || size > 4096 || 2 ** bits !== size) {
    throw new OverseerError(
      'task.bad-world-size',
      `${NAME}: world size must be a power of two from 2 to 4096 (2^bits strings), got ${size}.`,
      { hint: 'Use size 8 (3-bit strings) for a quick CPU run, 64 as in the paper.' },
    );
  }
  const random = createRandom(NAME, 'world', seed, size);
  return { bits, value: Array.from({ length: size }, () => (random.next() < 0.5 ? 1 : -1)) };
}

/** All patterns of `bits` characters with exactly `wildcards` stars. */
function patterns(bits: number, wildcards: number): string[] {
  if (bits === 0) return wildcards === 0 ? [''] : [];
  const result: string[] = [];
  if (wildcards > 0) for (const rest of patterns(bits - 1, wildcards - 1)) result.push(`*${rest}`);
  if (wildcards < bits) {
    for (const rest of patterns(bits - 1, wildcards)) result.push(`0${rest}`, `1${rest}`);
  }
  return result;
}

/** The wildcard-search family on the world its options fix. */
export function wildcardSearch(options: WildcardSearchOptions = {}): QuestionFamily<WildcardWorld> {
  const resolved = parseOptions(NAME, WildcardSearchOptions, options);
  const world = createWildcardWorld(resolved.worldSeed, resolved.size);
  const { bits, value } = world;
  const pattern = new RegExp(`^W([01*]{${bits}})$`);

  const parse = (question: string): string => {
    const match = pattern.exec(question);
    if (match === null) throw badQuestion(NAME, question, `W then ${bits} of 0, 1 or *, e.g. W1*0`);
    return match[1];
  };
  const sum = (text: string): number => {
    const star = text.indexOf('*');
    if (star < 0) return value[parseInt(text, 2)];
    return (
      sum(`${text.slice(0, star)}0${text.slice(star + 1)}`) +
      sum(`${text.slice(0, star)}1${text.slice(star + 1)}`)
    );
  };
  const parseSum = (text: string): number | undefined =>
    /^(0|-?[1-9][0-9]*)$/.test(text) ? Number(text) : undefined;

  return defineQuestionFamily<WildcardWorld>({
    name: NAME,
    description: 'the sum of ±1 values over bit strings matching a wildcard pattern (IDA, 2018)',
    characters: 'W01*-0123456789',
    options: resolved,
    difficulties: { min: 0, max: bits, default: Math.min(2, bits) },
    testFraction: resolved.testFraction,
    createWorld: createWildcardWorld,
    world,
    facts: () => value.map((one, index) => `${index.toString(2).padStart(bits, '0')}=${one}`),
    questions: (wildcards) => ({
      kind: 'listed',
      questions: patterns(bits, wildcards).map((text) => `W${text}`),
    }),
    oracle: (question) => String(sum(parse(question))),
    decompose: (question) => {
      const text = parse(question);
      const star = text.indexOf('*');
      if (star < 0) return { kind: 'base', answer: String(value[parseInt(text, 2)]) };
      const halves = ['0', '1'].map(
        (bit) => `W${text.slice(0, star)}${bit}${text.slice(star + 1)}`,
      );
      return {
        kind: 'split',
        next: (answers) => (answers.length < 2 ? halves[answers.length] : null),
        combine: (answers) => {
          const parts = answers.map(parseSum);
          if (parts.length !== 2 || parts.some((part) => part === undefined)) return UNKNOWN_ANSWER;
          return String((parts[0] ?? 0) + (parts[1] ?? 0));
        },
      };
    },
    answerSpace: (question) => {
      // 2^w values of ±1 sum to one of −2^w, −2^w + 2, …, 2^w.
      const wildcards = [...parse(question)].filter((character) => character === '*').length;
      const terms = 2 ** wildcards;
      return { size: terms + 1, at: (index) => String(2 * index - terms) };
    },
  });
}
