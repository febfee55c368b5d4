/**
 * What a run is, told apart from the others at a glance: which command made it, from which file,
 * its experiments and arms, the task families, scaffolds and overseers it used, and its headline
 * numbers. Read from the run's recorded configuration and its last metric values, so `overseer
 * runs`, the viewer's runs page and an HTML export all describe a run the same way.
 */
import {
  EvaluationRunConfiguration,
  ExperimentRunConfiguration,
  RewardServiceRunConfiguration,
} from '../spec/index.ts';
import type { JsonValue } from '../spec/index.ts';
import type { HeadlineMetric } from './headline.ts';
import type { MetricRecord, RunRecord } from './records.ts';

/** What a run is. */
export interface RunOverview {
  /** The command that made it: `overseer run`, `overseer eval`, the reward service, or another. */
  kind: 'experiment' | 'eval' | 'reward-service' | 'other';
  /** The experiment file (`overseer run`). */
  source?: string;
  /** The experiments and their arms (`overseer run`). */
  experiments: Array<{ name: string; arms: string[] }>;
  /** Registry names used, each once, in the order first met. */
  tasks: string[];
  scaffolds: string[];
  policies: string[];
  overseers: string[];
  headline: HeadlineMetric[];
  /** One line naming the above, e.g. `examples/quickstart.yaml: ida (supervised, ida-imitation)`. */
  label: string;
}

/** A run as listed: its record with its overview. */
export type RunListing = RunRecord & { overview: RunOverview };

/** Numbers an `overseer eval` summary shows first, when it has them. */
const EVALUATION_HEADLINE = [
  'accuracy',
  'traceError',
  'meanTrueReturn',
  'hackRate',
  'meanProcessReward',
];

function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

/** The `name` of a registry reference inside an arm's config (`{ task: { name } }`). */
function nameAt(config: Record<string, JsonValue>, key: string): string | undefined {
  const value = config[key];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return typeof value.name === 'string' ? value.name : undefined;
}

/**
 * The final value of each experiment's headline metrics for each arm: the last evaluation of
 * every seed, averaged over the seeds.
 */
function experimentHeadline(
  configuration: ExperimentRunConfiguration,
  latest: readonly MetricRecord[],
): HeadlineMetric[] {
  const headline: HeadlineMetric[] = [];
  for (const experiment of configuration.experiments) {
    for (const arm of experiment.arms) {
      for (const metric of experiment.metrics) {
        const values = latest
          .filter(
            ({ name, tags }) =>
              name === metric &&
              tags.phase === 'evaluation' &&
              tags.experiment === experiment.name &&
              tags.arm === arm.name,
          )
          .map(({ value }) => value);
        if (values.length === 0) continue;
        const value = values.reduce((sum, item) => sum + item, 0) / values.length;
        headline.push({ experiment: experiment.name, arm: arm.name, metric, value });
      }
    }
  }
  return headline;
}

/** The overview of `run`, given its latest metric values (`RunStore.latestMetrics`). */
export function runOverview(run: RunRecord, latest: readonly MetricRecord[]): RunOverview {
  const experiment = ExperimentRunConfiguration.safeParse(run.config);
  if (experiment.success) {
    const { source, experiments } = experiment.data;
    const arms = experiments.flatMap((entry) => entry.arms.map((arm) => arm.config));
    const named = experiments.map(({ name, arms: list }) => ({
      name,
      arms: list.map((arm) => arm.name),
    }));
    return {
      kind: 'experiment',
      source,
      experiments: named,
      tasks: unique(arms.map((config) => nameAt(config, 'task'))),
      scaffolds: unique(arms.map((config) => nameAt(config, 'scaffold'))),
      policies: [],
      overseers: unique(arms.map((config) => nameAt(config, 'overseer'))),
      headline: experimentHeadline(experiment.data, latest),
      label: `${source}: ${named.map(({ name, arms: list }) => `${name} (${list.join(', ')})`).join(' · ')}`,
    };
  }
  const evaluation = EvaluationRunConfiguration.safeParse(run.config);
  if (evaluation.success) {
    const { task, scaffold, policy, overseer } = evaluation.data;
    return {
      kind: 'eval',
      experiments: [],
      tasks: [task.name],
      scaffolds: [scaffold.name],
      policies: [policy.name],
      overseers: overseer === undefined ? [] : [overseer.name],
      headline: EVALUATION_HEADLINE.flatMap((metric) => {
        const value = run.summary[metric];
        return typeof value === 'number' ? [{ metric, value }] : [];
      }),
      label: `eval ${task.name} · ${scaffold.name} · ${policy.name}${overseer === undefined ? '' : ` · judged by ${overseer.name}`}`,
    };
  }
  const service = RewardServiceRunConfiguration.safeParse(run.config);
  if (service.success) {
    const { task, overseer, lambda } = service.data;
    return {
      kind: 'reward-service',
      experiments: [],
      tasks: [task.name],
      scaffolds: [],
      policies: [],
      overseers: [overseer.name],
      headline: [],
      label: `reward service ${task.name} · judged by ${overseer.name} · λ ${lambda}`,
    };
  }
  // A configuration none of Overseer's commands wrote (a test's, a library caller's).
  const config = run.config as Record<string, JsonValue>;
  const names = (key: string) => unique([nameAt(config, key)]);
  const tasks = names('task');
  const scaffolds = names('scaffold');
  const policies = names('policy');
  const overseers = names('overseer');
  return {
    kind: 'other',
    experiments: [],
    tasks,
    scaffolds,
    policies,
    overseers,
    headline: [],
    label: [...tasks, ...scaffolds, ...policies, ...overseers].join(' · '),
  };
}
