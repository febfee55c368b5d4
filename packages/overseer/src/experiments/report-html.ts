/**
 * report.html: one self-contained page — inline CSS, inline SVG plots, tables and transcripts —
 * with no script at all and a Content-Security-Policy that forbids any. Every piece of text
 * (model output, judgments, names from the config) is HTML-escaped.
 */
import { escapeXml } from './plot.ts';
import type { Figure } from './report-plots.ts';
import type { Results, Transcript } from './report.ts';
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
import { varyingParameters } from './report-markdown.ts';

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

function code(text: string): string {
  return text.length === 0 ? '<em class="muted">(empty)</em>' : `<code>${escapeHtml(text)}</code>`;
}

function tone(score: number): string {
  return score > 0 ? 'good' : score < 0 ? 'bad' : 'neutral';
}

function transcriptHtml(transcript: Transcript): string {
  const seed = transcript.seed === undefined ? '' : `, seed ${transcript.seed}`;
  const parts: string[] = [
    '<details open>',
    `<summary>${escapeHtml(transcript.arm)}: ${escapeHtml(transcriptHeading(transcript.label))}${escapeHtml(seed)}</summary>`,
    `<p>Question ${code(transcript.problem.question)}` +
      (transcript.problem.answer === undefined
        ? ''
        : ` · reference answer ${code(transcript.problem.answer)}`) +
      ` · answer ${transcript.answer === null ? '<em class="muted">(none)</em>' : code(transcript.answer)}</p>`,
  ];
  // Nested lists follow the tree: open a list when going deeper, close when coming back.
  let depth = -1;
  for (const { step, depth: stepDepth } of transcriptTree(transcript)) {
    if (stepDepth > depth) {
      for (let level = depth; level < stepDepth; level += 1) parts.push('<ul class="steps">');
    } else {
      parts.push('</li>');
      for (let level = depth; level > stepDepth; level -= 1) parts.push('</ul></li>');
    }
    depth = stepDepth;
    const judgment = step.judgment;
    let item =
      `<li><span class="kind">${escapeHtml(step.kind)}</span>${code(step.input)} → ${code(step.output)} ` +
      `<span class="producer">${escapeHtml(step.producer)}</span>`;
    if (step.reward !== undefined)
      item += ` <span class="producer">reward ${escapeHtml(signed(step.reward))}</span>`;
    if (judgment !== undefined) {
      item +=
        `<span class="judgment"><b class="${tone(judgment.score)}">${escapeHtml(signed(judgment.score))}</b> ` +
        `<span class="muted">(${escapeHtml(judgedBy(judgment))})</span> ` +
        `${escapeHtml(judgment.rationale)}</span>`;
      if (judgment.transcript !== undefined && judgment.transcript.length > 0) {
        item += `<div class="turns">${judgment.transcript
          .map(
            (turn) =>
              `<div><i>${escapeHtml(turn.speaker)}</i>${turn.position === undefined ? '' : ` (for ${code(turn.position)})`}: ${escapeHtml(turn.text)}</div>`,
          )
          .join('')}</div>`;
      }
    }
    parts.push(item);
  }
  if (depth >= 0) {
    parts.push('</li>');
    for (let level = depth; level > 0; level -= 1) parts.push('</ul></li>');
    parts.push('</ul>');
  }
  const outcome = describeOutcome(transcript);
  if (outcome !== undefined) {
    parts.push(`<p>${escapeHtml(outcomeUse(transcript))}: ${escapeHtml(outcome)}.</p>`);
  }
  if (transcript.return !== undefined) {
    parts.push(`<p>Return: ${escapeHtml(signed(transcript.return))}.</p>`);
  }
  parts.push('</details>');
  return parts.join('\n');
}

function seconds(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 120 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
}

/** The whole self-contained report.html. */
export function renderHtml(results: Results, figures: Figure[]): string {
  const title = results.title ?? 'Experiment report';
  const groups = armGroups(results);
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`];
  const provenance = [
    results.source === undefined ? undefined : `Experiments from ${code(results.source)}`,
    results.createdAt === undefined ? undefined : `written ${escapeHtml(results.createdAt)}`,
  ].filter((part) => part !== undefined);
  if (provenance.length > 0) body.push(`<p class="muted">${provenance.join(', ')}.</p>`);
  if (results.command !== undefined) {
    body.push(`<p>Reproduce with:</p><pre>${escapeHtml(results.command)}</pre>`);
  }

  body.push('<h2>Headline</h2>');
  const headline = [
    ...new Set(groups.flatMap((group) => headlineMetrics(results, group.experiment))),
  ];
  if (results.arms.length === 0) {
    body.push('<p>No arm has results yet.</p>');
  } else {
    const rows = groups.flatMap((group) => {
      const own = headlineMetrics(results, group.experiment);
      return group.arms.map((arm) => [
        group.experiment,
        arm.arm,
        ...headline.map((metric) => (own.includes(metric) ? formatMetric(metric, arm) : '')),
      ]);
    });
    body.push(table(['experiment', 'arm', ...headline], rows, (column) => column >= 2));
    if (results.arms.some((arm) => arm.seeds.length > 1)) {
      body.push(
        '<p class="muted">Values are means over seeds ± one standard deviation (percentage points for rates).</p>',
      );
    }
  }

  for (const group of groups) {
    body.push(`<h2>${escapeHtml(group.experiment)}</h2>`);
    if (group.summary?.description) body.push(`<p>${escapeHtml(group.summary.description)}</p>`);
    const facts = [
      group.summary?.seeds.length ? `seeds ${group.summary.seeds.join(', ')}` : undefined,
      group.summary?.wallSeconds === undefined
        ? undefined
        : `wall time ${seconds(group.summary.wallSeconds)}`,
    ].filter((fact) => fact !== undefined);
    if (facts.length > 0) body.push(`<p class="muted">${escapeHtml(facts.join(' · '))}.</p>`);
    if (group.arms.length > 0) {
      const metrics = allMetrics(group.arms);
      const parameters = varyingParameters(group.arms);
      const rows = group.arms.map((arm) => [
        arm.arm,
        ...metrics.map((metric) => formatMetric(metric, arm)),
        ...parameters.map((key) => String(arm.parameters[key] ?? '—')),
        seconds(arm.wallSeconds),
      ]);
      body.push(
        table(
          ['arm', ...metrics, ...parameters, 'wall time'],
          rows,
          (column) =>
            (column >= 1 && column <= metrics.length) ||
            column === metrics.length + parameters.length + 1,
        ),
      );
      const described = group.arms.filter((arm) => arm.description);
      if (described.length > 0) {
        body.push(
          `<ul>${described.map((arm) => `<li><b>${escapeHtml(arm.arm)}</b>: ${escapeHtml(arm.description ?? '')}</li>`).join('')}</ul>`,
        );
      }
      for (const arm of group.arms.filter((candidate) => candidate.status === 'failed')) {
        const error =
          arm.error === undefined ? 'no error recorded' : `${arm.error.name}: ${arm.error.message}`;
        body.push(
          `<p class="failed"><b>${escapeHtml(arm.arm)} failed</b>: ${escapeHtml(error)}</p>`,
        );
      }
    }
    const own = figures.filter((figure) => figure.experiment === group.experiment);
    if (own.length > 0) {
      body.push('<h3>Plots</h3>');
      for (const figure of own) {
        body.push(
          `<figure>\n${figure.svg}\n<figcaption>${escapeHtml(figure.caption)}</figcaption>\n</figure>`,
        );
      }
    }
    const transcripts = results.transcripts.filter(
      (transcript) => transcript.experiment === group.experiment,
    );
    if (transcripts.length > 0) {
      body.push(
        '<h3>Transcripts</h3>',
        `<p class="muted">Representative ${evaluatedOn(results, group.experiment).toLowerCase()} episodes: each step shows what it was given → what it produced, who produced it, and the overseer’s judgment made on paper (score in [−1, 1]).</p>`,
        ...transcripts.map(transcriptHtml),
      );
    }
  }

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
