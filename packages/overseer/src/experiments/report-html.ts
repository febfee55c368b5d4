/**
 * report.html: one self-contained page — inline CSS, inline SVG plots, tables and transcripts —
 * with no script at all and a Content-Security-Policy that forbids any. Every piece of text
 * (model output, judgments, names from the config) is HTML-escaped.
 */
import { escapeXml } from './plot.ts';
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
  ExperimentOutline,
  ExpertErrorCase,
  HeadlineOutline,
  ReportOutline,
  StepOutline,
  TranscriptOutline,
} from './report-outline.ts';

/** Escapes text for HTML content and attributes. */
export const escapeHtml = escapeXml;

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  color: #1d1d1f; max-width: 1100px; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; margin-bottom: .25rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
h3 { margin-top: 1.75rem; }
table { border-collapse: collapse; margin: .75rem 0 1rem; font-variant-numeric: tabular-nums; }
/* A table wider than the page scrolls inside itself, so the page never scrolls sideways. */
table { display: block; max-width: 100%; overflow-x: auto; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .3rem .7rem; text-align: left; }
th { background: #f6f6f6; font-weight: 600; }
td.number, th.number { text-align: right; white-space: nowrap; }
figure { margin: 1rem 0 1.75rem; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9rem; margin-top: .3rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
code { background: #f3f3f3; padding: 0 .25em; border-radius: 3px; white-space: pre-wrap;
  word-break: break-all; }
pre { background: #f6f6f6; padding: .6rem .8rem; overflow-x: auto; }
details { border: 1px solid #e3e3e3; border-radius: 6px; padding: .4rem .8rem; margin: .6rem 0; }
summary { cursor: pointer; font-weight: 600; }
ul.steps { list-style: none; padding-left: 1.2rem; margin: .3rem 0; }
ul.steps > li { margin: .25rem 0; }
.kind { display: inline-block; min-width: 6.5rem; color: #555; font-size: .85rem; }
.producer { color: #777; font-size: .85rem; }
.judgment { display: block; margin-left: 6.5rem; font-size: .9rem; }
.good { color: #0a7a3d; } .bad { color: #b3261e; } .neutral { color: #8a6d00; }
.turns { margin: .2rem 0 .2rem 6.5rem; font-size: .88rem; color: #333; }
.failed { color: #b3261e; }
.muted { color: #666; }
dl.notation dt { font-weight: 600; }
dl.notation dd { margin: 0 0 .6rem 1.2rem; }
`;

function cell(text: string, numeric = false): string {
  return numeric ? `<td class="number">${escapeHtml(text)}</td>` : `<td>${escapeHtml(text)}</td>`;
}

/** An HTML table; `numeric` says which columns to right-align. */
function table(headers: string[], rows: string[][], numeric: (column: number) => boolean): string {
  const head = headers
    .map((header, index) =>
      numeric(index)
        ? `<th class="number">${escapeHtml(header)}</th>`
        : `<th>${escapeHtml(header)}</th>`,
    )
    .join('');
  const body = rows
    .map((row) => `<tr>${row.map((text, index) => cell(text, numeric(index))).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Text whose `backticked` spans become <code>, everything escaped. */
function withCodeSpans(text: string): string {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}

function code(text: string): string {
  return text.length === 0 ? '<em class="muted">(empty)</em>' : `<code>${escapeHtml(text)}</code>`;
}

function tone(score: number): string {
  return score > 0 ? 'good' : score < 0 ? 'bad' : 'neutral';
}

/** The step's line: what it was given → what it produced, who, its reward and judgment. */
function stepHtml({ step, judgment, reward }: StepOutline): string {
  let item =
    `<li><span class="kind">${escapeHtml(step.kind)}</span>${code(step.input)} → ${code(step.output)} ` +
    `<span class="producer">${escapeHtml(step.producer)}</span>`;
  if (reward !== undefined) item += ` <span class="producer">reward ${escapeHtml(reward)}</span>`;
  if (judgment !== undefined) {
    item +=
      `<span class="judgment"><b class="${tone(judgment.score)}" title="score: the number the reward used">${escapeHtml(judgment.signedScore)}</b> ` +
      `<span class="muted">(${judgment.clipped === undefined ? '' : `${escapeHtml(judgment.clipped)}; `}${escapeHtml(judgment.judgedBy)})</span> ` +
      `${escapeHtml(judgment.rationale)}</span>`;
    if (judgment.turns.length > 0) {
      item += `<div class="turns">${judgment.turns
        .map(
          (turn) =>
            `<div><i>${escapeHtml(turn.speaker)}</i>${turn.position === undefined ? '' : ` (for ${code(turn.position)})`}: ${escapeHtml(turn.text)}</div>`,
        )
        .join('')}</div>`;
    }
  }
  return item;
}

/** The steps as nested lists that follow the tree: a list opens going deeper, closes coming back. */
function stepsHtml(steps: readonly StepOutline[]): string[] {
  const parts: string[] = [];
  let depth = -1;
  for (const step of steps) {
    if (step.depth > depth) {
      for (let level = depth; level < step.depth; level += 1) parts.push('<ul class="steps">');
    } else {
      parts.push('</li>');
      for (let level = depth; level > step.depth; level -= 1) parts.push('</ul></li>');
    }
    depth = step.depth;
    parts.push(stepHtml(step));
  }
  if (depth >= 0) {
    parts.push('</li>');
    for (let level = depth; level > 0; level -= 1) parts.push('</ul></li>');
    parts.push('</ul>');
  }
  return parts;
}

function transcriptHtml(transcript: TranscriptOutline): string {
  const parts: string[] = [
    '<details open>',
    `<summary>${escapeHtml(transcript.arm)}: ${escapeHtml(transcript.heading)}${escapeHtml(transcript.seed)}</summary>`,
    `<p>Question ${code(transcript.question)}` +
      (transcript.referenceAnswer === undefined
        ? ''
        : ` · reference answer ${code(transcript.referenceAnswer)}`) +
      ` · answer ${transcript.answer === null ? '<em class="muted">(none)</em>' : code(transcript.answer)}</p>`,
    ...(transcript.chosen === undefined
      ? []
      : [`<p class="muted">${escapeHtml(transcript.chosen)}</p>`]),
    ...stepsHtml(transcript.steps),
  ];
  if (transcript.outcome !== undefined) {
    const { use, description } = transcript.outcome;
    parts.push(`<p>${escapeHtml(use)}: ${escapeHtml(description)}.</p>`);
  }
  if (transcript.returns !== undefined) {
    parts.push(`<p>Returns: ${escapeHtml(transcript.returns)}.</p>`);
  }
  parts.push('</details>');
  return parts.join('\n');
}

/** A copied and a corrected error of the weak expert: question, answers and arm, or why none. */
function expertErrorsHtml(cases: readonly ExpertErrorCase[]): string[] {
  const body = [
    '<h3>Copied and corrected errors</h3>',
    `<p class="muted">${EXPERT_ERRORS_NOTE}</p>`,
  ];
  for (const { heading, meaning, error, absent } of cases) {
    if (error === undefined) {
      body.push(`<p><b>${escapeHtml(heading)}</b>: ${escapeHtml(absent)}</p>`);
      continue;
    }
    body.push(
      '<details open>',
      `<summary>${escapeHtml(heading)} (${escapeHtml(meaning)}): ${escapeHtml(error.arm)}${escapeHtml(error.seed)}</summary>`,
      table(
        ['question', 'right answer', 'expert’s answer', 'student’s answer', 'arm'],
        [
          [
            error.question,
            error.rightAnswer ?? '—',
            error.expertAnswer ?? '—',
            error.studentAnswer ?? '(none)',
            error.arm,
          ],
        ],
        () => false,
      ),
      '</details>',
    );
  }
  return body;
}

/** The title, where the results came from, and the command that reproduces them. */
function openingHtml(outline: ReportOutline): string[] {
  const body = [`<h1>${escapeHtml(outline.title)}</h1>`];
  const provenance = [
    outline.source === undefined ? undefined : `Experiments from ${code(outline.source)}`,
    outline.createdAt === undefined ? undefined : `written ${escapeHtml(outline.createdAt)}`,
  ].filter((part) => part !== undefined);
  if (provenance.length > 0) body.push(`<p class="muted">${provenance.join(', ')}.</p>`);
  if (outline.command !== undefined) {
    body.push(`<p>Reproduce with:</p><pre>${escapeHtml(outline.command)}</pre>`);
  }
  return body;
}

function headlineHtml(headline: HeadlineOutline | undefined): string[] {
  if (headline === undefined) return ['<h2>Headline</h2>', '<p>No arm has results yet.</p>'];
  const rows = headline.rows.map((row) => [row.experiment, row.arm, ...row.values]);
  return [
    '<h2>Headline</h2>',
    table(['experiment', 'arm', ...headline.metrics], rows, (column) => column >= 2),
    ...(headline.averaged ? [`<p class="muted">${AVERAGED_NOTE}</p>`] : []),
  ];
}

/** The arm table, the arms' descriptions and their failures. */
function armsHtml(arms: NonNullable<ExperimentOutline['arms']>): string[] {
  const body = [
    table(
      ['arm', ...arms.metrics, ...arms.parameters, WALL_TIME_COLUMN],
      arms.rows.map((row) => [row.arm, ...row.metrics, ...row.parameters, row.wallTime]),
      (column) => isNumericArmColumn(arms, column),
    ),
    `<p class="muted">${escapeHtml(WALL_TIME_NOTE)}</p>`,
  ];
  if (arms.described.length > 0) {
    body.push(
      `<ul>${arms.described.map(({ arm, description }) => `<li><b>${escapeHtml(arm)}</b>: ${escapeHtml(description)}</li>`).join('')}</ul>`,
    );
  }
  for (const { arm, error } of arms.failures) {
    body.push(`<p class="failed"><b>${escapeHtml(arm)} failed</b>: ${escapeHtml(error)}</p>`);
  }
  return body;
}

function experimentHtml(experiment: ExperimentOutline): string[] {
  const body = [`<h2>${escapeHtml(experiment.name)}</h2>`];
  if (experiment.description) body.push(`<p>${escapeHtml(experiment.description)}</p>`);
  if (experiment.facts.length > 0) {
    body.push(`<p class="muted">${escapeHtml(experiment.facts.join(' · '))}.</p>`);
  }
  if (experiment.arms !== undefined) body.push(...armsHtml(experiment.arms));
  if (experiment.figures.length > 0) {
    body.push('<h3>Plots</h3>');
    for (const figure of experiment.figures) {
      body.push(
        `<figure>\n${figure.svg}\n<figcaption>${escapeHtml(figure.caption)}</figcaption>\n</figure>`,
      );
    }
  }
  if (experiment.notation.length > 0) {
    body.push(
      '<h3>Task notation</h3>',
      '<dl class="notation">',
      ...experiment.notation.map(
        ({ family, notation }) =>
          `<dt>${escapeHtml(family)}</dt><dd>${withCodeSpans(notation)}</dd>`,
      ),
      '</dl>',
    );
  }
  if (experiment.transcripts.length > 0) {
    body.push(
      '<h3>Transcripts</h3>',
      `<p class="muted">${escapeHtml(transcriptsNote(experiment.evaluatedOn))}</p>`,
      ...experiment.transcripts.map(transcriptHtml),
    );
  }
  if (experiment.expertErrors !== undefined)
    body.push(...expertErrorsHtml(experiment.expertErrors));
  return body;
}

/** The whole self-contained report.html. */
export function renderHtml(results: Results, figures: Figure[]): string {
  const outline = reportOutline(results, figures);
  const body = [
    ...openingHtml(outline),
    ...headlineHtml(outline.headline),
    ...outline.experiments.flatMap(experimentHtml),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(outline.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
