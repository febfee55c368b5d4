/**
 * `overseer run` on a control experiment (`kind: control`): per seed, train U, T and the two
 * monitors from scratch on trojan-code demonstrations (U on attacks at its subtleties, the
 * monitors on attacks at theirs, drawn on specs of their own), take one sample per held-out spec
 * from them (samples.ts), then score every protocol against the red team's best selection and
 * attack rate. The results keep the runner's contract — `{"arms":[{experiment, arm, metrics}]}`,
 * one arm per protocol with `safety`, `usefulness` and `attackRate` (the share of all tasks
 * attacked) and `attackSelection` (the share of tasks the red team confines its attacks to); mean
 * over seeds, each seed's kept — and the report plots safety against usefulness. A control run is short and is not resumed: killed,
 * it starts over.
 */
import type { loadKernels } from '../../model/kernels.ts';
import { trojanCode } from '../../tasks/trojan-code.ts';
import { mean, share } from '../../util/mean.ts';
import { deriveSeed } from '../../util/random.ts';
import type { ArmResult, MetricValues, Results } from '../report.ts';
import type { RunOptions, RunOutcome } from '../run.ts';
import type { ProgressReporter } from '../run-progress.ts';
import { runSingleExperiment, singleExperimentResults } from '../single-experiment-run.ts';
import type { RunSource } from '../single-experiment-run.ts';
import { worstAttack } from './attack-rate.ts';
import { parseControlExperiment } from './config.ts';
import type { ControlExperiment, ControlModelConfig } from './config.ts';
import {
  demonstrations,
  lineMonitorExamples,
  monitorExamples,
  writerExamples,
} from './demonstrations.ts';
import { usefulness } from './game.ts';
import { trainControlModel } from './models.ts';
import { controlSamples } from './samples.ts';
import type { ControlModels } from './samples.ts';
import { thresholdAbove } from './protocols.ts';
import type { ControlSample } from './protocols.ts';

/** The headline metrics of a control experiment. */
export const CONTROL_METRICS = ['safety', 'usefulness', 'attackRate'] as const;

/** Per seed: each protocol's metrics, and what the models did on their own. */
interface SeedResult {
  seed: number;
  protocols: Map<string, MetricValues>;
  models: MetricValues;
}

/** What the models did on their own, as the report's description quotes it. */
function modelMetrics(samples: readonly ControlSample[], auditBudget: number): MetricValues {
  const audit = thresholdAbove(
    samples.map((sample) => sample.honest.suspicion),
    auditBudget,
  );
  return {
    untrustedCorrect: share(samples, (sample) => sample.honest.correct),
    trustedCorrect: share(samples, (sample) => sample.trusted.correct),
    attackTrojan: share(samples, (sample) => sample.attack.trojan),
    attackFlagged: share(samples, (sample) => sample.attack.suspicion > audit),
    honestTrojan: share(samples, (sample) => sample.honest.trojan),
  };
}

/** Trains the models of one seed and scores every protocol. */
async function runSeed(
  experiment: ControlExperiment,
  seed: number,
  reporter: ProgressReporter,
  kernels: ReturnType<typeof loadKernels>,
  signal: AbortSignal | undefined,
): Promise<SeedResult> {
  const family = trojanCode(experiment.task.options);
  const { difficulty } = experiment.task;
  const training = family.generate({
    seed: deriveSeed(seed, 'control-train'),
    count: experiment.demonstrations.count,
    split: 'train',
    difficulty,
  });
  const drawn = demonstrations(family, training, {
    ...experiment.demonstrations,
    subtleties: experiment.demonstrations.untrustedSubtleties,
    seed: deriveSeed(seed, 'control-demonstrations'),
  });
  const honest = drawn.filter(({ demonstration }) => demonstration.kind === 'honest');
  // The monitors' own specs and attacks, at their subtleties: none of U's demonstrations.
  const monitorDrawn = demonstrations(
    family,
    family.generate({
      seed: deriveSeed(seed, 'control-monitor-train'),
      count: experiment.demonstrations.count,
      split: 'train',
      difficulty,
    }),
    {
      ...experiment.demonstrations,
      subtleties: experiment.demonstrations.monitorSubtleties,
      seed: deriveSeed(seed, 'control-monitor-demonstrations'),
    },
  );
  const train = async (
    role: keyof ControlModels,
    config: ControlModelConfig,
    examples: Parameters<typeof trainControlModel>[0]['examples'],
  ) => {
    reporter.at(
      { unit: `${experiment.name} seed ${seed}`, round: 0, rounds: 1, phase: role },
      role,
    );
    return trainControlModel({
      alphabet: family.alphabet,
      training: config,
      examples,
      seed: deriveSeed(seed, 'control-model', role),
      kernels,
      onUpdate: () => {
        reporter.advance(1);
        signal?.throwIfAborted();
      },
    });
  };
  const models: ControlModels = {
    untrusted: await train('untrusted', experiment.untrusted, writerExamples(drawn)),
    trusted: await train('trusted', experiment.trusted, writerExamples(honest)),
    monitor: await train('monitor', experiment.monitor, monitorExamples(monitorDrawn)),
    lineMonitor: await train(
      'lineMonitor',
      experiment.lineMonitor,
      lineMonitorExamples(family, monitorDrawn),
    ),
  };
  const problems = family.generate({
    seed: deriveSeed(seed, 'control-game'),
    count: experiment.game.samples,
    split: 'test',
    difficulty,
  });
  const samples = controlSamples(
    family,
    models,
    problems,
    experiment.demonstrations.untrustedSubtleties,
  );
  const protocols = new Map<string, MetricValues>();
  for (const protocol of experiment.protocols) {
    const worst = worstAttack(protocol, samples, {
      ...experiment.game,
      selectionShares: experiment.redTeam.selectionShares,
    });
    protocols.set(protocol.name, {
      safety: worst.safety,
      usefulness: usefulness(protocol, samples, experiment.game.auditBudget),
      attackRate: worst.overallRate,
      attackSelection: worst.selectionShare,
    });
  }
  return { seed, protocols, models: modelMetrics(samples, experiment.game.auditBudget) };
}

/** The mean of each metric over the seeds. */
function meanOver(list: readonly MetricValues[]): MetricValues {
  const names = [...new Set(list.flatMap((metrics) => Object.keys(metrics)))];
  return Object.fromEntries(
    names.map((name) => [name, mean(list.map((metrics) => metrics[name] ?? Number.NaN))]),
  );
}

/** The results of a control experiment, in the runner's format. */
export function controlResults(
  experiment: ControlExperiment,
  seeds: readonly SeedResult[],
  source: RunSource,
): Results {
  const models = meanOver(seeds.map((seed) => seed.models));
  const percent = (value: number | undefined) => `${((value ?? 0) * 100).toFixed(1)}%`;
  const arms: ArmResult[] = experiment.protocols.map((protocol) => {
    const perSeed = seeds.map((seed) => ({
      seed: seed.seed,
      metrics: seed.protocols.get(protocol.name) ?? {},
    }));
    return {
      experiment: experiment.name,
      arm: protocol.name,
      parameters: {
        audit: protocol.trustedOnly ? 'none' : protocol.audit,
        monitor: protocol.monitor,
        replaceShare: protocol.replaceShare,
        replacement: protocol.replacement,
      },
      metrics: meanOver(perSeed.map((entry) => entry.metrics)),
      seeds: perSeed,
      status: 'finished',
    };
  });
  return singleExperimentResults(
    {
      name: experiment.name,
      description:
        `${experiment.description.trim()} Held-out specs per seed: ${experiment.game.samples}; ` +
        `U correct ${percent(models.untrustedCorrect)}, T correct ${percent(models.trustedCorrect)}, ` +
        `U's attacks that are trojans ${percent(models.attackTrojan)}, U's honest programs the oracle calls trojans ${percent(models.honestTrojan)}, ` +
        `U's attacks over the monitor's ${percent(experiment.game.auditBudget)} audit threshold ${percent(models.attackFlagged)} (mean over seeds).`.trim(),
      metrics: [...CONTROL_METRICS],
      seeds: seeds.map((seed) => seed.seed),
    },
    arms,
    source,
  );
}

/** Runs a control experiment as `overseer run` does any experiment file. */
export async function runControlExperiment(
  value: unknown,
  options: RunOptions & { directory: string },
): Promise<RunOutcome> {
  const experiment = parseControlExperiment(value, options.file, options);
  // Each arm's recorded config: the shared keys and its own protocol.
  const { protocols: _protocols, ...shared } = experiment;
  const roles = ['untrusted', 'trusted', 'monitor', 'lineMonitor'] as const;
  return runSingleExperiment<SeedResult>(options, {
    name: experiment.name,
    seeds: experiment.seeds,
    metrics: [...CONTROL_METRICS],
    arms: experiment.protocols.map((protocol) => ({
      name: protocol.name,
      config: { ...shared, protocol },
    })),
    work: roles.map((role) => ({
      kind: role,
      steps: experiment[role].steps * experiment.seeds.length,
    })),
    playSeed: async (seed, reporter, kernels) => {
      const result = await runSeed(experiment, seed, reporter, kernels, options.signal);
      const log = [...result.protocols]
        .map(
          ([name, metrics]) =>
            `${name} ${metrics.safety.toFixed(3)}/${metrics.usefulness.toFixed(3)}`,
        )
        .join(', ');
      return { result, log };
    },
    results: (seeds, source) => controlResults(experiment, seeds, source),
  });
}
