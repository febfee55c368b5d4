/**
 * A task family: a seeded generator of problems over a fixed "world", plus the weak expert's
 * knowledge (decomposition, local step checks), a final grader and an exact oracle. The world is
 * fixed per run by a world seed and never appears in a prompt: the model has to learn it in its
 * weights, while the weak expert and the oracle may read it.
 *
 * Two kinds: a `question` family (a question in, a short answer out) and an `environment` family
 * (an observation in, one action character out, repeated until the episode ends).
 */
import type {
  AnswerFormat,
  GradeOutcome,
  JsonObject,
  Outcome,
  Problem,
  ProposedStep,
  ReturnOutcome,
  Split,
} from '../spec/index.ts';

/** The answer the weak expert gives when sub-answers are malformed and it cannot combine them. */
export const UNKNOWN_ANSWER = '?';
/** What follows a question in a snap prompt: the answer comes right after it. */
export const SNAP_MARK = '=';
/** What follows a question in a chain-of-thought prompt: reasoning lines come first. */
export const THOUGHT_MARK = ':';

/** A prompt and the completion a model should learn to produce after it. */
export interface SupervisedExample {
  prompt: string;
  completion: string;
}

/** Options of `supervised`: the three the model helper uses, plus optional extras. */
export interface SupervisedOptions {
  seed: number;
  count: number;
  split: Split;
  /** One difficulty, or a list to mix uniformly; the family's default when omitted. */
  difficulty?: number | readonly number[];
  /** `snap` (default) or `chain-of-thought` where the family has one. */
  format?: AnswerFormat;
}

/** What every task family offers, whatever else it adds. */
export interface TaskFamilyBase {
  /** Registry name, e.g. `addition`. */
  readonly name: string;
  /** Every character that may appear in a prompt or completion (the tokenizer's alphabet). */
  readonly alphabet: string;
  /**
   * Deterministic supervised pairs: the same options give the same list. `split` keeps train and
   * held-out test problems disjoint. The completion is the snap answer unless `format` says
   * otherwise.
   */
  supervised(options: SupervisedOptions): SupervisedExample[];
}

/** Options of `generate`. */
export interface GenerateOptions {
  seed: number;
  count: number;
  split: Split;
  /** One difficulty, or a list to mix uniformly; the family's default when omitted. */
  difficulty?: number | readonly number[];
}

/** The range of a family's difficulty knob and the value used when none is given. */
export interface Difficulties {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** Every answer a uniform-random policy may give, indexable so it can be sampled without a list. */
export interface AnswerSpace {
  readonly size: number;
  /** The answer at `index` (0 ≤ index < size). */
  at(index: number): string;
}

/**
 * The weak expert's verdict on one proposed step, checked locally: it sees the step and its node's
 * history, and never solves the whole problem. `rating` 0 means the expert cannot tell.
 */
export interface StepCheck {
  rating: -1 | 0 | 1;
  /** In [-1, 1]; ±1 for a program's sure verdicts, graded for value-based approval. */
  score: number;
  reason: string;
  /** What the expert would have done instead, when it knows. */
  expected?: string;
}

/** The expert answers the question directly from the world: no sub-questions. */
export interface BaseCase {
  kind: 'base';
  answer: string;
}

/**
 * The expert splits the question. Sub-questions may depend on earlier answers (σ^m(x) before
 * σ^m(y)), so `next` is asked with the answers so far and returns the next sub-question, or null
 * when none remain; `combine` turns all the answers into the answer. Both trust the sub-answers
 * and do only one step of work (reading a fact, adding one, comparing); a malformed sub-answer
 * makes `next` return null and `combine` return UNKNOWN_ANSWER.
 */
export interface SplitCase {
  kind: 'split';
  next(subAnswers: readonly string[]): string | null;
  combine(subAnswers: readonly string[]): string;
  /** Whether `answer` is acceptable given the sub-answers, when several are (default: equals combine). */
  accepts?(subAnswers: readonly string[], answer: string): boolean;
}

/** The weak expert's decomposition of one question. */
export type Decomposition = BaseCase | SplitCase;

/** A chain-of-thought format whose every line the weak expert can check locally. */
export interface ChainOfThought {
  /** The prompt that asks for reasoning lines (the question then THOUGHT_MARK). */
  prompt(question: string): string;
  /** The correct lines, the last one being the answer line. */
  trace(question: string): string[];
  /** The answer line for an answer (e.g. `=579`). */
  answerLine(answer: string): string;
  /** Splits a completion into thought lines and the answer (null when there is no answer line). */
  parse(completion: string): { thoughts: string[]; answer: string | null };
  /** Separator between lines. */
  readonly separator: string;
}

/** What both kinds of family offer. */
export interface CommonFamily extends TaskFamilyBase {
  readonly kind: 'question' | 'environment';
  /** One line for `listFamilies` and the CLI. */
  readonly description: string;
  /** The options after defaults, exactly what `getFamily(name, options)` needs to rebuild it. */
  readonly options: JsonObject;
  readonly difficulties: Difficulties;
  /** The text a policy is given for a question (default format: snap). */
  prompt(question: string, format?: AnswerFormat): string;
  /** Problems, deterministic in the options; train and test never share a question. */
  generate(options: GenerateOptions): Problem[];
  /** The answers (or actions) a uniform-random policy chooses among for this question. */
  answerSpace(question: string): AnswerSpace;
  /** The exact answer (for an environment: the best action under the true reward). */
  oracle(question: string): string;
  /** The weak expert's local check of one proposed step. */
  checkStep(step: ProposedStep): StepCheck;
  /** The final grade (or, for an environment, the return of playing `answer` as actions). */
  grade(problem: Problem, answer: string | null): Outcome;
}

/** A family of questions over a world of facts. */
export interface QuestionFamily<World = unknown> extends CommonFamily {
  readonly kind: 'question';
  /** The world this family instance was built on (read by the expert and the oracle only). */
  readonly world: World;
  /** Builds the world for a seed and size; the same arguments give the same world. */
  createWorld(seed: number, size: number): World;
  /** The world as short human-readable facts (for reports; never put in a prompt). */
  facts(): string[];
  /** The weak expert's plan for a question. */
  decompose(question: string): Decomposition;
  /** Whether an answer is right (several may be, e.g. ties between next steps of a path). */
  isCorrect(question: string, answer: string): boolean;
  grade(problem: Problem, answer: string | null): GradeOutcome;
  /**
   * The final grade when it may wait for a model (a dataset graded by \`model-graded\`, whose
   * \`grade\` then refuses); episodes are graded through it when present (\`gradeEpisodeAsync\`).
   */
  gradeAsync?(problem: Problem, answer: string | null): Promise<GradeOutcome>;
  /** Present when the family has a checkable chain-of-thought format. */
  readonly chainOfThought?: ChainOfThought;
  /** The calculator expressions whose results lead to the answer (the tools scaffold's demonstrations). */
  calculatorSteps?(question: string): string[];
  /**
   * The weak expert's own verdict on a step by its own plan, whose `expected` is the step it
   * would take itself (a correction); unlike `checkStep`, wrong where the expert errs. Absent:
   * the expert is exact and `checkStep` says the same.
   */
  expertCheck?(step: ProposedStep): StepCheck;
  /** Present when the weak expert errs on purpose (`expertErrorRate` > 0). */
  readonly fallibleExpert?: FallibleExpert;
  /** Every right answer of a question, where the family lists them (several for a witness question). */
  rightAnswers?(question: string): readonly string[];
  /** The right answers the amplified expert samples among for a question, where it varies. */
  expertAnswers?(question: string): readonly string[];
}

/** A weak expert that errs systematically on a fixed class of questions. */
export interface FallibleExpert {
  /** Share of the questions on whose own answer step it errs (ε). */
  readonly errorRate: number;
  /** Its answer to a question when it answers everything itself, down to the facts. */
  answer(question: string): string;
}

/** What one environment step returns. */
export interface EnvironmentStep {
  observation: string;
  /** The reward the designer wrote down (what outcome-based training sees). */
  proxyReward: number;
  /** The reward of the intended task. */
  trueReward: number;
  done: boolean;
  info: JsonObject;
}

/** A running environment. Only `outcomes/` may hold one: overseers judge observations, never this. */
export interface Environment {
  /** Starts an episode from the start state a seed chooses; returns the first observation. */
  reset(seed: number): string;
  step(action: string): EnvironmentStep;
  readonly observation: string;
  readonly done: boolean;
}

/** A family whose problems are episodes in an environment. */
export interface EnvironmentFamily extends CommonFamily {
  readonly kind: 'environment';
  /** The action characters. */
  readonly actions: string;
  createEnvironment(): Environment;
  /** The expert's value of an observed state under the true reward (optimal play from there). */
  stateValue(observation: string, stepsLeft?: number): number;
  /** The expert's value of taking `action` in an observed state, then playing optimally. */
  actionValue(observation: string, action: string, stepsLeft?: number): number;
  grade(problem: Problem, answer: string | null): ReturnOutcome;
}

/** Any task family. */
export type TaskFamily = QuestionFamily | EnvironmentFamily;

/** Runs a decomposition with a sub-question answerer (the oracle, a model, the expert itself). */
export function runDecomposition(
  decomposition: Decomposition,
  answer: (subQuestion: string) => string,
  maximumSubQuestions = 64,
): { subQuestions: string[]; subAnswers: string[]; answer: string } {
  if (decomposition.kind === 'base') {
    return { subQuestions: [], subAnswers: [], answer: decomposition.answer };
  }
  const subQuestions: string[] = [];
  const subAnswers: string[] = [];
  for (;;) {
    const next = decomposition.next(subAnswers);
    if (next === null || subQuestions.length >= maximumSubQuestions) break;
    subQuestions.push(next);
    subAnswers.push(answer(next));
  }
  return { subQuestions, subAnswers, answer: decomposition.combine(subAnswers) };
}

/**
 * The correct completion of a question in `format` — what a supervised reference imitates and
 * what bounds a generation's length: the family's correct chain-of-thought lines where it has
 * that format, else the exact answer.
 */
export function referenceCompletion(
  family: TaskFamily,
  question: string,
  format: AnswerFormat,
): string {
  if (format === 'chain-of-thought' && family.kind === 'question' && family.chainOfThought) {
    return family.chainOfThought.trace(question).join(family.chainOfThought.separator);
  }
  return family.oracle(question);
}
