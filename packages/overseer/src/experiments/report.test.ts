import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { meanCurves, transcriptTree } from './report-format.ts';
import { sampleResults } from './report-fixture.ts';
import { markdownCode, markdownText } from './report-markdown.ts';
import { buildFigures } from './report-plots.ts';
import { formatTable, parseResults, readResults, writeReport } from './report.ts';
import type { ResultsInput } from './report.ts';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'overseer-report-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Markdown with every code span removed (what a renderer would interpret as Markdown/HTML). */
function outsideCode(markdown: string): string {
  return markdown.replace(/(`+)[\s\S]*?\1/g, '');
}

describe('Results', () => {
  it('parses results with their defaults', () => {
    const results = parseResults({
      arms: [{ experiment: 'e', arm: 'a', metrics: { accuracy: 0.5 } }],
    });
    expect(results).toEqual({
      version: 1,
      experiments: [],
      arms: [
        {
          experiment: 'e',
          arm: 'a',
          parameters: {},
          metrics: { accuracy: 0.5 },
          seeds: [],
          status: 'finished',
        },
      ],
      curves: [],
      transcripts: [],
    });
    expect(() => parseResults(sampleResults())).not.toThrow();
  });

  it('names the key path of a bad value', () => {
    try {
      parseResults(
        { arms: [{ experiment: 'e', arm: 'a', metrics: { accuracy: 'high' } }] },
        'r.json',
      );
      throw new Error('expected a failure');
    } catch (error) {
      expect(isOverseerError(error)).toBe(true);
      expect((error as Error).message).toContain('Invalid results r.json');
      expect((error as Error).message).toContain('arms[0].metrics.accuracy');
    }
    expect(() => parseResults({ arms: [], extra: 1 })).toThrow(/extra/);
  });

  it('reads a results file', async () => {
    const path = join(directory, 'results.json');
    await writeFile(path, JSON.stringify(sampleResults()));
    expect((await readResults(path)).arms).toHaveLength(11);
    await expect(readResults(join(directory, 'missing.json'))).rejects.toMatchObject({
      code: 'results.unreadable',
    });
  });
});

describe('writeReport', () => {
  it('writes report.md, a self-contained report.html and one SVG per plot', async () => {
    const out = join(directory, 'run');
    const written = await writeReport(sampleResults(), out);
    const markdown = await readFile(written.markdown, 'utf8');
    const html = await readFile(written.html, 'utf8');
    const plots = (await readdir(join(out, 'plots'))).sort();
    expect(plots).toEqual([
      'ida-accuracy-calls.svg',
      'ida-accuracy-steps.svg',
      'tampering-hackrate-steps.svg',
      'tampering-sweep-approvalnoise-hackrate-intendedrate.svg',
      'tampering-sweep-lambda-hackrate-intendedrate.svg',
    ]);
    for (const plot of plots) expect(markdown).toContain(`](plots/${plot})`);
    // Self-contained: every plot inline, nothing fetched.
    expect(html.match(/<svg /g)).toHaveLength(plots.length);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href)=/i);
    expect(html).toContain("default-src 'none'");

    expect(markdown).toContain('| experiment | arm | accuracy | hackRate | intendedRate |');
    expect(markdown).toContain('| ida | supervised | 99.0% ± 1.4 |  |  |');
    expect(markdown).toContain('| tampering | outcome-rl |  | 88.0% ± 2.1 | 9.0% ± 1.4 |');
    expect(markdown).toContain('Reproduce with:');
    expect(markdown).toContain('| wall time, all seeds |');
    expect(markdown).toContain('summed over its seeds and over resumptions');
    expect(html).toContain('<td class="number">88.0% ± 2.1</td>');
  });

  it('renders transcripts as step lists with judgments and the outcome the dial used', async () => {
    const written = await writeReport(sampleResults(), join(directory, 'transcripts'));
    const markdown = await readFile(written.markdown, 'utf8');
    expect(markdown).toContain('#### ida-imitation: best episode, seed 1');
    expect(markdown).toContain(
      '  - **subquestion** `P2b` → `a` · policy — judged **+1.00** (rating +1, program): the sub-question the plan needs next · reward +1.00',
    );
    expect(markdown).toContain('    - **subquestion** `P1b` → `c` · expert');
    expect(markdown).toContain(
      'Outcome (not in the reward: λ = 0): correct (expected d), reward +1.00.',
    );
    expect(markdown).toContain(
      'Outcome (in the reward with weight λ = 1): hack, proxy return +1.95',
    );
    const html = await readFile(written.html, 'utf8');
    expect(html).toContain('pushes a second box towards the hole');
    expect(html).toContain('Outcome (in the reward with weight λ = 1)');
  });

  it('say which number the reward used, mark clipped scores, and say how best and worst were picked', async () => {
    const written = await writeReport(sampleResults(), join(directory, 'judgment-meaning'));
    const markdown = await readFile(written.markdown, 'utf8');
    const html = await readFile(written.html, 'utf8');
    for (const text of [markdown, html]) {
      expect(text).toContain('the number the process reward is built from');
      expect(text).toContain('the rating that summarises the score’s sign');
      expect(text).toContain('ranked by the true outcome (a right answer, or the true return)');
    }
    expect(markdown).toContain(
      '— judged **−1.00** (clipped from −1.010; rating −1, approval via program): pushes a second box',
    );
    expect(html).toContain('(clipped from −1.010; rating −1, approval via program)');
    expect(markdown).toContain(
      'Returns: paid return +1.95 (the sum of the step rewards the trainer was paid) · true return −0.05 (the outcome’s true reward).',
    );
    expect(markdown).toContain(
      'The worst of the arm’s evaluation episodes, ranked by the true outcome',
    );
    // A rating recorded against its score's sign (an older run) is flagged, not hidden.
    const legacy = sampleResults();
    const hack = legacy.transcripts!.find((transcript) => transcript.episodeId === 'e-hack')!;
    hack.steps[1].judgment = { ...hack.steps[1].judgment!, rating: -1 };
    const flagged = await writeReport(legacy, join(directory, 'legacy-rating'));
    expect(await readFile(flagged.markdown, 'utf8')).toContain(
      'judged **+0.40** (rating −1 against the score’s sign, approval via program)',
    );
  });

  it('explain the notation of every family an experiment’s transcripts show', async () => {
    const written = await writeReport(sampleResults(), join(directory, 'notation'));
    const markdown = await readFile(written.markdown, 'utf8');
    const html = await readFile(written.html, 'utf8');
    const ida = markdown.slice(markdown.indexOf('## ida'), markdown.indexOf('## tampering'));
    expect(ida).toContain('### Task notation');
    expect(ida).toContain('- **permutation-powering**: `P<k><x>` asks for σ^k(x)');
    expect(ida).not.toContain('camera-dropbox**');
    expect(markdown).toContain('- **camera-dropbox**: An observation is the 4×4 grid');
    expect(html).toContain(
      '<dt>permutation-powering</dt><dd><code>P&lt;k&gt;&lt;x&gt;</code> asks for σ^k(x)',
    );
    // A family the registry does not know (older results) gets no legend rather than a failure.
    const unknown = sampleResults();
    for (const transcript of unknown.transcripts!) transcript.problem.family = 'retired-family';
    const old = await writeReport(unknown, join(directory, 'notation-unknown'));
    expect(await readFile(old.markdown, 'utf8')).not.toContain('### Task notation');
  });

  it('give each arm one colour in every chart of its experiment', () => {
    const results = parseResults(sampleResults());
    const colours = new Map<string, Set<string>>();
    const figures = buildFigures(results).filter((figure) =>
      ['steps', 'calls', 'flops'].includes(figure.kind),
    );
    expect(new Set(figures.map((figure) => figure.kind)).size).toBeGreaterThan(1);
    for (const figure of figures) {
      for (const [, arm, colour] of figure.svg.matchAll(
        /<g class="series"><title>([^<]+)<\/title>\s*(?:<polyline[^>]*stroke="([^"]+)")?/g,
      )) {
        if (colour === undefined) continue;
        const key = `${figure.experiment}/${arm}`;
        colours.set(key, (colours.get(key) ?? new Set()).add(colour));
      }
    }
    expect(colours.size).toBeGreaterThan(3);
    for (const [arm, seen] of colours)
      expect([arm, [...seen]]).toEqual([arm, [...seen].slice(0, 1)]);
    // Within an experiment, different arms take different colours.
    const ida = [...colours]
      .filter(([key]) => key.startsWith('ida/'))
      .map(([, seen]) => [...seen][0]);
    expect(new Set(ida).size).toBe(ida.length);
  });

  it('escapes model text everywhere: no markup from a transcript survives', async () => {
    const written = await writeReport(sampleResults(), join(directory, 'hostile'));
    const html = await readFile(written.html, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    const markdown = await readFile(written.markdown, 'utf8');
    const prose = outsideCode(markdown);
    expect(prose).not.toMatch(/(^|[^\\])<(script|img)/i);
    expect(prose).not.toMatch(/(^|[^\\])\[link\]\(/);
    expect(markdown).toContain('`<script>alert("pwned")</script><img src=x onerror=alert(1)>`');
    expect(markdown).toContain('\\<script\\>alert("pwned")\\</script\\>');
  });

  it('reports failed arms with their error', async () => {
    const results: ResultsInput = {
      experiments: [{ name: 'e', metrics: ['accuracy'] }],
      arms: [
        { experiment: 'e', arm: 'good', metrics: { accuracy: 0.75 } },
        {
          experiment: 'e',
          arm: 'bad',
          metrics: {},
          status: 'failed',
          error: { name: 'OverseerError', message: 'out of <memory>' },
        },
      ],
    };
    const written = await writeReport(results, join(directory, 'failed'));
    expect(await readFile(written.markdown, 'utf8')).toContain(
      '**bad failed**: OverseerError: out of \\<memory\\>',
    );
    expect(await readFile(written.html, 'utf8')).toContain('out of &lt;memory&gt;');
    expect(formatTable(results)).toContain('bad (failed)    failed');
  });
});

/** A snap transcript of a question where the weak expert errs. */
function expertErrorTranscript(
  arm: string,
  label: 'copied-error' | 'corrected-error',
  question: string,
  answer: string,
): NonNullable<ResultsInput['transcripts']> {
  return [
    {
      experiment: 'noisy-expert',
      arm,
      seed: 1,
      label,
      episodeId: `${arm}-${label}`,
      problem: {
        id: `permutation-powering/train/${question}`,
        family: 'permutation-powering',
        question,
        answer: 'd',
        difficulty: 3,
        split: 'train',
      },
      answer,
      expertAnswer: 'e',
      steps: [{ id: 's0', parentId: null, kind: 'answer', input: question, output: answer }],
    },
  ];
}

describe('copied and corrected errors', () => {
  const noisy = (transcripts: NonNullable<ResultsInput['transcripts']>): ResultsInput => ({
    experiments: [{ name: 'noisy-expert', metrics: ['accuracy', 'errorCopyRate'] }],
    arms: [
      { experiment: 'noisy-expert', arm: 'behaviour-cloning', metrics: { errorCopyRate: 1 } },
      { experiment: 'noisy-expert', arm: 'process-rl', metrics: { errorCopyRate: 0 } },
    ],
    transcripts,
  });

  it('show the question, the right answer, the expert’s and the student’s answer and the arm', async () => {
    const results = noisy([
      ...expertErrorTranscript('behaviour-cloning', 'copied-error', 'P7b', 'e'),
      ...expertErrorTranscript('process-rl', 'corrected-error', 'P6<c>', 'd'),
    ]);
    const written = await writeReport(results, join(directory, 'expert-errors'));
    const html = await readFile(written.html, 'utf8');
    expect(html).toContain('<h3>Copied and corrected errors</h3>');
    expect(html).toContain(
      '<summary>A copied error (the student gave the expert’s wrong answer): behaviour-cloning, seed 1</summary>',
    );
    expect(html).toContain(
      '<thead><tr><th>question</th><th>right answer</th><th>expert’s answer</th><th>student’s answer</th><th>arm</th></tr></thead>',
    );
    expect(html).toContain(
      '<tr><td>P7b</td><td>d</td><td>e</td><td>e</td><td>behaviour-cloning</td></tr>',
    );
    expect(html).toContain(
      '<summary>A corrected error (the student gave the right answer where the expert is wrong): process-rl, seed 1</summary>',
    );
    expect(html).toContain(
      '<tr><td>P6&lt;c&gt;</td><td>d</td><td>e</td><td>d</td><td>process-rl</td></tr>',
    );
    // Shown in their own section, not again among the representative transcripts.
    expect(html).not.toContain('<h3>Transcripts</h3>');
    const markdown = await readFile(written.markdown, 'utf8');
    expect(markdown).toContain('### Copied and corrected errors');
    expect(markdown).toContain(
      '#### A copied error (the student gave the expert’s wrong answer): behaviour-cloning, seed 1',
    );
    expect(markdown).toContain('| `P7b` | `d` | `e` | `e` | behaviour-cloning |');
    expect(markdown).toContain('| `P6<c>` | `d` | `e` | `d` | process-rl |');
  });

  it('say so when no episode copied or corrected an error', async () => {
    const written = await writeReport(noisy([]), join(directory, 'no-expert-errors'));
    const html = await readFile(written.html, 'utf8');
    expect(html).toContain(
      '<p><b>A copied error</b>: No arm gave the expert’s wrong answer on any evaluated question it errs on.</p>',
    );
    expect(html).toContain(
      '<p><b>A corrected error</b>: No arm gave the right answer on any evaluated question the expert errs on.</p>',
    );
    const markdown = await readFile(written.markdown, 'utf8');
    expect(markdown).toContain(
      '**A corrected error**: No arm gave the right answer on any evaluated question the expert errs on.',
    );
  });

  it('are left out of experiments that do not measure errorCopyRate', async () => {
    const written = await writeReport(sampleResults(), join(directory, 'no-error-copy-rate'));
    expect(await readFile(written.html, 'utf8')).not.toContain('Copied and corrected errors');
    expect(await readFile(written.markdown, 'utf8')).not.toContain('Copied and corrected errors');
  });
});

describe('figures', () => {
  it('plot accuracy against calls without arms that never call the expert', () => {
    const calls = buildFigures(parseResults(sampleResults())).find(
      (figure) => figure.id === 'ida-accuracy-calls',
    );
    expect(calls?.caption).toContain('Not shown (no calls to the weak expert): supervised');
    expect(calls?.svg).not.toContain('>supervised</text>');
    expect(calls?.svg).toContain('>ida-imitation</text>');
  });

  it('plot the first metric against calls and against training FLOPs, one line per arm', async () => {
    // The fixture with FLOPs counted on the ida curves: 10^9 per step, twice that for ida arms.
    const input = sampleResults();
    input.curves = input.curves!.map((curve) =>
      curve.experiment !== 'ida'
        ? curve
        : {
            ...curve,
            points: curve.points.map((point) => ({
              ...point,
              flops: point.step * (curve.arm === 'supervised' ? 1e9 : 2e9),
            })),
          },
    );
    const results = parseResults(input);
    const figures = buildFigures(results);
    const flops = figures.find((figure) => figure.id === 'ida-accuracy-flops')!;
    expect(flops.kind).toBe('flops');
    expect(flops.title).toBe('ida: accuracy against training FLOPs');
    // The x axis is FLOPs (ticks in units of 10^9 or 10^12), the y axis the metric.
    expect(flops.svg).toMatch(/text-anchor="middle" fill="#222">training FLOPs<\/text>/);
    expect(flops.svg).toMatch(/rotate\(-90\)" text-anchor="middle" fill="#222">accuracy<\/text>/);
    expect(flops.svg).toMatch(/>\d+(\.\d+)?T<\/text>/);
    for (const arm of ['supervised', 'ida-imitation', 'ida-process-rl']) {
      expect(flops.svg).toContain(`>${arm}</text>`);
    }
    const calls = figures.find((figure) => figure.id === 'ida-accuracy-calls')!;
    expect(calls.kind).toBe('calls');
    expect(calls.svg).toMatch(/text-anchor="middle" fill="#222">calls to the weak expert<\/text>/);
    // No FLOPs on the tampering curves: no FLOPs plot there.
    expect(figures.some((figure) => figure.kind === 'flops' && figure.experiment !== 'ida')).toBe(
      false,
    );
    // The mean over seeds keeps the FLOPs; report.html shows the plot.
    const [supervised] = meanCurves(results, 'ida', 'accuracy');
    expect(supervised.points.map((point) => point.flops)).toEqual(
      supervised.points.map((point) => point.step * 1e9),
    );
    const written = await writeReport(input, join(directory, 'flops'));
    const html = await readFile(written.html, 'utf8');
    expect(html).toContain('ida: accuracy against training FLOPs');
    const counted: ResultsInput = {
      experiments: [{ name: 'e', metrics: ['accuracy', 'trainingFlops'] }],
      arms: [{ experiment: 'e', arm: 'a', metrics: { accuracy: 0.5, trainingFlops: 1.5e12 } }],
    };
    expect(formatTable(counted)).toContain('1.50e+12');
  });

  it('plot accuracy against difficulty, one line per arm that reports it at two or more', () => {
    const input: ResultsInput = {
      experiments: [{ name: 'gaps', metrics: ['accuracy', 'accuracy@d1', 'accuracy@d2'] }],
      arms: [
        {
          experiment: 'gaps',
          arm: 'snap',
          metrics: { accuracy: 0.5, 'accuracy@d2': 0.25, 'accuracy@d1': 0.75 },
        },
        {
          experiment: 'gaps',
          arm: 'decompose',
          metrics: { accuracy: 0.9, 'accuracy@d1': 0.95, 'accuracy@d2': 0.85 },
        },
        { experiment: 'gaps', arm: 'lone', metrics: { accuracy: 0.5, 'accuracy@d1': 0.5 } },
      ],
    };
    const figure = buildFigures(parseResults(input)).find(
      (candidate) => candidate.kind === 'difficulty',
    )!;
    expect(figure).toMatchObject({ id: 'gaps-accuracy-difficulty', experiment: 'gaps' });
    expect(figure.title).toBe('gaps: accuracy against difficulty');
    expect(figure.svg).toContain('>snap<');
    expect(figure.svg).toContain('>decompose<');
    expect(figure.svg).not.toContain('>lone<');
    expect(figure.svg).toContain('>difficulty<');
    const plain: ResultsInput = {
      experiments: [{ name: 'e', metrics: ['accuracy'] }],
      arms: [{ experiment: 'e', arm: 'a', metrics: { accuracy: 0.5 } }],
    };
    expect(buildFigures(parseResults(plain)).some((f) => f.kind === 'difficulty')).toBe(false);
  });

  it('merge rates one arm each draws into one chart, and drop a cost plot of one line', () => {
    const points = (end: number, calls: number) =>
      [0, 100, 200].map((step, index) => ({
        step,
        value: (end * index) / 2,
        calls: calls * index,
      }));
    const input: ResultsInput = {
      experiments: [{ name: 'solo', metrics: ['hackRate', 'intendedRate', 'loss'] }],
      arms: [
        { experiment: 'solo', arm: 'process-rl', metrics: { hackRate: 0.5, intendedRate: 0.25 } },
      ],
      curves: [
        { experiment: 'solo', arm: 'process-rl', metric: 'hackRate', points: points(0.5, 40) },
        { experiment: 'solo', arm: 'process-rl', metric: 'intendedRate', points: points(0.25, 40) },
        { experiment: 'solo', arm: 'process-rl', metric: 'loss', points: points(2, 40) },
      ],
    };
    const figures = buildFigures(parseResults(input));
    expect(figures.map((figure) => figure.id)).toEqual([
      'solo-hackrate-intendedrate-steps',
      'solo-loss-steps',
    ]);
    const [rates, loss] = figures;
    expect(rates.title).toBe('solo: hackRate, intendedRate against training steps');
    expect(rates.caption).toContain('one line per rate');
    expect(rates.svg).toContain('>hackRate</text>');
    expect(rates.svg).toContain('>intendedRate</text>');
    // No plot against calls with its one line: the caption says what it would have shown.
    expect(rates.caption).toContain('Only process-rl called the weak expert (80 calls');
    expect(loss.caption).toContain('Only process-rl called the weak expert (80 calls');
    expect(figures.some((figure) => figure.kind === 'calls')).toBe(false);
  });

  it('say what the evaluation drew: held-out questions, or fresh training questions', () => {
    const caption = (split?: 'train' | 'test') => {
      const input = sampleResults();
      if (split !== undefined && input.experiments) input.experiments[0].evaluationSplit = split;
      return buildFigures(parseResults(input)).find((figure) => figure.id === 'ida-accuracy-steps')
        ?.caption;
    };
    expect(caption()).toMatch(/^Held-out accuracy/);
    expect(caption('test')).toMatch(/^Held-out accuracy/);
    expect(caption('train')).toMatch(/^Fresh training-question accuracy/);
  });

  it('find the dial sweep and the noise sweep among the arms', () => {
    const figures = buildFigures(parseResults(sampleResults())).filter(
      (figure) => figure.kind === 'sweep',
    );
    expect(figures.map((figure) => figure.caption.split(':')[0])).toEqual([
      'Final held-out values of arms that differ only in lambda',
      'Final held-out values of arms that differ only in approvalNoise',
    ]);
    expect(figures[0].caption).toContain(
      'process-rl (lambda = 0), dial-0.25 (lambda = 0.25), dial-0.5 (lambda = 0.5), dial-0.75 (lambda = 0.75), outcome-rl (lambda = 1)',
    );
    expect(figures[1].caption).toContain('process-rl@approvalNoise=2 (approvalNoise = 2)');
    expect(figures[1].caption).not.toContain('outcome-rl');
  });

  it('plot a variation once when a sweep label and a parameter move together', () => {
    const results = parseResults(sampleResults());
    for (const arm of results.arms) {
      if (arm.experiment === 'tampering') arm.parameters.noise = arm.parameters.approvalNoise;
    }
    const sweeps = buildFigures(results).filter((figure) => figure.kind === 'sweep');
    expect(sweeps).toHaveLength(2);
  });
});

describe('helpers', () => {
  it('average curves over seeds at shared steps', () => {
    const results = parseResults({
      arms: [],
      curves: [
        {
          experiment: 'e',
          arm: 'a',
          metric: 'm',
          seed: 1,
          points: [
            { step: 0, value: 0 },
            { step: 10, calls: 4, value: 1 },
          ],
        },
        {
          experiment: 'e',
          arm: 'a',
          metric: 'm',
          seed: 2,
          points: [
            { step: 10, calls: 6, value: 0.5 },
            { step: 20, value: 1 },
          ],
        },
      ],
    });
    expect(meanCurves(results, 'e', 'm')).toEqual([
      { arm: 'a', points: [{ step: 10, calls: 5, value: 0.75 }] },
    ]);
  });

  it('lay out a transcript as a tree, keeping orphans', () => {
    const transcript = parseResults(sampleResults()).transcripts[0];
    const tree = transcriptTree({
      ...transcript,
      steps: [...transcript.steps, { ...transcript.steps[1], id: 'orphan', parentId: 'gone' }],
    });
    expect(tree.map(({ step, depth }) => `${step.id}:${depth}`)).toEqual([
      's0:0',
      's1:1',
      's2:2',
      's3:1',
      's4:1',
      'orphan:0',
    ]);
  });

  it('escape Markdown', () => {
    expect(markdownText('a_b *c* <d> [e](f)')).toBe('a\\_b \\*c\\* \\<d\\> \\[e\\](f)');
    expect(markdownText('# not a heading')).toBe('\\# not a heading');
    expect(markdownText('1. not a list')).toBe('1\\. not a list');
    expect(markdownCode('x`y')).toBe('``x`y``');
    expect(markdownCode('`')).toBe('`` ` ``');
    expect(markdownCode('')).toBe('*(empty)*');
  });

  it('print the headline for a terminal', () => {
    const table = formatTable(sampleResults());
    expect(table).toContain('tampering\n  arm ');
    expect(table).toMatch(/ {2}outcome-rl +88\.0% ± 2\.1 +9\.0% ± 1\.4 +2\n/);
  });
});
