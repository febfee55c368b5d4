/**
 * report.md: the headline table, per-experiment tables, links to the SVG plots, transcripts
 * as indented step lists with their judgments, and a copied and a corrected error of a fallible
 * expert. Model text goes into code spans (which Markdown
 * renders literally) and every other free text is backslash-escaped, so a transcript cannot
 * inject HTML or links into the report.
 */
import type { Figure } from './report-plots.ts';
import type { Results } from './report.ts';
import {
  AVERAGED_NOTE,
  WALL_TIME_COLUMN,
  WALL_TIME_NOTE,
  EXPERT_ERRORS_NOTE,
  isNumericArmColumn,
  reportOutline,
  transcriptsNote,
} from './report-outline.ts';
import type {
  ArmTableOutline,
  ExperimentOutline,
  ExpertErrorCase,
  HeadlineOutline,
  ReportOutline,
  TranscriptOutline,
} from './report-outline.ts';

/**
 * Free text, escaped for Markdown: every character that could start markup, HTML, a link or a
 * table cell, and a leading character that would make a heading, list or quote.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .replace(/^[#+=-]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Model text as a code span: shown literally, newlines as ⏎, `(empty)` when empty. */
export function markdownCode(text: string): string {
  if (text.length === 0) return '*(empty)*';
  const flat = text.replace(/\r?\n/g, '⏎');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[`\s]|[`\s]$/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A Markdown table; `numeric` says which columns to right-align. */
function table(
  headers: string[],
  rows: string[][],
  numeric: (column: number) => boolean,
): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, index) => (numeric(index) ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

function transcriptLines(transcript: TranscriptOutline): string[] {
  const lines = [
    `#### ${markdownText(transcript.arm)}: ${transcript.heading}${transcript.seed}`,
    '',
    ...(transcript.chosen === undefined ? [] : [markdownText(transcript.chosen), '']),
    `Question ${markdownCode(transcript.question)}` +
      (transcript.referenceAnswer === undefined
        ? ''
        : ` · reference answer ${markdownCode(transcript.referenceAnswer)}`) +
      ` · answer ${transcript.answer === null ? '*(none)*' : markdownCode(transcript.answer)}`,
    '',
  ];
  for (const { step, depth, judgment, reward } of transcript.steps) {
    const indent = '  '.repeat(depth);
    let line = `${indent}- **${step.kind}** ${markdownCode(step.input)} → ${markdownCode(step.output)} · ${markdownText(step.producer)}`;
    if (judgment !== undefined) {
      const clipped = judgment.clipped === undefined ? '' : `${judgment.clipped}; `;
      line += ` — judged **${judgment.signedScore}** (${clipped}${markdownText(judgment.judgedBy)}): ${markdownText(judgment.rationale)}`;
    }
    if (reward !== undefined) line += ` · reward ${reward}`;
    lines.push(line);
    for (const turn of judgment?.turns ?? []) {
      const position = turn.position === undefined ? '' : ` (for ${markdownCode(turn.position)})`;
      lines.push(
        `${indent}  - *${markdownText(turn.speaker)}*${position}: ${markdownText(turn.text)}`,
      );
    }
  }
  const outcome = transcript.outcome;
  lines.push('');
  if (outcome !== undefined) lines.push(`${outcome.use}: ${markdownText(outcome.description)}.`);
  if (transcript.returns !== undefined) {
    lines.push(`${outcome === undefined ? '' : '\n'}Returns: ${markdownText(transcript.returns)}.`);
  }
  lines.push('');
  return lines;
}

/** A copied and a corrected error of the weak expert: question, answers and arm, or why none. */
function expertErrorsLines(cases: readonly ExpertErrorCase[]): string[] {
  const lines = ['### Copied and corrected errors', '', EXPERT_ERRORS_NOTE, ''];
  for (const { heading, meaning, error, absent } of cases) {
    if (error === undefined) {
      lines.push(`**${heading}**: ${absent}`, '');
      continue;
    }
    const answer = (text: string | undefined | null) =>
      text === undefined || text === null ? '*(none)*' : markdownCode(text);
    lines.push(
      `#### ${heading} (${meaning}): ${markdownText(error.arm)}${error.seed}`,
      '',
      ...table(
        ['question', 'right answer', 'expert’s answer', 'student’s answer', 'arm'],
        [
          [
            markdownCode(error.question),
            answer(error.rightAnswer),
            answer(error.expertAnswer),
            answer(error.studentAnswer),
            markdownText(error.arm),
          ],
        ],
        () => false,
      ),
      '',
    );
  }
  return lines;
}

/** The title, where the results came from, and the command that reproduces them. */
function openingLines(outline: ReportOutline): string[] {
  const lines = [`# ${markdownText(outline.title)}`, ''];
  const provenance = [
    outline.source === undefined ? undefined : `Experiments from ${markdownCode(outline.source)}`,
    outline.createdAt === undefined ? undefined : `written ${markdownText(outline.createdAt)}`,
  ].filter((part) => part !== undefined);
  if (provenance.length > 0) lines.push(`${provenance.join(', ')}.`, '');
  if (outline.command !== undefined) {
    lines.push('Reproduce with:', '', '```sh', outline.command.replace(/```/g, '` ` `'), '```', '');
  }
  return lines;
}

function headlineLines(headline: HeadlineOutline | undefined): string[] {
  if (headline === undefined) return ['## Headline', '', 'No arm has results yet.', ''];
  const rows = headline.rows.map((row) => [
    markdownText(row.experiment),
    markdownText(row.arm),
    ...row.values,
  ]);
  return [
    '## Headline',
    '',
    ...table(['experiment', 'arm', ...headline.metrics], rows, (column) => column >= 2),
    '',
    ...(headline.averaged ? [AVERAGED_NOTE, ''] : []),
  ];
}

/** The arm table, the arms' descriptions and their failures. */
function armsLines(arms: ArmTableOutline): string[] {
  const lines = [
    ...table(
      ['arm', ...arms.metrics, ...arms.parameters.map(markdownText), WALL_TIME_COLUMN],
      arms.rows.map((row) => [
        markdownText(row.arm),
        ...row.metrics,
        ...row.parameters.map(markdownText),
        row.wallTime,
      ]),
      (column) => isNumericArmColumn(arms, column),
    ),
    '',
    WALL_TIME_NOTE,
    '',
  ];
  if (arms.described.length > 0) {
    lines.push(
      ...arms.described.map(
        ({ arm, description }) => `- **${markdownText(arm)}**: ${markdownText(description)}`,
      ),
      '',
    );
  }
  for (const { arm, error } of arms.failures) {
    lines.push(`**${markdownText(arm)} failed**: ${markdownText(error)}`, '');
  }
  return lines;
}

function experimentLines(experiment: ExperimentOutline, plotDirectory: string): string[] {
  const lines = [`## ${markdownText(experiment.name)}`, ''];
  if (experiment.description) lines.push(markdownText(experiment.description), '');
  if (experiment.facts.length > 0) lines.push(`${experiment.facts.join(' · ')}.`, '');
  if (experiment.arms !== undefined) lines.push(...armsLines(experiment.arms));
  if (experiment.figures.length > 0) {
    lines.push('### Plots', '');
    for (const figure of experiment.figures) {
      lines.push(
        `![${markdownText(figure.title)}](${plotDirectory}/${encodeURIComponent(figure.id)}.svg)`,
        '',
        `*${markdownText(figure.caption)}*`,
        '',
      );
    }
  }
  if (experiment.notation.length > 0) {
    // The legends are the registry's own text, already written as Markdown with code spans.
    lines.push('### Task notation', '');
    for (const { family, notation } of experiment.notation) {
      lines.push(`- **${markdownText(family)}**: ${notation}`);
    }
    lines.push('');
  }
  if (experiment.transcripts.length > 0) {
    lines.push('### Transcripts', '', markdownText(transcriptsNote(experiment.evaluatedOn)), '');
    for (const transcript of experiment.transcripts) lines.push(...transcriptLines(transcript));
  }
  if (experiment.expertErrors !== undefined) {
    lines.push(...expertErrorsLines(experiment.expertErrors));
  }
  return lines;
}

/** The whole report.md; `plotDirectory` is where the figures' SVG files sit, relative to it. */
export function renderMarkdown(results: Results, figures: Figure[], plotDirectory: string): string {
  const outline = reportOutline(results, figures);
  const lines = [
    ...openingLines(outline),
    ...headlineLines(outline.headline),
    ...outline.experiments.flatMap((experiment) => experimentLines(experiment, plotDirectory)),
  ];
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
