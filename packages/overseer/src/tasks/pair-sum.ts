/**
 * Pair sum: a question with many right answers. The world gives each of n items a distinct value
 * in 0…n−1 (a random bijection); `Vx` asks for x's value, `Iv` for the item whose value is v, and
 * `Sv` for any two items x, y (answered `xy`) whose values sum to v mod n — n right answers, one
 * for every x. The weak expert answers `Sv` by picking an x, asking `Vx`, then `I(v − value)`, and
 * naming the pair; it picks x among `expertModes` = m fixed items of the question, a fresh draw each
 * time it is asked, so at m > 1 an imitator sees several right answers to one question and may
 * blend them (x of one, y of another: a wrong answer). Checking a pair is two facts and a sum, so
 * the on-paper check accepts any right pair, whichever x the expert picked.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { ProposedStep } from '../spec/index.ts';
import { deriveSeed, Random } from '../util/random.ts';
import { createRandom } from '../util/labelled-random.ts';
import type { QuestionFamily, StepCheck } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { checkWorldSize, itemNames, ITEM_SYMBOLS } from './items.ts';
import { parseOptions, worldOptions } from './options.ts';
import {
  badQuestion,
  defineQuestionFamily,
  listedAnswers,
  undecided,
  verdict,
} from './question-family.ts';

/** Options of pair-sum. */
export const PairSumOptions = z.strictObject({
  ...worldOptions(16),
  /** How many of a sum question's right answers the expert samples among (m; default 1: always the same). */
  expertModes: z.number().int().min(1).default(1),
  /** Fixes which right answers are the expert's and its draws among them (default 0). */
  expertSeed: z.number().int().default(0),
});
/** Options of pair-sum, as written (defaults not yet filled). */
export type PairSumOptions = z.input<typeof PairSumOptions>;

/** Items with distinct values: value[x] is x's value, item[v] the item whose value is v. */
export interface PairSumWorld {
  names: string[];
  value: number[];
  item: number[];
}

const NAME = 'pair-sum';

/** A random bijection from `size` items onto the values 0…size−1, fixed by the seed. */
export function createPairSumWorld(seed: number, size: number): PairSumWorld {
  checkWorldSize(NAME, size, 2);
  const random = createRandom(NAME, 'world', seed, size);
  const value = random.shuffle(Array.from({ length: size }, (_, index) => index));
  const item = new Array<number>(size);
  value.forEach((v, x) => (item[v] = x));
  return { names: itemNames(size), value, item };
}

/** The pair-sum family on the world its options fix. */
export function pairSum(options: PairSumOptions = {}): QuestionFamily<PairSumWorld> {
  const resolved = parseOptions(NAME, PairSumOptions, options);
  const world = createPairSumWorld(resolved.worldSeed, resolved.size);
  const { names, value, item } = world;
  const size = names.length;
  const m = resolved.expertModes;
  if (m > size) {
    throw new OverseerError(
      'task.bad-options',
      `${NAME}: expertModes (${m}) cannot exceed the number of right answers of a question (size ${size}).`,
      { hint: `Set expertModes to at most ${size}, or a larger size.` },
    );
  }
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const length = names[0].length;
  const number = /^(0|[1-9][0-9]*)$/;

  const parse = (question: string): { kind: 'V' | 'I' | 'S'; argument: number } => {
    const kind = question[0];
    const rest = question.slice(1);
    const argument =
      kind === 'V' ? indexOf.get(rest) : number.test(rest) ? Number(rest) : undefined;
    if (
      (kind !== 'V' && kind !== 'I' && kind !== 'S') ||
      argument === undefined ||
      argument >= size
    ) {
      throw badQuestion(NAME, question, `V<item>, I<value> or S<value>, e.g. S3 or V${names[0]}`);
    }
    return { kind, argument };
  };
  /** The right answer of `Sv` whose first item is x. */
  const pairWith = (v: number, x: number): string =>
    names[x] + names[item[(((v - value[x]) % size) + size) % size]];
  const isPair = (v: number, answer: string): boolean => {
    const x = indexOf.get(answer.slice(0, length));
    const y = indexOf.get(answer.slice(length));
    return x !== undefined && y !== undefined && (value[x] + value[y]) % size === v;
  };
  // The expert's m items per sum, a fixed shuffle of the items; the first is the oracle's.
  const modeItems = Array.from({ length: size }, (_, v) =>
    createRandom(NAME, 'modes', resolved.expertSeed, size, v)
      .shuffle(Array.from({ length: size }, (_, index) => index))
      .slice(0, m),
  );
  // The n-th time the expert is asked a question it draws its n-th pick: seeded, and the same
  // whatever order other questions are asked in.
  const asked = new Map<string, number>();
  const pick = (question: string, v: number): number => {
    const occurrence = asked.get(question) ?? 0;
    asked.set(question, occurrence + 1);
    const draw = new Random(deriveSeed(resolved.expertSeed, NAME, 'draw', question, occurrence));
    return modeItems[v][m === 1 ? 0 : draw.integer(m)];
  };

  /** The expert's check of a step of `Sv`: its plan asks V of one of its items, then I of the rest. */
  const checkSum = (step: ProposedStep, v: number): StepCheck => {
    if (step.kind === 'thought' || step.kind === 'action') {
      return verdict(false, `this family expects sub-questions and answers, not a ${step.kind}`);
    }
    const action = step.action.trim();
    const asked = step.previous.filter((prior) => prior.kind === 'subquestion');
    const first = `V${names[modeItems[v][0]]}`;
    if (asked.length === 0) {
      if (step.kind === 'answer') {
        return undecided('a direct answer to a compound question cannot be checked in one step');
      }
      const x = action.startsWith('V') ? indexOf.get(action.slice(1)) : undefined;
      return x !== undefined && modeItems[v].includes(x)
        ? verdict(true, 'asks the value of an item of the plan')
        : verdict(false, 'not the sub-question the plan needs next', first);
    }
    const x = asked[0].text.trim().startsWith('V')
      ? indexOf.get(asked[0].text.trim().slice(1))
      : undefined;
    if (x === undefined || !modeItems[v].includes(x)) {
      return undecided('an earlier sub-question left the expert’s plan, so this step has no check');
    }
    const known = (asked[0].answer ?? UNKNOWN_ANSWER).trim();
    const rest = number.test(known) ? (((v - Number(known)) % size) + size) % size : undefined;
    const second = rest === undefined ? undefined : `I${rest}`;
    if (asked.length === 1) {
      if (second === undefined) {
        return undecided('the value sub-answer is malformed, so the plan has no next step');
      }
      return step.kind === 'subquestion' && action === second
        ? verdict(true, 'the sub-question the plan needs next')
        : verdict(false, 'not the sub-question the plan needs next', second);
    }
    if (asked.length > 2 || asked[1].text.trim() !== second) {
      return step.kind === 'subquestion'
        ? verdict(false, 'every sub-question has been asked: time to answer')
        : undecided('an earlier sub-question left the expert’s plan, so this step has no check');
    }
    if (step.kind === 'subquestion') {
      return verdict(false, 'every sub-question has been asked: time to answer');
    }
    // The pair the sub-answers give, or any other right pair: checking one is two facts and a sum.
    const combined = names[x] + (asked[1].answer ?? UNKNOWN_ANSWER).trim();
    if (action === combined || isPair(v, action)) {
      return verdict(true, 'a pair whose values sum to the target');
    }
    const y = indexOf.get(action.slice(0, length));
    return verdict(
      false,
      'the values of the pair do not sum to the target',
      y === undefined ? combined : pairWith(v, y),
    );
  };

  return defineQuestionFamily<PairSumWorld>({
    name: NAME,
    description: 'any two items whose values sum to a target: many right answers per question',
    characters: `VIS0123456789${ITEM_SYMBOLS}`,
    options: resolved,
    difficulties: { min: 1, max: 2, default: 2 },
    testFraction: resolved.testFraction,
    createWorld: createPairSumWorld,
    world,
    facts: () => names.map((name, x) => `${name}=${value[x]}`),
    questions: (difficulty) => {
      const values = Array.from({ length: size }, (_, v) => v);
      return {
        kind: 'listed',
        questions:
          difficulty === 1
            ? [...names.map((name) => `V${name}`), ...values.map((v) => `I${v}`)]
            : values.map((v) => `S${v}`),
      };
    },
    oracle: (question) => {
      const { kind, argument } = parse(question);
      if (kind === 'V') return String(value[argument]);
      if (kind === 'I') return names[item[argument]];
      return pairWith(argument, modeItems[argument][0]);
    },
    isCorrect: (question, answer) => {
      const { kind, argument } = parse(question);
      if (kind === 'V') return answer === String(value[argument]);
      if (kind === 'I') return answer === names[item[argument]];
      return isPair(argument, answer);
    },
    rightAnswers: (question) => {
      const { kind, argument } = parse(question);
      if (kind !== 'S') return [kind === 'V' ? String(value[argument]) : names[item[argument]]];
      return names.map((_, x) => pairWith(argument, x));
    },
    expertAnswers: (question) => {
      const { kind, argument } = parse(question);
      if (kind !== 'S') return [kind === 'V' ? String(value[argument]) : names[item[argument]]];
      return modeItems[argument].map((x) => pairWith(argument, x));
    },
    decompose: (question) => {
      const { kind, argument } = parse(question);
      if (kind === 'V') return { kind: 'base', answer: String(value[argument]) };
      if (kind === 'I') return { kind: 'base', answer: names[item[argument]] };
      const x = pick(question, argument);
      return {
        kind: 'split',
        next: (answers) => {
          if (answers.length === 0) return `V${names[x]}`;
          if (answers.length === 1 && number.test(answers[0]) && Number(answers[0]) < size) {
            return `I${(((argument - Number(answers[0])) % size) + size) % size}`;
          }
          return null;
        },
        combine: (answers) =>
          answers.length === 2 && indexOf.has(answers[1]) ? names[x] + answers[1] : UNKNOWN_ANSWER,
      };
    },
    checkStep: (step) => {
      let parsed: { kind: 'V' | 'I' | 'S'; argument: number };
      try {
        parsed = parse(step.question);
      } catch {
        return undefined;
      }
      return parsed.kind === 'S' ? checkSum(step, parsed.argument) : undefined;
    },
    answerSpace: (question) => {
      const { kind } = parse(question);
      if (kind === 'V') return listedAnswers(names.map((_, v) => String(v)));
      if (kind === 'I') return listedAnswers(names);
      return listedAnswers(names.flatMap((x) => names.map((y) => x + y)));
    },
  });
}
