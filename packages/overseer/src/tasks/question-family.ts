/**
 * The machinery every question family shares: deterministic train/test splits, generation by
 * difficulty, supervised pairs, grading and the weak expert's generic step check for
 * decompositions. A family file supplies only its world, its question pool, its oracle and its
 * decomposition (see docs/adding-a-task.md).
 */
import { OverseerError } from '../errors.ts';
import type {
  AnswerFormat,
  GradeOutcome,
  JsonObject,
  Problem,
  ProposedStep,
  Split,
} from '../spec/index.ts';
import type {
  AnswerSpace,
  ChainOfThought,
  Decomposition,
  Difficulties,
  GenerateOptions,
  QuestionFamily,
  StepCheck,
  SupervisedExample,
  SupervisedOptions,
} from './family.ts';
import { SNAP_MARK, THOUGHT_MARK, UNKNOWN_ANSWER } from './family.ts';
import { createRandom } from '../util/labelled-random.ts';
import { partitionQuestions, splitOf } from './split.ts';
import { expertAnswerer, fallibleDecompose } from './fallible-expert.ts';
import type { FallibleExpertSettings } from './fallible-expert.ts';
import type { LabelledRandom } from '../util/labelled-random.ts';

/**
 * The questions of one difficulty: listed in full when the space is small (the split then sorts
 * them by hash and guarantees both sides are non-empty), or sampled when it is too large to list
 * (the split then goes by each question's hash).
 */
export type QuestionPool =
  | { kind: 'listed'; questions: readonly string[] }
  | { kind: 'sampled'; sample(random: LabelledRandom): string };

/** What a question family file provides; `defineQuestionFamily` adds the rest. */
export interface QuestionFamilyDefinition<World> {
  name: string;
  description: string;
  /** Every character of the family's questions, answers and thought lines. */
  characters: string;
  /** Resolved options (defaults filled), recorded with every run. */
  options: JsonObject;
  difficulties: Difficulties;
  /** Share of each difficulty's questions held out for the test split, in (0, 1). */
  testFraction: number;
  createWorld(seed: number, size: number): World;
  world: World;
  facts(): string[];
  /** The questions of a difficulty (already checked to be within the range). */
  questions(difficulty: number): QuestionPool;
  oracle(question: string): string;
  decompose(question: string): Decomposition;
  answerSpace(question: string): AnswerSpace;
  isCorrect?(question: string, answer: string): boolean;
  /** Every right answer of a question, where a question may have several. */
  rightAnswers?(question: string): readonly string[];
  /** The right answers the expert samples among, where its answer varies. */
  expertAnswers?(question: string): readonly string[];
  chainOfThought?: ChainOfThought;
  /** The calculator expressions whose results lead to the answer (see QuestionFamily). */
  calculatorSteps?(question: string): string[];
  /** A family-specific check, tried first; `undefined` falls back to the decomposition check. */
  checkStep?(step: ProposedStep): StepCheck | undefined;
}

/** A sure verdict of the program expert. */
export function verdict(ok: boolean, reason: string, expected?: string): StepCheck {
  return {
    rating: ok ? 1 : -1,
    score: ok ? 1 : -1,
    reason,
    ...(expected === undefined ? {} : { expected }),
  };
}

/** The expert cannot tell from this step alone. */
export function undecided(reason: string): StepCheck {
  return { rating: 0, score: 0, reason };
}

/** An answer space over an explicit list. */
export function listedAnswers(answers: readonly string[]): AnswerSpace {
  return { size: answers.length, at: (index) => answers[index] };
}

/** The sorted distinct characters of some texts. */
export function alphabetOf(...texts: string[]): string {
  return [...new Set(texts.join(''))].sort().join('');
}

/** A malformed question: what the family expects instead. */
export function badQuestion(family: string, question: string, format: string): OverseerError {
  return new OverseerError(
    'task.bad-question',
    `${family}: "${question}" is not a question of this family (expected ${format}).`,
  );
}

/** The weak expert's check of a sub-question or answer step against its own decomposition. */
export function checkDecompositionStep(
  decompose: (question: string) => Decomposition,
  step: ProposedStep,
): StepCheck {
  let decomposition: Decomposition;
  try {
    decomposition = decompose(step.question);
  } catch {
    return undecided(`"${step.question}" is not a question the expert knows how to split`);
  }
  if (step.kind === 'thought' || step.kind === 'action') {
    return verdict(false, `this family expects sub-questions and answers, not a ${step.kind}`);
  }
  const action = step.action.trim();
  if (decomposition.kind === 'base') {
    if (step.kind === 'subquestion') {
      return verdict(false, 'a base case: the answer is a fact, no sub-question is needed');
    }
    return action === decomposition.answer
      ? verdict(true, 'matches the fact in the world')
      : verdict(false, 'contradicts the fact in the world', decomposition.answer);
  }
  const asked = step.previous.filter((prior) => prior.kind === 'subquestion');
  if (step.kind === 'answer' && asked.length === 0) {
    return undecided('a direct answer to a compound question cannot be checked in one step');
  }
  const answers: string[] = [];
  for (const prior of asked) {
    const expected = decomposition.next(answers);
    if (expected === null || prior.text.trim() !== expected) {
      return undecided('an earlier sub-question left the expert’s plan, so this step has no check');
    }
    answers.push((prior.answer ?? UNKNOWN_ANSWER).trim());
  }
  const next = decomposition.next(answers);
  if (step.kind === 'subquestion') {
    if (next === null) {
      return verdict(false, 'every sub-question has been asked: time to answer');
    }
    return action === next
      ? verdict(true, 'the sub-question the plan needs next')
      : verdict(false, 'not the sub-question the plan needs next', next);
  }
  if (next !== null) {
    return verdict(false, 'answers before asking a needed sub-question', next);
  }
  const combined = decomposition.combine(answers);
  const accepted =
    decomposition.accepts === undefined
      ? action === combined
      : decomposition.accepts(answers, action);
  return accepted
    ? verdict(true, 'follows from the sub-answers')
    : verdict(false, 'does not follow from the sub-answers', combined);
}

/** Builds a full QuestionFamily from a family's definition. */
export function defineQuestionFamily<World>(
  definition: QuestionFamilyDefinition<World>,
): QuestionFamily<World> {
  const { name, difficulties, testFraction } = definition;
  const salt = `${name}|split`;
  const listedSplits = new Map<number, Record<Split, string[]>>();

  const checkDifficulty = (difficulty: number): void => {
    if (
      !Number.isInteger(difficulty) ||
      difficulty < difficulties.min ||
      difficulty > difficulties.max
    ) {
      throw new OverseerError(
        'task.bad-difficulty',
        `${name}: difficulty must be an integer from ${difficulties.min} to ${difficulties.max}, got ${difficulty}.`,
      );
    }
  };

  const splitOfListed = (difficulty: number): Record<Split, string[]> => {
    const cached = listedSplits.get(difficulty);
    if (cached !== undefined) return cached;
    const pool = definition.questions(difficulty);
    if (pool.kind !== 'listed') throw new Error('splitOfListed on a sampled pool');
    const split = partitionQuestions(pool.questions, testFraction, salt);
    listedSplits.set(difficulty, split);
    return split;
  };

  const draw = (difficulty: number, split: Split, random: LabelledRandom): string => {
    const pool = definition.questions(difficulty);
    if (pool.kind === 'listed') {
      const questions = splitOfListed(difficulty)[split];
      if (questions.length === 0) {
        throw new OverseerError(
          'task.empty-split',
          `${name}: this world has no ${split} questions of difficulty ${difficulty}.`,
          { hint: 'Use a larger world (`size`) or another difficulty.' },
        );
      }
      return random.pick(questions);
    }
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      const question = pool.sample(random);
      if (splitOf(question, testFraction, salt) === split) return question;
    }
    throw new OverseerError(
      'task.empty-split',
      `${name}: could not draw a ${split} question of difficulty ${difficulty}.`,
      { hint: 'Use a `testFraction` away from 0 and 1.' },
    );
  };

  const difficultyList = (difficulty: GenerateOptions['difficulty']): number[] => {
    const list =
      difficulty === undefined
        ? [difficulties.default]
        : typeof difficulty === 'number'
          ? [difficulty]
          : [...difficulty];
    if (list.length === 0) {
      throw new OverseerError('task.bad-difficulty', `${name}: the difficulty list is empty.`);
    }
    list.forEach(checkDifficulty);
    return list;
  };

  const generate = (options: GenerateOptions): Problem[] => {
    const { seed, count, split } = options;
    if (!Number.isInteger(count) || count < 0) {
      throw new OverseerError(
        'task.bad-count',
        `${name}: count must be a whole number, got ${count}.`,
      );
    }
    const requested = difficultyList(options.difficulty);
    const key = requested.join('-');
    // In a mixture, a difficulty whose side of the split is empty in this world is skipped; a
    // single difficulty (or a mixture of only such) fails in `draw` with an error that says so.
    const available = requested.filter((difficulty) => {
      const pool = definition.questions(difficulty);
      return pool.kind === 'sampled' || splitOfListed(difficulty)[split].length > 0;
    });
    const list = available.length === 0 || requested.length === 1 ? requested : available;
    const random = createRandom(name, 'generate', seed, split, key);
    const problems: Problem[] = [];
    for (let index = 0; index < count; index += 1) {
      const difficulty = list.length === 1 ? list[0] : random.pick(list);
      const question = draw(difficulty, split, random);
      problems.push({
        id: `${name}/${split}/d${key}/s${seed}/${index}`,
        family: name,
        question,
        answer: definition.oracle(question),
        difficulty,
        split,
        metadata: {},
      });
    }
    return problems;
  };

  const chainOfThought = definition.chainOfThought;

  const prompt = (question: string, format: AnswerFormat = 'snap'): string => {
    if (format === 'snap') return question + SNAP_MARK;
    if (chainOfThought === undefined) {
      throw new OverseerError(
        'task.no-chain-of-thought',
        `${name} has no chain-of-thought format.`,
        { hint: 'Use format `snap`, or a family with one (e.g. `addition`).' },
      );
    }
    return chainOfThought.prompt(question);
  };

  const supervised = (options: SupervisedOptions): SupervisedExample[] => {
    const format = options.format ?? 'snap';
    prompt('', format);
    return generate(options).map((problem) => ({
      prompt: prompt(problem.question, format),
      completion:
        format === 'snap' || chainOfThought === undefined
          ? (problem.answer ?? definition.oracle(problem.question))
          : chainOfThought.trace(problem.question).join(chainOfThought.separator),
    }));
  };

  const isCorrect =
    definition.isCorrect ??
    ((question: string, answer: string): boolean => answer === definition.oracle(question));

  const grade = (problem: Problem, answer: string | null): GradeOutcome => {
    const expected = problem.answer ?? definition.oracle(problem.question);
    const correct = answer !== null && isCorrect(problem.question, answer.trim());
    return {
      kind: 'grade',
      answer,
      expected,
      correct,
      reward: correct ? 1 : 0,
      info: { difficulty: problem.difficulty },
    };
  };

  const checkStep = (step: ProposedStep): StepCheck => {
    if (step.family !== name) {
      throw new OverseerError(
        'task.wrong-family',
        `The ${name} expert was asked to check a step of "${step.family}".`,
      );
    }
    return definition.checkStep?.(step) ?? checkDecompositionStep(definition.decompose, step);
  };

  // A fallible expert errs in what it does (the decomposition the scaffold runs, its
  // corrections), never in `checkStep`: the on-paper check stays exact, its misses the overseer's.
  const settings = definition.options as FallibleExpertSettings;
  const errorRate = settings.expertErrorRate ?? 0;
  const expertDecompose =
    errorRate > 0
      ? fallibleDecompose(definition.decompose, definition.answerSpace, settings)
      : definition.decompose;
  const fallible =
    errorRate > 0
      ? {
          expertCheck: (step: ProposedStep): StepCheck =>
            definition.checkStep?.(step) ?? checkDecompositionStep(expertDecompose, step),
          fallibleExpert: { errorRate, answer: expertAnswerer(expertDecompose) },
        }
      : {};

  const marks = SNAP_MARK + UNKNOWN_ANSWER + (chainOfThought === undefined ? '' : THOUGHT_MARK);

  return {
    kind: 'question',
    name,
    description: definition.description,
    alphabet: alphabetOf(definition.characters, marks),
    options: definition.options,
    difficulties,
    world: definition.world,
    createWorld: definition.createWorld,
    facts: definition.facts,
    prompt,
    generate,
    supervised,
    answerSpace: definition.answerSpace,
    oracle: definition.oracle,
    decompose: expertDecompose,
    isCorrect,
    grade,
    checkStep,
    ...(chainOfThought === undefined ? {} : { chainOfThought }),
    ...(definition.rightAnswers === undefined ? {} : { rightAnswers: definition.rightAnswers }),
    ...(definition.expertAnswers === undefined ? {} : { expertAnswers: definition.expertAnswers }),
    ...(definition.calculatorSteps === undefined
      ? {}
      : { calculatorSteps: definition.calculatorSteps }),
    ...fallible,
  };
}

/** Every line of a chain-of-thought completion checked by the weak expert, and the final grade. */
export interface TraceCheck {
  /** One check per thought line, in order. */
  lines: StepCheck[];
  /** The check of the answer line; null when the completion has none. */
  answerCheck: StepCheck | null;
  answer: string | null;
  /** Every line and the answer line judged right by the expert. */
  traceCorrect: boolean;
  /** The final answer is right (whatever the lines say). */
  answerCorrect: boolean;
}

/**
 * Checks a whole chain-of-thought completion line by line, as an overseer would step by step.
 * Trace error is `answerCorrect && !traceCorrect` counted over episodes.
 */
export function checkTrace(
  family: QuestionFamily,
  question: string,
  completion: string,
): TraceCheck {
  const format = family.chainOfThought;
  if (format === undefined) {
    throw new OverseerError(
      'task.no-chain-of-thought',
      `${family.name} has no chain-of-thought format.`,
    );
  }
  const { thoughts, answer } = format.parse(completion);
  const previous = (count: number): ProposedStep['previous'] =>
    thoughts.slice(0, count).map((text) => ({ kind: 'thought', text }));
  const context = (count: number): string =>
    format.prompt(question) +
    thoughts
      .slice(0, count)
      .map((text) => text + format.separator)
      .join('');
  const lines = thoughts.map((line, index) =>
    family.checkStep({
      family: family.name,
      question,
      kind: 'thought',
      previous: previous(index),
      context: context(index),
      action: line,
    }),
  );
  const answerCheck =
    answer === null
      ? null
      : family.checkStep({
          family: family.name,
          question,
          kind: 'answer',
          previous: previous(thoughts.length),
          context: context(thoughts.length),
          action: answer,
        });
  return {
    lines,
    answerCheck,
    answer,
    traceCorrect: answerCheck?.rating === 1 && lines.every((line) => line.rating === 1),
    answerCorrect: answer !== null && family.isCorrect(question, answer.trim()),
  };
}
