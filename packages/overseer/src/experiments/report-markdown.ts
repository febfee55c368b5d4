/**
 * report.md: the headline table, per-experiment tables, links to the SVG plots and transcripts
 * as indented step lists with their judgments. Model text goes into code spans (which Markdown
 * renders literally) and every other free text is backslash-escaped, so a transcript cannot
 * inject HTML or links into the report.
 */
import type { Figure } from './report-plots.ts';
import type { ArmResult, Results, Transcript } from './report.ts';
import {
  allMetrics,
  armGroups,
  describeOutcome,
  formatMetric,
  headlineMetrics,
  judgedBy,
  outcomeUse,
  signed,
  transcriptTree,
  evaluatedOn,
  transcriptHeading,
} from './report-format.ts';

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

/** Parameters that differ between an experiment's arms (the ones worth a column). */
export function varyingParameters(arms: readonly ArmResult[]): string[] {
  const keys = [...new Set(arms.flatMap((arm) => Object.keys(arm.parameters)))];
  return keys.filter(
    (key) => new Set(arms.map((arm) => JSON.stringify(arm.parameters[key] ?? null))).size > 1,
  );
}

function seconds(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 120 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
}

function transcriptLines(transcript: Transcript): string[] {
  const seed = transcript.seed === undefined ? '' : `, seed ${transcript.seed}`;
  const lines = [
    `#### ${markdownText(transcript.arm)}: ${transcriptHeading(transcript.label)}${seed}`,
    '',
    `Question ${markdownCode(transcript.problem.question)}` +
      (transcript.problem.answer === undefined
        ? ''
        : ` · reference answer ${markdownCode(transcript.problem.answer)}`) +
      ` · answer ${transcript.answer === null ? '*(none)*' : markdownCode(transcript.answer)}`,
    '',
  ];
  for (const { step, depth } of transcriptTree(transcript)) {
    const indent = '  '.repeat(depth);
    let line = `${indent}- **${step.kind}** ${markdownCode(step.input)} → ${markdownCode(step.output)} · ${markdownText(step.producer)}`;
    const judgment = step.judgment;
    if (judgment !== undefined) {
      line += ` — judged **${signed(judgment.score)}** (${markdownText(judgedBy(judgment))}): ${markdownText(judgment.rationale)}`;
    }
    if (step.reward !== undefined) line += ` · reward ${signed(step.reward)}`;
    lines.push(line);
    for (const turn of judgment?.transcript ?? []) {
      const position = turn.position === undefined ? '' : ` (for ${markdownCode(turn.position)})`;
      lines.push(
        `${indent}  - *${markdownText(turn.speaker)}*${position}: ${markdownText(turn.text)}`,
      );
    }
  }
  const outcome = describeOutcome(transcript);
  lines.push('');
  if (outcome !== undefined) lines.push(`${outcomeUse(transcript)}: ${markdownText(outcome)}.`);
  if (transcript.return !== undefined) {
    lines.push(`${outcome === undefined ? '' : '\n'}Return: ${signed(transcript.return)}.`);
  }
  lines.push('');
  return lines;
}

/** The whole report.md; `plotDirectory` is where the figures' SVG files sit, relative to it. */
export function renderMarkdown(results: Results, figures: Figure[], plotDirectory: string): string {
  const groups = armGroups(results);
  const lines: string[] = [`# ${markdownText(results.title ?? 'Experiment report')}`, ''];
  const provenance = [
    results.source === undefined ? undefined : `Experiments from ${markdownCode(results.source)}`,
    results.createdAt === undefined ? undefined : `written ${markdownText(results.createdAt)}`,
  ].filter((part) => part !== undefined);
  if (provenance.length > 0) lines.push(`${provenance.join(', ')}.`, '');
  if (results.command !== undefined) {
    lines.push('Reproduce with:', '', '```sh', results.command.replace(/```/g, '` ` `'), '```', '');
  }

  const headline = [
    ...new Set(groups.flatMap((group) => headlineMetrics(results, group.experiment))),
  ];
  lines.push('## Headline', '');
  if (results.arms.length === 0) {
    lines.push('No arm has results yet.', '');
  } else {
    const rows = groups.flatMap((group) => {
      const own = headlineMetrics(results, group.experiment);
      return group.arms.map((arm) => [
        markdownText(group.experiment),
        markdownText(arm.arm),
        ...headline.map((metric) => (own.includes(metric) ? formatMetric(metric, arm) : '')),
      ]);
    });
    lines.push(...table(['experiment', 'arm', ...headline], rows, (column) => column >= 2), '');
    if (results.arms.some((arm) => arm.seeds.length > 1)) {
      lines.push(
        'Values are means over seeds ± one standard deviation (percentage points for rates).',
        '',
      );
    }
  }

  for (const group of groups) {
    lines.push(`## ${markdownText(group.experiment)}`, '');
    if (group.summary?.description) lines.push(markdownText(group.summary.description), '');
    const facts = [
      group.summary?.seeds.length ? `seeds ${group.summary.seeds.join(', ')}` : undefined,
      group.summary?.wallSeconds === undefined
        ? undefined
        : `wall time ${seconds(group.summary.wallSeconds)}`,
    ].filter((fact) => fact !== undefined);
    if (facts.length > 0) lines.push(`${facts.join(' · ')}.`, '');

    if (group.arms.length > 0) {
      const metrics = allMetrics(group.arms);
      const parameters = varyingParameters(group.arms);
      const rows = group.arms.map((arm) => [
        markdownText(arm.arm),
        ...metrics.map((metric) => formatMetric(metric, arm)),
        ...parameters.map((key) => markdownText(String(arm.parameters[key] ?? '—'))),
        seconds(arm.wallSeconds),
      ]);
      lines.push(
        ...table(
          ['arm', ...metrics, ...parameters.map(markdownText), 'wall time'],
          rows,
          (column) =>
            (column >= 1 && column <= metrics.length) ||
            column === metrics.length + parameters.length + 1,
        ),
        '',
      );
      const described = group.arms.filter((arm) => arm.description);
      if (described.length > 0) {
        lines.push(
          ...described.map(
            (arm) => `- **${markdownText(arm.arm)}**: ${markdownText(arm.description ?? '')}`,
          ),
          '',
        );
      }
      for (const arm of group.arms.filter((candidate) => candidate.status === 'failed')) {
        const error =
          arm.error === undefined ? 'no error recorded' : `${arm.error.name}: ${arm.error.message}`;
        lines.push(`**${markdownText(arm.arm)} failed**: ${markdownText(error)}`, '');
      }
    }

    const own = figures.filter((figure) => figure.experiment === group.experiment);
    if (own.length > 0) {
      lines.push('### Plots', '');
      for (const figure of own) {
        lines.push(
          `![${markdownText(figure.title)}](${plotDirectory}/${encodeURIComponent(figure.id)}.svg)`,
          '',
          `*${markdownText(figure.caption)}*`,
          '',
        );
      }
    }

    const transcripts = results.transcripts.filter(
      (transcript) => transcript.experiment === group.experiment,
    );
    if (transcripts.length > 0) {
      lines.push(
        '### Transcripts',
        '',
        `Representative ${evaluatedOn(results, group.experiment).toLowerCase()} episodes. Each step shows what it was given → what it produced, who produced it, and the overseer’s judgment made on paper (score in [−1, 1]).`,
        '',
      );
      for (const transcript of transcripts) lines.push(...transcriptLines(transcript));
    }
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
