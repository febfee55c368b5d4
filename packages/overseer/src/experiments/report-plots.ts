/**
 * Which plots a report shows, chosen from the results: per experiment and metric a learning curve
 * (metric against training steps) and, where two or more arms called the weak expert, the metric
 * against those calls; for the experiment's first metric, where the loop counted them, against
 * the model's training FLOPs (`model/compute.ts`); and per numeric parameter an arm sweep (λ for
 * the dial, approval noise …) whenever three or more arms differ in that parameter alone; and,
 * where arms report accuracy per difficulty (`accuracy@d<N>`), accuracy against difficulty, one
 * line per arm; where they report a reviewer's AUROC per attack subtlety (`reviewAuroc@s<N>`),
 * AUROC against subtlety, beside each width's writer accuracy.
 *
 * A plot of one line compares nothing: a cost plot only one arm would draw is dropped (the steps
 * plot's caption gives that arm's total), and rates each drawn by one arm are merged into one
 * chart. A lone curve of any other metric stays (no sibling shares its axis, and the curve is the
 * only view of its training); a sweep's one line is already a comparison, of arms along it.
 */
import { metricDifficulty, metricSubtlety } from './config/schema.ts';
import { lineChart } from './plot.ts';
import type { Series } from './plot.ts';
import type { ArmResult, CurvePoint, Results } from './report.ts';
import {
  curveMetrics,
  evaluatedOn,
  headlineMetrics,
  isRate,
  meanCurves,
  slug,
} from './report-format.ts';

/** A rendered plot and what the report says about it. */
export interface Figure {
  /** File name without `.svg`, unique within the report. */
  id: string;
  experiment: string;
  kind: 'steps' | 'calls' | 'flops' | 'sweep' | 'frontier' | 'difficulty' | 'control' | 'review';
  title: string;
  caption: string;
  svg: string;
}

const PARAMETER_LABELS: Record<string, string> = {
  lambda: 'λ (0: process reward only, 1: outcome reward only)',
  approvalNoise: 'approval noise (standard deviation)',
  flipProbability: 'probability a judgment is flipped',
};

/** Every figure of the report, in the order it shows them. */
export function buildFigures(results: Results): Figure[] {
  const figures: Figure[] = [];
  const experiments = [
    ...new Set([
      ...results.experiments.map((summary) => summary.name),
      ...results.arms.map((arm) => arm.experiment),
      ...results.curves.map((curve) => curve.experiment),
    ]),
  ];
  for (const experiment of experiments) {
    figures.push(...curveFigures(results, experiment), ...sweepFigures(results, experiment));
    figures.push(
      ...frontierFigures(results, experiment),
      ...difficultyFigures(results, experiment),
      ...controlFigures(results, experiment),
      ...reviewFigures(results, experiment),
    );
  }
  const used = new Map<string, number>();
  for (const figure of figures) {
    const count = used.get(figure.id) ?? 0;
    used.set(figure.id, count + 1);
    if (count > 0) figure.id = `${figure.id}-${count + 1}`;
  }
  return figures;
}

/**
 * One look per arm of an experiment: its position among the experiment's arms (as the tables list
 * them), so an arm keeps its colour and marker in every chart of the report.
 */
export function armStyles(results: Results, experiment: string): Map<string, number> {
  const arms = [
    ...results.arms.filter((arm) => arm.experiment === experiment).map((arm) => arm.arm),
    ...results.curves.filter((curve) => curve.experiment === experiment).map((curve) => curve.arm),
  ];
  return new Map([...new Set(arms)].map((arm, index) => [arm, index]));
}

/** What a learning curve can be drawn against besides steps: what the arm spent so far. */
const COSTS = {
  calls: {
    axis: 'calls to the weak expert',
    of: (point: CurvePoint): number => point.calls,
    caption: (metric: string) =>
      `What each arm's ${metric} cost in weak-expert calls (judgments and amplification).`,
    silent: 'no calls to the weak expert',
    lone: (arm: string, total: number) =>
      `Only ${arm} called the weak expert (${total.toLocaleString('en-US')} calls by its last evaluation), so no plot against calls: its curve against calls is this one, rescaled.`,
  },
  flops: {
    axis: 'training FLOPs',
    of: (point: CurvePoint): number => point.flops ?? 0,
    caption: (metric: string) =>
      `What each arm's ${metric} cost in the model's training FLOPs: 6·N per token trained on and 2·N per token sampled or scored (N: non-embedding parameters), in amplification and distillation; evaluation and pretraining not counted.`,
    silent: 'no FLOPs counted',
    lone: (arm: string, total: number) =>
      `Only ${arm} counted training FLOPs (${total.toExponential(2)} by its last evaluation), so no plot against FLOPs.`,
  },
} as const;

/** The arms' curves that spent any of a cost. */
function spendingCurves(
  curves: ReturnType<typeof meanCurves>,
  cost: keyof typeof COSTS,
): ReturnType<typeof meanCurves> {
  const { of } = COSTS[cost];
  return curves.filter(({ points }) => points.some((point) => of(point) > 0));
}

/**
 * What a cost plot of one line would have shown, as a sentence for its steps plot ('' unless
 * exactly one arm spent the cost): one line against a cost compares nothing.
 */
function loneSpenderNote(curves: ReturnType<typeof meanCurves>, cost: keyof typeof COSTS): string {
  const spending = spendingCurves(curves, cost);
  if (spending.length !== 1) return '';
  const [{ arm, points }] = spending;
  return ` ${COSTS[cost].lone(arm, COSTS[cost].of(points[points.length - 1]))}`;
}

/** `metric` against a cost, one line per arm that spent any; undefined when fewer than two did. */
function costFigure(
  experiment: string,
  metric: string,
  curves: ReturnType<typeof meanCurves>,
  cost: keyof typeof COSTS,
  styles: ReadonlyMap<string, number>,
): Figure | undefined {
  const { axis, of, caption, silent: why } = COSTS[cost];
  const spending = spendingCurves(curves, cost);
  // One line against a cost compares nothing; the steps plot's caption says what it was.
  if (spending.length < 2) return undefined;
  const silent = curves.filter((curve) => !spending.includes(curve)).map(({ arm }) => arm);
  const note =
    silent.length === 0
      ? ''
      : ` Not shown (${why}): ${silent.join(', ')}; compare with its final value in the table.`;
  const rate = isRate(metric);
  const title = `${experiment}: ${metric} against ${axis}`;
  return {
    id: slug(`${experiment}-${metric}-${cost}`),
    experiment,
    kind: cost,
    title,
    caption: `${caption(metric)}${note}`,
    svg: lineChart({
      title,
      xLabel: axis,
      yLabel: metric,
      yFormat: rate ? 'percent' : 'number',
      ...(rate ? { yDomain: [0, 1] as [number, number] } : {}),
      series: spending.map(({ arm, points }) => ({
        name: arm,
        points: points.map((point) => ({ x: of(point), y: point.value })),
        style: styles.get(arm),
      })),
    }),
  };
}

function curveFigures(results: Results, experiment: string): Figure[] {
  const figures: Figure[] = [];
  const metrics = curveMetrics(results, experiment);
  const styles = armStyles(results, experiment);
  const seeded = (metric: string): boolean =>
    results.curves.some(
      (curve) =>
        curve.experiment === experiment && curve.metric === metric && curve.seed !== undefined,
    );
  const averaged = (metric: string): string =>
    seeded(metric) ? ' Each line is the mean over seeds at the steps they share.' : '';
  // Rates drawn by a single arm share one chart, one line per rate (see `loneRatesFigure`).
  const loneRates = metrics.filter(
    (metric) => isRate(metric) && meanCurves(results, experiment, metric).length === 1,
  );
  const merged = loneRates.length >= 2 ? loneRatesFigure(results, experiment, loneRates) : [];
  for (const metric of metrics) {
    const curves = meanCurves(results, experiment, metric);
    // FLOPs for the headline metric only: one compute plot per experiment is enough to read.
    const costs = metric === metrics[0] ? (['calls', 'flops'] as const) : (['calls'] as const);
    if (merged.length > 0 && loneRates.includes(metric)) {
      if (metric === loneRates[0]) figures.push(...merged);
      continue;
    }
    const rate = isRate(metric);
    const format = rate ? ('percent' as const) : ('number' as const);
    const domain: [number, number] | undefined = rate ? [0, 1] : undefined;
    const lone = costs.map((cost) => loneSpenderNote(curves, cost)).join('');
    figures.push({
      id: slug(`${experiment}-${metric}-steps`),
      experiment,
      kind: 'steps',
      title: `${experiment}: ${metric} against training steps`,
      caption: `${evaluatedOn(results, experiment)} ${metric} of each arm along training.${averaged(metric)}${lone}`,
      svg: lineChart({
        title: `${experiment}: ${metric} against training steps`,
        xLabel: 'training steps',
        yLabel: metric,
        yFormat: format,
        ...(domain ? { yDomain: domain } : {}),
        series: curves.map(({ arm, points }) => ({
          name: arm,
          points: points.map((point) => ({ x: point.step, y: point.value })),
          style: styles.get(arm),
        })),
      }),
    });
    for (const cost of costs) {
      const figure = costFigure(experiment, metric, curves, cost, styles);
      if (figure !== undefined) figures.push(figure);
    }
  }
  return figures;
}

/**
 * One chart for the rates that a single arm each draws (an experiment of one arm, or rates only
 * one arm measures): one line per chart compares nothing, and rates share the 0–100% axis, so
 * they become the lines of one chart — one per rate, named `arm · rate` — instead of one chart
 * each. Any cost plot of theirs would have one line too, so the caption says what it showed.
 */
function loneRatesFigure(results: Results, experiment: string, rates: string[]): Figure[] {
  const lines = rates.map((metric) => ({ metric, ...meanCurves(results, experiment, metric)[0] }));
  const arms = [...new Set(lines.map((line) => line.arm))];
  const title = `${experiment}: ${rates.join(', ')} against training steps`;
  const notes = arms
    .map((arm) => lines.find((line) => line.arm === arm)!)
    .flatMap((line) => (['calls', 'flops'] as const).map((cost) => loneSpenderNote([line], cost)))
    .join('');
  return [
    {
      id: slug(`${experiment}-${rates.join('-')}-steps`),
      experiment,
      kind: 'steps',
      title,
      caption: `${evaluatedOn(results, experiment)} ${rates.join(', ')} of ${arms.join(', ')} along training, one line per rate: each is drawn by one arm only, so they share one chart.${notes}`,
      svg: lineChart({
        title,
        xLabel: 'training steps',
        yLabel: 'rate',
        yFormat: 'percent',
        yDomain: [0, 1],
        series: lines.map(({ metric, arm, points }, index) => ({
          name: arms.length === 1 ? metric : `${arm} · ${metric}`,
          points: points.map((point) => ({ x: point.step, y: point.value })),
          style: index,
        })),
      }),
    },
  ];
}

type Numeric = Record<string, number>;

function numericParameters(arm: ArmResult): Numeric {
  return Object.fromEntries(
    Object.entries(arm.parameters).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    ),
  );
}

/**
 * Groups of ≥ 3 arms whose numeric parameters agree except `parameter` (and the parameters
 * `alongside` it, which move with it), which takes distinct values.
 */
function sweepGroups(
  arms: ArmResult[],
  parameter: string,
  alongside: ReadonlySet<string>,
): ArmResult[][] {
  const signature = (arm: ArmResult, withStrings: boolean): string => {
    const entries = Object.entries(arm.parameters)
      .filter(
        ([key, value]) =>
          key !== parameter && !alongside.has(key) && (withStrings || typeof value === 'number'),
      )
      .sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify(entries);
  };
  const byKey = (list: ArmResult[], withStrings: boolean): ArmResult[][] => {
    const groups = new Map<string, ArmResult[]>();
    for (const arm of list) {
      const key = signature(arm, withStrings);
      groups.set(key, [...(groups.get(key) ?? []), arm]);
    }
    return [...groups.values()];
  };
  const result: ArmResult[][] = [];
  for (const group of byKey(arms, false)) {
    const values = group.map((arm) => numericParameters(arm)[parameter]);
    // Two arms at one value differ in a named setting (trainer, credit …): split by those too.
    const split = new Set(values).size < values.length ? byKey(group, true) : [group];
    for (const part of split) {
      if (new Set(part.map((arm) => numericParameters(arm)[parameter])).size >= 3)
        result.push(part);
    }
  }
  return result;
}

function sweepFigures(results: Results, experiment: string): Figure[] {
  const arms = results.arms.filter(
    (arm) => arm.experiment === experiment && arm.status === 'finished',
  );
  const parameters = [
    ...new Set(arms.flatMap((arm) => Object.keys(numericParameters(arm)))),
  ].filter((parameter) => arms.every((arm) => typeof arm.parameters[parameter] === 'number'));
  const metrics = headlineMetrics(results, experiment);
  const figures: Figure[] = [];
  // A swept key is often also a named parameter (a sweep of overseer.options.noise labelled
  // `noise` moves `approvalNoise` too): plot each distinct variation once.
  const variation = (parameter: string): string =>
    JSON.stringify(arms.map((arm) => arm.parameters[parameter]));
  const plotted = new Set<string>();
  for (const parameter of parameters) {
    if (plotted.has(variation(parameter))) continue;
    plotted.add(variation(parameter));
    const alongside = new Set(
      parameters.filter(
        (other) => other !== parameter && variation(other) === variation(parameter),
      ),
    );
    for (const group of sweepGroups(arms, parameter, alongside)) {
      const sorted = [...group].sort(
        (a, b) => numericParameters(a)[parameter] - numericParameters(b)[parameter],
      );
      const fixed = Object.entries(numericParameters(sorted[0]))
        .filter(([key]) => key !== parameter && !alongside.has(key))
        .map(([key, value]) => `${key} = ${value}`);
      const order = sorted
        .map((arm) => `${arm.arm} (${parameter} = ${numericParameters(arm)[parameter]})`)
        .join(', ');
      // Rates share one chart on a 0–100% axis; any other metric gets its own.
      const rates = metrics.filter(isRate);
      const charts: Array<{ metrics: string[]; rate: boolean }> = [
        ...(rates.length > 0 ? [{ metrics: rates, rate: true }] : []),
        ...metrics
          .filter((metric) => !isRate(metric))
          .map((metric) => ({ metrics: [metric], rate: false })),
      ];
      for (const chart of charts) {
        const series: Series[] = chart.metrics.map((metric) => ({
          name: metric,
          points: sorted
            .filter((arm) => arm.metrics[metric] !== undefined)
            .map((arm) => ({ x: numericParameters(arm)[parameter], y: arm.metrics[metric] })),
        }));
        if (series.every((line) => line.points.length === 0)) continue;
        const title = `${experiment}: ${chart.metrics.join(', ')} against ${parameter}`;
        figures.push({
          id: slug(`${experiment}-sweep-${parameter}-${chart.metrics.join('-')}`),
          experiment,
          kind: 'sweep',
          title,
          caption:
            `Final ${evaluatedOn(results, experiment).toLowerCase()} values of arms that differ only in ${parameter}: ${order}.` +
            (fixed.length > 0 ? ` Fixed: ${fixed.join(', ')}.` : ''),
          svg: lineChart({
            title,
            xLabel: PARAMETER_LABELS[parameter] ?? parameter,
            yLabel: chart.metrics.length === 1 ? chart.metrics[0] : 'rate',
            yFormat: chart.rate ? 'percent' : 'number',
            ...(chart.rate ? { yDomain: [0, 1] as [number, number] } : {}),
            series,
          }),
        });
      }
    }
  }
  return figures;
}

/**
 * An arm's credit horizon for the frontier figures: `h<H>` from an arm named `…-h<H>` (the
 * frontier's naming, for a horizon set in the trainer's options), else `myopic` or `full` from
 * its credit.
 */
export function creditHorizonOf(arm: ArmResult): string {
  const named = /-h(\d+)$/.exec(arm.arm);
  if (named) return named[1] === '1' ? 'myopic' : `h${named[1]}`;
  return arm.parameters.credit === 'myopic' ? 'myopic' : 'full';
}

/** The arms no other arm beats on both capability (x, higher) and risk (y, lower). */
export function paretoSet<T extends { x: number; y: number }>(points: readonly T[]): T[] {
  return points
    .filter(
      (point) =>
        !points.some(
          (other) =>
            other.x >= point.x && other.y <= point.y && (other.x > point.x || other.y < point.y),
        ),
    )
    .sort((a, b) => a.x - b.x || a.y - b.y);
}

/**
 * The dial as a frontier, for any experiment whose arms vary λ or the credit horizon and report
 * `tamperRate`: hiddenUse (capability the overseer cannot credit) against tamperRate (risk), one
 * point per arm, the arms of one horizon joined in order of λ and the Pareto set drawn as its own
 * line; and tamperRate against λ, one line per horizon.
 */
function frontierFigures(results: Results, experiment: string): Figure[] {
  const arms = results.arms.filter(
    (arm) =>
      arm.experiment === experiment &&
      arm.status === 'finished' &&
      typeof arm.metrics.tamperRate === 'number' &&
      typeof arm.parameters.lambda === 'number',
  );
  const lambdaOf = (arm: ArmResult): number => Number(arm.parameters.lambda);
  const horizons = [...new Set(arms.map(creditHorizonOf))];
  const varies = new Set(arms.map(lambdaOf)).size > 1 || horizons.length > 1;
  if (arms.length < 2 || !varies) return [];
  const byHorizon = horizons.map((horizon) => ({
    horizon,
    arms: arms
      .filter((arm) => creditHorizonOf(arm) === horizon)
      .sort((a, b) => lambdaOf(a) - lambdaOf(b)),
  }));
  const figures: Figure[] = [];
  const capable = arms.filter((arm) => typeof arm.metrics.hiddenUse === 'number');
  if (capable.length >= 2) {
    const point = (arm: ArmResult) => ({
      arm: arm.arm,
      x: arm.metrics.hiddenUse,
      y: arm.metrics.tamperRate,
    });
    const pareto = paretoSet(capable.map(point));
    const title = `${experiment}: the frontier — hiddenUse against tamperRate`;
    figures.push({
      id: slug(`${experiment}-frontier`),
      experiment,
      kind: 'frontier',
      title,
      caption:
        `One point per arm: capability the overseer cannot credit (hiddenUse, episodes that use the hidden mechanic) against risk (tamperRate, episodes that end with the sensor tampered), final ${evaluatedOn(results, experiment).toLowerCase()} values. ` +
        `Arms of one credit horizon are joined in order of λ. Pareto set (no arm has more capability at no more risk): ${pareto.map((entry) => entry.arm).join(', ')}.`,
      svg: lineChart({
        title,
        xLabel: 'hiddenUse (capability)',
        yLabel: 'tamperRate (risk)',
        yFormat: 'percent',
        yDomain: [0, 1],
        series: [
          ...byHorizon
            .map(({ horizon, arms: group }) => ({
              name: `credit ${horizon} (by λ)`,
              points: group.filter((arm) => capable.includes(arm)).map(point),
            }))
            .filter((line) => line.points.length > 0),
          { name: 'Pareto set', points: pareto.map(({ x, y }) => ({ x, y })) },
        ],
      }),
    });
  }
  const title = `${experiment}: tamperRate against λ, per credit horizon`;
  figures.push({
    id: slug(`${experiment}-tamper-rate-by-lambda`),
    experiment,
    kind: 'frontier',
    title,
    caption: `Final ${evaluatedOn(results, experiment).toLowerCase()} tamperRate of each arm against its λ, one line per credit horizon (${horizons.join(', ')}): a ramp rises over several λ, a cliff between two.`,
    svg: lineChart({
      title,
      xLabel: PARAMETER_LABELS.lambda,
      yLabel: 'tamperRate',
      yFormat: 'percent',
      yDomain: [0, 1],
      series: byHorizon.map(({ horizon, arms: group }) => ({
        name: `credit ${horizon}`,
        points: group.map((arm) => ({ x: lambdaOf(arm), y: arm.metrics.tamperRate })),
      })),
    }),
  });
  return figures;
}

/** Accuracy against difficulty, one line per arm that reports `accuracy@d<N>` at two or more N. */
function difficultyFigures(results: Results, experiment: string): Figure[] {
  const styles = armStyles(results, experiment);
  const series: Series[] = results.arms
    .filter((arm) => arm.experiment === experiment && arm.status === 'finished')
    .map((arm) => ({
      name: arm.arm,
      style: styles.get(arm.arm),
      points: Object.entries(arm.metrics)
        .map(([name, value]) => ({ x: metricDifficulty(name), y: value }))
        .filter((point): point is { x: number; y: number } => point.x !== undefined)
        .sort((left, right) => left.x - right.x),
    }))
    .filter((line) => line.points.length >= 2);
  if (series.length === 0) return [];
  const title = `${experiment}: accuracy against difficulty`;
  return [
    {
      id: slug(`${experiment}-accuracy-difficulty`),
      experiment,
      kind: 'difficulty',
      title,
      caption: `Final ${evaluatedOn(results, experiment).toLowerCase()} accuracy on the problems of each difficulty alone (\`accuracy@d<N>\`), one line per arm, the mean over seeds.`,
      svg: lineChart({
        title,
        xLabel: 'difficulty',
        yLabel: 'accuracy',
        yFormat: 'percent',
        yDomain: [0, 1],
        series,
      }),
    },
  ];
}

/**
 * The control game as Greenblatt et al. (2023) plot it, for any experiment whose arms report
 * `safety` and `usefulness`: one point per protocol, safety across and usefulness up; protocols
 * that differ only in the share they replace (trusted monitoring, then defer to trusted at rising
 * thresholds) are joined in order of that share.
 */
function controlFigures(results: Results, experiment: string): Figure[] {
  const arms = results.arms.filter(
    (arm) =>
      arm.experiment === experiment &&
      arm.status === 'finished' &&
      typeof arm.metrics.safety === 'number' &&
      typeof arm.metrics.usefulness === 'number',
  );
  if (arms.length < 2) return [];
  const styles = armStyles(results, experiment);
  const family = (arm: ArmResult): string =>
    ['audit', 'monitor', 'replacement'].map((key) => String(arm.parameters[key])).join('/');
  const groups = new Map<string, ArmResult[]>();
  for (const arm of arms) groups.set(family(arm), [...(groups.get(family(arm)) ?? []), arm]);
  const series: Series[] = [...groups.values()].map((group) => {
    const sorted = [...group].sort(
      (a, b) => Number(a.parameters.replaceShare ?? 0) - Number(b.parameters.replaceShare ?? 0),
    );
    return {
      name:
        sorted.length === 1 ? sorted[0].arm : `${sorted[0].arm} … ${sorted[sorted.length - 1].arm}`,
      points: sorted.map((arm) => ({ x: arm.metrics.safety, y: arm.metrics.usefulness })),
      style: styles.get(sorted[0].arm) ?? 0,
    };
  });
  const title = `${experiment}: safety against usefulness, per protocol`;
  return [
    {
      id: slug(`${experiment}-safety-usefulness`),
      experiment,
      kind: 'control',
      title,
      caption:
        'One point per protocol (mean over seeds): safety — the probability that no trojan of the untrusted writer is deployed over a game, against the red team’s best attack rate — across, and usefulness — the share of tasks solved with the untrusted writer honest, rescaled so the trusted writer alone is 0% and the untrusted one alone 100% — up. Protocols that differ only in how many of the most suspicious programs they replace are joined in order of that share. ' +
        'The paper’s anchors (Greenblatt et al. 2023, APPS backdoors, safety / usefulness): upfront auditing 15% / 100%, trusted monitoring 62% / 97%, defer to trusted at 10% 83% / 93%, trusted editing 92% / 94%.',
      svg: lineChart({
        title,
        xLabel: 'safety',
        yLabel: 'usefulness',
        yFormat: 'percent',
        series,
      }),
    },
  ];
}

/**
 * Judge vs writer: a reviewer's AUROC against the attacks' subtlety, one line per arm that reports
 * `reviewAuroc@s<N>` at two or more N, and each width's `writerAccuracy` as a flat line, so a
 * reviewer and the writer of its size read off one axis.
 */
function reviewFigures(results: Results, experiment: string): Figure[] {
  const styles = armStyles(results, experiment);
  const arms = results.arms.filter(
    (arm) => arm.experiment === experiment && arm.status === 'finished',
  );
  const reviewers: Series[] = arms
    .map((arm) => ({
      name: arm.arm,
      style: styles.get(arm.arm),
      points: Object.entries(arm.metrics)
        .map(([name, value]) => {
          const parsed = metricSubtlety(name);
          return parsed?.metric === 'reviewAuroc' ? { x: parsed.subtlety, y: value } : undefined;
        })
        .filter((point): point is { x: number; y: number } => point !== undefined)
        .sort((left, right) => left.x - right.x),
    }))
    .filter((line) => line.points.length >= 2);
  if (reviewers.length === 0) return [];
  const subtleties = reviewers.flatMap((line) => line.points.map((point) => point.x));
  const span = [Math.min(...subtleties), Math.max(...subtleties)];
  const writers = new Map<string, number>();
  for (const arm of arms) {
    const accuracy = arm.metrics.writerAccuracy;
    if (typeof accuracy !== 'number') continue;
    writers.set(`writer ${String(arm.parameters.width ?? arm.arm)}`, accuracy);
  }
  const series: Series[] = [
    ...reviewers,
    ...[...writers].map(([name, accuracy], index) => ({
      name,
      style: arms.length + index,
      points: span.map((x) => ({ x, y: accuracy })),
    })),
  ];
  const title = `${experiment}: reviewer AUROC against attack subtlety, and writer accuracy`;
  return [
    {
      id: slug(`${experiment}-review-subtlety`),
      experiment,
      kind: 'review',
      title,
      caption:
        'Per reviewer arm, the area under the ROC curve of its suspicion on the honest programs against the attacks of each subtlety alone (`reviewAuroc@s<N>`; 0.5 is chance), the mean over seeds; the flat lines are the share of held-out specs the writer of each width writes correctly (`writerAccuracy`).',
      svg: lineChart({
        title,
        xLabel: 'attack subtlety',
        yLabel: 'AUROC (reviewers), accuracy (writers)',
        yFormat: 'percent',
        yDomain: [0, 1],
        series,
      }),
    },
  ];
}
