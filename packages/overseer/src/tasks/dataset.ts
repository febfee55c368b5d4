/**
 * `dataset`: a question family read from a dataset file instead of generated over a world, so
 * real models can be evaluated on a researcher's own questions with the same scaffolds and
 * overseers. Each sample's grader reads the final answer out of the last assistant message; the
 * outcome records what it extracted. Problems come in file order, the whole file on each pass.
 */
import { z } from 'zod';
import { OverseerError } from '../errors.ts';
import type { GradeOutcome, Problem, ProposedStep, Split } from '../spec/index.ts';
import { RegistryReference } from '../spec/index.ts';
import { hashString } from '../util/labelled-random.ts';
import type { DatasetSample } from './dataset-file.ts';
import { DatasetFields, DatasetFormat, readDatasetFile } from './dataset-file.ts';
import type {
  ChainOfThought,
  GenerateOptions,
  QuestionFamily,
  SupervisedOptions,
} from './family.ts';
import { SNAP_MARK, THOUGHT_MARK, UNKNOWN_ANSWER } from './family.ts';
import type { GradedSample, Grader, Grading } from './graders/grader.ts';
import type { GraderContext } from './graders/model-graded.ts';
import { choiceLetter, gradingInfo } from './graders/grader.ts';
import { createGrader } from './graders/registry.ts';
import { alphabetOf, listedAnswers, undecided, verdict } from './question-family.ts';

/** The family name a dataset's problems carry. */
export const DATASET_FAMILY = 'dataset';

/** Options of `dataset`. */
export const DatasetOptions = z.strictObject({
  /** The dataset file: .jsonl, .json (a list of records) or .csv. */
  file: z.string().min(1),
  /** The file's format, when its extension does not say. */
  format: DatasetFormat.optional(),
  /** Which columns hold Inspect's sample fields, e.g. `{ input: question, target: answer }`. */
  fields: DatasetFields.default({}),
  /** The grader, by name or `{ name, options }`; default `choice` with choices, else `match`. */
  grader: z.union([z.string().min(1), RegistryReference]).optional(),
  /** Share of samples held out as the test split (by a hash of the id); 1 puts all in test. */
  testFraction: z.number().gt(0).max(1).default(1),
});
/** Options of `dataset`. */
export type DatasetOptions = z.input<typeof DatasetOptions>;

/** What a chain-of-thought answer line starts with. */
const ANSWER_LINE = 'ANSWER: ';
const ANSWER_LINE_PATTERN = /^\s*ANSWER\s*:\s*/i;
const CHAIN_OF_THOUGHT_REQUEST =
  '\n\nThink step by step, one step per line, then give the final answer on the last line as "ANSWER: <answer>".';
const CHOICE_REQUEST = 'Answer with the letter of the right choice, as "ANSWER: <letter>".';

/** The question a policy reads for a sample: its input, with lettered choices when it has some. */
export function sampleQuestion(sample: DatasetSample): string {
  const input =
    typeof sample.input === 'string'
      ? sample.input
      : sample.input.length === 1 && sample.input[0].role === 'user'
        ? sample.input[0].content
        : sample.input.map((message) => `${message.role}: ${message.content}`).join('\n\n');
  if (sample.choices === undefined) return input;
  const lettered = sample.choices.map((text, index) => `${choiceLetter(index)}) ${text}`);
  return [input, lettered.join('\n'), CHOICE_REQUEST].join('\n\n');
}

/** The line-by-line format of a dataset's chain of thought: free lines, then `ANSWER: …`. */
function datasetChainOfThought(oracle: (question: string) => string): ChainOfThought {
  return {
    prompt: (question) => question + CHAIN_OF_THOUGHT_REQUEST,
    trace: (question) => [ANSWER_LINE + oracle(question)],
    answerLine: (answer) => ANSWER_LINE + answer,
    separator: '\n',
    parse: (completion) => {
      const lines = completion.split('\n').filter((line) => line.trim() !== '');
      // A model that forgets the answer line is read as answering with its last line.
      let last = lines.length - 1;
      for (let index = lines.length - 1; index >= 0; index -= 1) {
        if (ANSWER_LINE_PATTERN.test(lines[index])) {
          last = index;
          break;
        }
      }
      if (last < 0) return { thoughts: [], answer: null };
      return {
        thoughts: lines.slice(0, last),
        answer: lines[last].replace(ANSWER_LINE_PATTERN, '').trim(),
      };
    },
  };
}

/** The sample's difficulty: its metadata's whole-number `difficulty`, else 0. */
function difficultyOf(sample: DatasetSample): number {
  const value = sample.metadata.difficulty;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * A dataset family; a file that does not parse is refused here, before anything runs. A
 * `model-graded` grader asks `context.policy`, which the caller builds (tasks/ builds no policy).
 */
export function dataset(
  input: DatasetOptions,
  context: GraderContext = {},
): QuestionFamily<readonly DatasetSample[]> {
  const parsed = DatasetOptions.safeParse(input);
  if (!parsed.success) {
    throw new OverseerError(
      'task.bad-options',
      `Bad options for task dataset: ${parsed.error.message}`,
    );
  }
  const options = parsed.data;
  const samples = readDatasetFile(options.file, {
    fields: options.fields,
    ...(options.format === undefined ? {} : { format: options.format }),
  });
  const reference =
    options.grader === undefined
      ? { name: samples.some((sample) => sample.choices !== undefined) ? 'choice' : 'match' }
      : typeof options.grader === 'string'
        ? { name: options.grader }
        : options.grader;
  const grader: Grader = createGrader(reference, context);
  const byQuestion = new Map<string, DatasetSample>();
  const byId = new Map<string, DatasetSample>();
  for (const sample of samples) {
    byId.set(sample.id, sample);
    const question = sampleQuestion(sample);
    if (!byQuestion.has(question)) byQuestion.set(question, sample);
  }
  const sampleOf = (question: string): DatasetSample => {
    const sample = byQuestion.get(question);
    if (sample === undefined) {
      throw new OverseerError(
        'task.bad-question',
        `dataset: the question ${JSON.stringify(question.slice(0, 60))} is not in ${options.file}.`,
      );
    }
    return sample;
  };
  const graded = (sample: DatasetSample): GradedSample => ({
    input: sampleQuestion(sample),
    targets: sample.targets,
    ...(sample.choices === undefined ? {} : { choices: sample.choices }),
  });
  const gradeSample = (sample: DatasetSample, message: string): Grading => {
    // A model grader is refused before it is asked: a synchronous caller cannot wait for it.
    const grading = grader.usesModel ? undefined : grader.grade(graded(sample), message);
    if (grading === undefined || grading instanceof Promise) {
      throw new OverseerError(
        'task.model-grader',
        `dataset: the ${grader.reference.name} grader calls a model, so its verdict can only be awaited (gradeAsync), not read at once.`,
        {
          hint: 'Grade episodes with gradeEpisodeAsync (experiments and overseer eval do), or grade with exact, includes, match, choice or regex.',
        },
      );
    }
    return grading;
  };
  const oracle = (question: string): string => {
    const sample = sampleOf(question);
    const [target] = sample.targets;
    const index = sample.choices?.findIndex((choice) => choice === target) ?? -1;
    return index >= 0 ? choiceLetter(index) : target;
  };
  const sideOf = (sample: DatasetSample): Split =>
    options.testFraction === 1 ||
    hashString(`${DATASET_FAMILY}|${sample.id}`) / 4294967296 < options.testFraction
      ? 'test'
      : 'train';
  const difficulties = samples.map(difficultyOf);
  const chainOfThought = datasetChainOfThought(oracle);

  const generate = (generateOptions: GenerateOptions): Problem[] => {
    const { count, split } = generateOptions;
    const wanted =
      generateOptions.difficulty === undefined
        ? undefined
        : new Set([generateOptions.difficulty].flat());
    const pool = samples.filter(
      (sample) =>
        sideOf(sample) === split && (wanted === undefined || wanted.has(difficultyOf(sample))),
    );
    if (pool.length === 0 && count > 0) {
      throw new OverseerError(
        'task.empty-split',
        `dataset ${options.file} has no ${split} samples${wanted === undefined ? '' : ` of difficulty ${[...wanted].join(', ')}`}.`,
        { hint: 'Evaluate on --split test (every sample is there unless testFraction < 1).' },
      );
    }
    return Array.from({ length: count }, (_, index) => {
      const sample = pool[index % pool.length];
      const pass = Math.floor(index / pool.length);
      return {
        id: `${DATASET_FAMILY}/${split}/${sample.id}${pass === 0 ? '' : `#${pass}`}`,
        family: DATASET_FAMILY,
        question: sampleQuestion(sample),
        answer: oracle(sampleQuestion(sample)),
        difficulty: difficultyOf(sample),
        split,
        metadata: { sample: sample.id, line: sample.line, ...sample.metadata },
      };
    });
  };

  const prompt = (question: string, format: 'snap' | 'chain-of-thought' = 'snap'): string =>
    format === 'snap' ? question : chainOfThought.prompt(question);

  const problemSample = (problem: Problem): DatasetSample => {
    const id = problem.metadata.sample;
    return (typeof id === 'string' ? byId.get(id) : undefined) ?? sampleOf(problem.question);
  };
  const outcomeOf = (
    problem: Problem,
    sample: DatasetSample,
    answer: string | null,
    grading: Grading,
  ): GradeOutcome => {
    return {
      kind: 'grade',
      answer,
      expected: sample.targets.join(' | '),
      correct: grading.correct,
      reward: grading.correct ? 1 : 0,
      info: { ...gradingInfo(grader, grading), sample: sample.id, difficulty: problem.difficulty },
    };
  };
  const noAnswer: Grading = { extracted: null, correct: false };
  const grade = (problem: Problem, answer: string | null): GradeOutcome => {
    const sample = problemSample(problem);
    return outcomeOf(
      problem,
      sample,
      answer,
      answer === null ? noAnswer : gradeSample(sample, answer),
    );
  };
  const gradeAsync = async (problem: Problem, answer: string | null): Promise<GradeOutcome> => {
    const sample = problemSample(problem);
    return outcomeOf(
      problem,
      sample,
      answer,
      answer === null ? noAnswer : await grader.grade(graded(sample), answer),
    );
  };

  const answers = [...new Set(samples.flatMap((sample) => sample.targets))];
  const texts = samples.flatMap((sample) => [sampleQuestion(sample), ...sample.targets]);

  return {
    kind: 'question',
    name: DATASET_FAMILY,
    description: `the samples of ${options.file}, graded by ${grader.reference.name}`,
    alphabet: alphabetOf(
      ...texts,
      CHAIN_OF_THOUGHT_REQUEST,
      ANSWER_LINE,
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ\n',
      SNAP_MARK,
      THOUGHT_MARK,
      UNKNOWN_ANSWER,
    ),
    options: {
      ...options,
      fields: { ...options.fields },
      ...(options.grader === undefined ? {} : { grader: grader.reference }),
    } as QuestionFamily['options'],
    difficulties: {
      min: Math.min(...difficulties),
      max: Math.max(...difficulties),
      default: Math.min(...difficulties),
    },
    world: samples,
    createWorld: () => samples,
    facts: () => samples.map((sample) => `${sample.id}: ${sample.targets.join(' | ')}`),
    prompt,
    generate,
    supervised: (supervisedOptions: SupervisedOptions) => {
      const format = supervisedOptions.format ?? 'snap';
      return generate(supervisedOptions).map((problem) => ({
        prompt: prompt(problem.question, format),
        completion:
          format === 'snap'
            ? oracle(problem.question)
            : chainOfThought.trace(problem.question).join(chainOfThought.separator),
      }));
    },
    answerSpace: (question) => {
      const choices = sampleOf(question).choices;
      return listedAnswers(
        choices === undefined ? answers : choices.map((_, index) => choiceLetter(index)),
      );
    },
    oracle,
    decompose: (question) => ({ kind: 'base', answer: oracle(question) }),
    isCorrect: (question, answer) => gradeSample(sampleOf(question), answer).correct,
    rightAnswers: (question) => sampleOf(question).targets,
    grade,
    gradeAsync,
    chainOfThought,
    checkStep: (step: ProposedStep) => {
      if (step.kind !== 'answer') {
        return undecided(`a dataset knows only its targets, so a ${step.kind} step has no check`);
      }
      if (grader.usesModel) {
        return undecided(
          `the ${grader.reference.name} grader's verdict needs a model call, which a step check does not make`,
        );
      }
      const sample = sampleOf(step.question);
      const grading = gradeSample(sample, step.action);
      return verdict(grading.correct, `graded by ${grader.reference.name}`, oracle(step.question));
    },
  };
}
