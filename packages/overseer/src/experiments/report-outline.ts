/**
 * What a report says, in the order it says it, before any markup: the opening, the headline
 * table, and per experiment its facts, arm table, plots, transcripts and, where the weak expert
 * errs on purpose, a copied and a corrected error of it. report-html.ts and
 * report-markdown.ts lay the same outline out in their own markup; every string here is raw text
 * that the renderer escapes.
 */
import type { Judgment, Turn } from '../spec/index.ts';
import { notationOf } from '../tasks/notation.ts';
import type { Figure } from './report-plots.ts';
import { TRANSCRIPT_RANKING } from './report.ts';
import type { ArmResult, Results, Transcript, TranscriptStep } from './report.ts';
import {
  allMetrics,
  armGroups,
  clippedFrom,
  describeOutcome,
  evaluatedOn,
  formatMetric,
  headlineMetrics,
  judgedBy,
  outcomeUse,
  signed,
  transcriptHeading,
  transcriptTree,
  trueReturn,
} from './report-format.ts';
import type { ArmGroup } from './report-format.ts';

/** The headline table: one row per arm of every experiment. */
export interface HeadlineOutline {
  /** Every metric some experiment headlines; an experiment's row leaves the others empty. */
  metrics: string[];
  rows: Array<{ experiment: string; arm: string; values: string[] }>;
  /** Some arm ran several seeds, so values are means ± one standard deviation. */
  averaged: boolean;
}

/** One experiment's table of arms: metrics, the parameters that vary, wall time. */
export interface ArmTableOutline {
  metrics: string[];
  parameters: string[];
  rows: Array<{ arm: string; metrics: string[]; parameters: string[]; wallTime: string }>;
  /** Arms with a description, for the list under the table. */
  described: Array<{ arm: string; description: string }>;
  failures: Array<{ arm: string; error: string }>;
}

/** The overseer's judgment of a step, its numbers formatted. */
export interface JudgmentOutline {
  /** −1 … +1, for its colour. */
  score: number;
  /** The score signed: `+1.00`, `−0.50` — the number the reward used. */
  signedScore: string;
  /** `clipped from −1.010` when the score was clipped into [−1, 1]. */
  clipped: string | undefined;
  /** Who judged and how (see `judgedBy`). */
  judgedBy: string;
  rationale: string;
  /** The debate or consultation behind the verdict; empty when there was none. */
  turns: Turn[];
}

/** One step of a transcript with its depth in the tree. */
export interface StepOutline {
  step: TranscriptStep;
  depth: number;
  judgment: JudgmentOutline | undefined;
  /** The step's reward, signed, when it was paid one. */
  reward: string | undefined;
}

/** A representative episode as the report shows it. */
export interface TranscriptOutline {
  arm: string;
  /** `best episode`, `a right answer through a wrong step` … */
  heading: string;
  /** `, seed S`, or empty when the transcript names no seed. */
  seed: string;
  /** How a best or worst episode was picked; absent for the others, whose heading says it. */
  chosen: string | undefined;
  question: string;
  referenceAnswer: string | undefined;
  answer: string | null;
  steps: StepOutline[];
  /** How the outcome entered the reward, and the outcome in words. */
  outcome: { use: string; description: string } | undefined;
  /** The paid and the true return, labelled, when the arm was paid rewards. */
  returns: string | undefined;
}

/** What a transcript's step line shows, said once above the transcripts. */
export function transcriptsNote(evaluatedOn: string): string {
  return (
    `Representative ${evaluatedOn} episodes. Each step shows what it was given → what it produced, who produced it, and the overseer’s judgment made on paper: ` +
    'its score in [−1, 1] — the number the process reward is built from, and a step is approved when it is ≥ 0 — then, in brackets, the rating that summarises the score’s sign and who judged (“clipped from” gives a value the score was clipped from); ' +
    '“reward” is what the step was paid after the dial λ and credit assignment.'
  );
}

/** An evaluation episode on a question where the weak expert errs, and what the student said. */
export interface ExpertErrorOutline {
  arm: string;
  /** `, seed S`, or empty when the transcript names no seed. */
  seed: string;
  question: string;
  rightAnswer: string | undefined;
  expertAnswer: string | undefined;
  studentAnswer: string | null;
}

/** A copied or a corrected error of the weak expert, or what to say when no episode is one. */
export interface ExpertErrorCase {
  /** `A copied error` … */
  heading: string;
  /** What the student did: gave the expert's wrong answer, or the right one. */
  meaning: string;
  /** The first arm's episode of this case; absent when no arm has one. */
  error: ExpertErrorOutline | undefined;
  /** The sentence shown when `error` is absent. */
  absent: string;
}

/** The note above an experiment's copied and corrected errors. */
export const EXPERT_ERRORS_NOTE =
  'Final-evaluation episodes (first seed) on questions where the weak expert, answering everything itself down to the facts, is wrong; the first arm that has each case.';

/** One experiment's section. */
export interface ExperimentOutline {
  name: string;
  description: string | undefined;
  /** `seeds 1, 2`, `wall time 3.0 s`. */
  facts: string[];
  /** Absent when the experiment has no arm results. */
  arms: ArmTableOutline | undefined;
  figures: Figure[];
  /** What the evaluations drew, lower-cased for a sentence: `held-out` … */
  evaluatedOn: string;
  transcripts: TranscriptOutline[];
  /** The notation of each task family whose questions the experiment's transcripts show. */
  notation: Array<{ family: string; notation: string }>;
  /** A copied and a corrected error; present when the experiment measures `errorCopyRate`. */
  expertErrors: ExpertErrorCase[] | undefined;
}

/** The whole report before markup. */
export interface ReportOutline {
  title: string;
  source: string | undefined;
  createdAt: string | undefined;
  command: string | undefined;
  /** Absent when no arm has results yet. */
  headline: HeadlineOutline | undefined;
  experiments: ExperimentOutline[];
}

/** The arm table's last column, and what it counts. */
export const WALL_TIME_COLUMN = 'wall time, all seeds';
/** The sentence under an arm table that says what its wall time counts. */
export const WALL_TIME_NOTE =
  'Wall time: what an arm took on this machine — pretraining, rounds and evaluations — summed over its seeds and over resumptions (time between interrupted runs not counted); the experiment’s wall time adds up its arms.';

/** The note under a headline of means over seeds. */
export const AVERAGED_NOTE =
  'Values are means over seeds ± one standard deviation (percentage points for rates).';

/** Seconds as the report shows them: `42.0 s`, `3.5 min`, `—` when unknown. */
function seconds(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 120 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
}

/** Parameters that differ between an experiment's arms (the ones worth a column). */
export function varyingParameters(arms: readonly ArmResult[]): string[] {
  const keys = [...new Set(arms.flatMap((arm) => Object.keys(arm.parameters)))];
  return keys.filter(
    (key) => new Set(arms.map((arm) => JSON.stringify(arm.parameters[key] ?? null))).size > 1,
  );
}

/** Whether an arm table's column holds numbers (metrics and wall time), to align it right. */
export function isNumericArmColumn(table: ArmTableOutline, column: number): boolean {
  return (
    (column >= 1 && column <= table.metrics.length) ||
    column === table.metrics.length + table.parameters.length + 1
  );
}

function headlineOutline(
  results: Results,
  groups: readonly ArmGroup[],
): HeadlineOutline | undefined {
  if (results.arms.length === 0) return undefined;
  const metrics = [
    ...new Set(groups.flatMap((group) => headlineMetrics(results, group.experiment))),
  ];
  const rows = groups.flatMap((group) => {
    const own = headlineMetrics(results, group.experiment);
    return group.arms.map((arm) => ({
      experiment: group.experiment,
      arm: arm.arm,
      values: metrics.map((metric) => (own.includes(metric) ? formatMetric(metric, arm) : '')),
    }));
  });
  return { metrics, rows, averaged: results.arms.some((arm) => arm.seeds.length > 1) };
}

function armTableOutline(arms: readonly ArmResult[]): ArmTableOutline | undefined {
  if (arms.length === 0) return undefined;
  const metrics = allMetrics(arms);
  const parameters = varyingParameters(arms);
  return {
    metrics,
    parameters,
    rows: arms.map((arm) => ({
      arm: arm.arm,
      metrics: metrics.map((metric) => formatMetric(metric, arm)),
      parameters: parameters.map((key) => String(arm.parameters[key] ?? '—')),
      wallTime: seconds(arm.wallSeconds),
    })),
    described: arms
      .filter((arm) => arm.description)
      .map((arm) => ({ arm: arm.arm, description: arm.description ?? '' })),
    failures: arms
      .filter((arm) => arm.status === 'failed')
      .map((arm) => ({
        arm: arm.arm,
        error:
          arm.error === undefined ? 'no error recorded' : `${arm.error.name}: ${arm.error.message}`,
      })),
  };
}

function judgmentOutline(judgment: Judgment): JudgmentOutline {
  return {
    score: judgment.score,
    signedScore: signed(judgment.score),
    clipped: clippedFrom(judgment),
    judgedBy: judgedBy(judgment),
    rationale: judgment.rationale,
    turns: judgment.transcript ?? [],
  };
}

function transcriptOutline(transcript: Transcript): TranscriptOutline {
  const outcome = describeOutcome(transcript);
  return {
    arm: transcript.arm,
    heading: transcriptHeading(transcript.label),
    seed: transcript.seed === undefined ? '' : `, seed ${transcript.seed}`,
    chosen:
      transcript.label === 'best' || transcript.label === 'worst'
        ? `The ${transcript.label} of the arm’s evaluation episodes, ${TRANSCRIPT_RANKING}.`
        : undefined,
    question: transcript.problem.question,
    referenceAnswer: transcript.problem.answer,
    answer: transcript.answer,
    steps: transcriptTree(transcript).map(({ step, depth }) => ({
      step,
      depth,
      judgment: step.judgment === undefined ? undefined : judgmentOutline(step.judgment),
      reward: step.reward === undefined ? undefined : signed(step.reward),
    })),
    outcome:
      outcome === undefined ? undefined : { use: outcomeUse(transcript), description: outcome },
    returns:
      transcript.return === undefined
        ? undefined
        : [
            `paid return ${signed(transcript.return)} (the sum of the step rewards the trainer was paid)`,
            trueReturn(transcript) === undefined
              ? undefined
              : `true return ${trueReturn(transcript)} (the outcome’s true reward)`,
          ]
            .filter((part) => part !== undefined)
            .join(' · '),
  };
}

/** The labels of the transcripts the expert-errors section shows instead of the transcripts list. */
const EXPERT_ERROR_LABELS: ReadonlySet<Transcript['label']> = new Set([
  'copied-error',
  'corrected-error',
]);

function expertErrorOutline(transcript: Transcript | undefined): ExpertErrorOutline | undefined {
  if (transcript === undefined) return undefined;
  return {
    arm: transcript.arm,
    seed: transcript.seed === undefined ? '' : `, seed ${transcript.seed}`,
    question: transcript.problem.question,
    rightAnswer: transcript.problem.answer,
    expertAnswer: transcript.expertAnswer,
    studentAnswer: transcript.answer,
  };
}

/** The first arm's copied and corrected error, for an experiment that measures errorCopyRate. */
function expertErrorsOutline(
  results: Results,
  experiment: string,
  transcripts: readonly Transcript[],
): ExpertErrorCase[] | undefined {
  if (!headlineMetrics(results, experiment).includes('errorCopyRate')) return undefined;
  const first = (label: Transcript['label']) =>
    expertErrorOutline(transcripts.find((transcript) => transcript.label === label));
  return [
    {
      heading: 'A copied error',
      meaning: 'the student gave the expert’s wrong answer',
      error: first('copied-error'),
      absent: 'No arm gave the expert’s wrong answer on any evaluated question it errs on.',
    },
    {
      heading: 'A corrected error',
      meaning: 'the student gave the right answer where the expert is wrong',
      error: first('corrected-error'),
      absent: 'No arm gave the right answer on any evaluated question the expert errs on.',
    },
  ];
}

function experimentOutline(
  results: Results,
  group: ArmGroup,
  figures: readonly Figure[],
): ExperimentOutline {
  const summary = group.summary;
  const transcripts = results.transcripts.filter(
    (transcript) => transcript.experiment === group.experiment,
  );
  return {
    name: group.experiment,
    description: summary?.description || undefined,
    facts: [
      summary?.seeds.length ? `seeds ${summary.seeds.join(', ')}` : undefined,
      summary?.wallSeconds === undefined ? undefined : `wall time ${seconds(summary.wallSeconds)}`,
    ].filter((fact) => fact !== undefined),
    arms: armTableOutline(group.arms),
    figures: figures.filter((figure) => figure.experiment === group.experiment),
    evaluatedOn: evaluatedOn(results, group.experiment).toLowerCase(),
    transcripts: transcripts
      .filter((transcript) => !EXPERT_ERROR_LABELS.has(transcript.label))
      .map(transcriptOutline),
    notation: notationOutline(transcripts),
    expertErrors: expertErrorsOutline(results, group.experiment, transcripts),
  };
}

/** The legend of every family the transcripts' questions come from, in first-seen order. */
function notationOutline(
  transcripts: readonly Transcript[],
): Array<{ family: string; notation: string }> {
  const families = [...new Set(transcripts.map((transcript) => transcript.problem.family))];
  return families.flatMap((family) => {
    const notation = notationOf(family);
    // A family the registry no longer knows (older results) has no legend to show.
    return notation === undefined ? [] : [{ family, notation }];
  });
}

/** The report's content in order, for a renderer to lay out. */
export function reportOutline(results: Results, figures: readonly Figure[]): ReportOutline {
  const groups = armGroups(results);
  return {
    title: results.title ?? 'Experiment report',
    source: results.source,
    createdAt: results.createdAt,
    command: results.command,
    headline: headlineOutline(results, groups),
    experiments: groups.map((group) => experimentOutline(results, group, figures)),
  };
}
