/**
 * Which questions `overseer eval` asks: n drawn without replacement (n distinct questions) while
 * the split holds that many, or, when asked, n independent draws with replacement (a question may
 * come up twice, as the family's generator draws them).
 */
import type { Problem, Split } from '../spec/index.ts';
import type { TaskFamily } from '../tasks/family.ts';

/** How many draws, at most, per question asked for before deciding the split is exhausted. */
const MAXIMUM_DRAWS_PER_QUESTION = 64;

/** What to draw. */
export interface EvaluationSampleOptions {
  n: number;
  seed: number;
  split: Split;
  difficulty?: readonly number[];
  /** Draw independently (repeats possible) instead of n distinct questions. */
  withReplacement?: boolean;
}

/** The problems drawn and how many of them are distinct. */
export interface EvaluationSample {
  problems: Problem[];
  /** Distinct questions among the problems. */
  distinct: number;
  /** True when the split held fewer than n distinct questions, so some repeat. */
  exhausted: boolean;
}

function distinctCount(problems: readonly Problem[]): number {
  return new Set(problems.map((problem) => problem.question)).size;
}

/**
 * Draws `n` problems. Without replacement it draws ever more (up to 64 per question asked for)
 * and keeps the first draw of each question; a split with fewer than n questions gives all of
 * them first, then the later draws, repeats included, to make up n, and says it ran out.
 */
export function drawEvaluationProblems(
  family: TaskFamily,
  options: EvaluationSampleOptions,
): EvaluationSample {
  const generate = (count: number): Problem[] =>
    family.generate({
      seed: options.seed,
      count,
      split: options.split,
      ...(options.difficulty === undefined ? {} : { difficulty: options.difficulty }),
    });
  if (options.withReplacement === true || options.n === 0) {
    const problems = generate(options.n);
    return { problems, distinct: distinctCount(problems), exhausted: false };
  }
  let firsts: Problem[] = [];
  let repeats: Problem[] = [];
  for (let draws = options.n; ; draws *= 4) {
    const seen = new Set<string>();
    firsts = [];
    repeats = [];
    for (const problem of generate(draws)) {
      if (seen.has(problem.question)) repeats.push(problem);
      else {
        seen.add(problem.question);
        firsts.push(problem);
        if (firsts.length === options.n) break;
      }
    }
    if (firsts.length === options.n || draws >= options.n * MAXIMUM_DRAWS_PER_QUESTION) break;
  }
  // Repeats are later draws of the same questions, with their own ids: independent episodes.
  const problems = [...firsts, ...repeats.slice(0, options.n - firsts.length)];
  return { problems, distinct: firsts.length, exhausted: firsts.length < options.n };
}
