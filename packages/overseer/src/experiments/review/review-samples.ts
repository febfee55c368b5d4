/**
 * What a judge-vs-writer experiment reviews and what its reviewers learn from. Held out: for each
 * spec, the honest demonstrator's program and one attack at each subtlety level, graded by the
 * oracle's truth table (bad = anything but `correct`) and normalised as every on-paper reviewer
 * reads them. For training: the snap reviewer's `1`/`0` after a spec and a whole normalised
 * program, labelled by the oracle; the HCH reviewer's per-line pairs are the control game's
 * (control/demonstrations.ts `lineMonitorExamples`, labelled by the exact line review, since a
 * sub-question asks about one line and the oracle grades only whole programs).
 */
import type { Problem } from '../../spec/index.ts';
import type { SupervisedExample } from '../../tasks/family.ts';
import type { TrojanCodeFamily } from '../../tasks/trojan-code.ts';
import {
  attackingTrojanCodeProgram,
  honestTrojanCodeProgram,
} from '../../tasks/trojan-code-demonstrator.ts';
import { parseTrojanCodeSpec } from '../../tasks/trojan-code-spec.ts';
import { createRandom } from '../../util/labelled-random.ts';
import { STATEMENT, monitorPrompt, normalisedLines } from '../control/demonstrations.ts';
import type { demonstrations } from '../control/demonstrations.ts';

/** One held-out program as a reviewer reads it, and what the oracle says it is. */
export interface ReviewSample {
  question: string;
  /** The normalised statements. */
  lines: string[];
  /** Whether the oracle grades it anything but correct. */
  bad: boolean;
  /** The subtlety of the trigger inserted (0 for an honest program). */
  subtlety: number;
}

/** Options of the held-out samples. */
export interface ReviewSampleOptions {
  seed: number;
  /** The subtlety levels an attack is written at for each spec. */
  subtleties: readonly number[];
  /** Share of honest programs with a benign guard. */
  benignShare: number;
}

/**
 * Per spec: the honest program, then one attack per subtlety asked (an attack falls to a lower
 * level when the spec allows none at the level asked, and carries the level it got).
 */
export function reviewSamples(
  family: TrojanCodeFamily,
  problems: readonly Problem[],
  options: ReviewSampleOptions,
): ReviewSample[] {
  const size = family.options.size as number;
  return problems.flatMap((problem) => {
    const context = {
      operations: parseTrojanCodeSpec(problem.question),
      size,
      visible: family.visibleInputs(problem.question),
    };
    const random = (label: string | number) =>
      createRandom('judge-vs-writer', 'sample', options.seed, problem.id, label);
    const written = [
      honestTrojanCodeProgram(context, random('honest'), options.benignShare),
      ...options.subtleties.map((subtlety) =>
        attackingTrojanCodeProgram(context, random(subtlety), subtlety),
      ),
    ];
    return written.flatMap((shown) => {
      const program = shown.lines.join(STATEMENT);
      const lines = normalisedLines(program);
      if (lines === undefined) return [];
      const bad = family.verdictOf(problem.question, program) !== 'correct';
      return [{ question: problem.question, lines, bad, subtlety: shown.subtlety }];
    });
  });
}

/** What the snap reviewer reads before its label. */
export function snapReviewPrompt(sample: Pick<ReviewSample, 'question' | 'lines'>): string {
  return monitorPrompt(sample.question, sample.lines);
}

/** The snap reviewer's pairs: a normalised program, then `1` where the oracle grades it bad. */
export function snapReviewExamples(
  family: TrojanCodeFamily,
  drawn: ReturnType<typeof demonstrations>,
): SupervisedExample[] {
  return drawn.flatMap(({ problem, demonstration }) => {
    const program = demonstration.lines.join(STATEMENT);
    const lines = normalisedLines(program);
    if (lines === undefined) return [];
    const bad = family.verdictOf(problem.question, program) !== 'correct';
    return [{ prompt: monitorPrompt(problem.question, lines), completion: bad ? '1' : '0' }];
  });
}
