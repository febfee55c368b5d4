/**
 * What the reward service counts for `/metrics`: requests, samples by where their result came
 * from (scored, remembered, joined to one in flight), overseer judge calls, and latency
 * percentiles over a window of recent requests and scored samples — as JSON, and as Prometheus
 * text for a scraper.
 */
import type { CacheSource } from './reward-cache.ts';

/** Nearest-rank percentiles of a latency window, in milliseconds. */
export interface LatencySummary {
  /** Observations in the window. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The gauges the service reads at the moment of a snapshot. */
export interface RewardGauges {
  /** Samples waiting for a judge slot. */
  queueDepth: number;
  /** Samples being scored now. */
  inFlight: number;
  /** Samples scored at once, at most. */
  concurrency: number;
  /** Finished results remembered. */
  cacheEntries: number;
}

/** The `/metrics` body. */
export interface RewardMetricsSnapshot {
  uptimeSeconds: number;
  requests: { total: number; failed: number };
  samples: {
    total: number;
    scored: number;
    cacheHits: number;
    deduplicated: number;
    failed: number;
  };
  judgeCalls: number;
  queue: { depth: number; inFlight: number; concurrency: number };
  cache: { entries: number };
  latencyMs: { request: LatencySummary; sample: LatencySummary };
}

/** Counters and latency windows of one service. */
export interface RewardMetrics {
  /** A request answered (or refused) after `milliseconds`. */
  request(milliseconds: number, failed: boolean): void;
  /** A sample answered, from `source`; `failed` when it got the failure reward. */
  sample(source: CacheSource, failed: boolean): void;
  /** A sample scored in `milliseconds` (judge time, not queue time). */
  scored(milliseconds: number): void;
  /** One call of the overseer's judge. */
  judgeCall(): void;
  snapshot(gauges: RewardGauges): RewardMetricsSnapshot;
}

/** Options of {@link rewardMetrics}. */
export interface RewardMetricsOptions {
  /** Latencies kept per window; percentiles describe the most recent ones. */
  window?: number;
  /** The clock (milliseconds). */
  now?: () => number;
}

/** A fixed-size ring of the latest observations. */
function latencyWindow(size: number): { add(value: number): void; summary(): LatencySummary } {
  const values: number[] = [];
  let next = 0;
  return {
    add(value) {
      if (values.length < size) values.push(value);
      else values[next] = value;
      next = (next + 1) % size;
    },
    summary() {
      const sorted = [...values].sort((a, b) => a - b);
      // Microseconds are plenty, and keep the JSON readable.
      const rounded = (value: number): number => Math.round(value * 1000) / 1000;
      const rank = (quantile: number): number =>
        sorted.length === 0
          ? 0
          : rounded(sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]);
      return {
        count: sorted.length,
        p50: rank(0.5),
        p90: rank(0.9),
        p99: rank(0.99),
        max: sorted.length === 0 ? 0 : rounded(sorted[sorted.length - 1]),
      };
    },
  };
}

/** Fresh counters. */
export function rewardMetrics(options: RewardMetricsOptions = {}): RewardMetrics {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const requestLatency = latencyWindow(options.window ?? 10_000);
  const sampleLatency = latencyWindow(options.window ?? 10_000);
  const requests = { total: 0, failed: 0 };
  const samples = { total: 0, scored: 0, cacheHits: 0, deduplicated: 0, failed: 0 };
  let judgeCalls = 0;
  return {
    request(milliseconds, failed) {
      requests.total += 1;
      if (failed) requests.failed += 1;
      requestLatency.add(milliseconds);
    },
    sample(source, failed) {
      samples.total += 1;
      if (source === 'computed') samples.scored += 1;
      else if (source === 'cached') samples.cacheHits += 1;
      else samples.deduplicated += 1;
      if (failed) samples.failed += 1;
    },
    scored(milliseconds) {
      sampleLatency.add(milliseconds);
    },
    judgeCall() {
      judgeCalls += 1;
    },
    snapshot(gauges) {
      return {
        uptimeSeconds: (now() - started) / 1000,
        requests: { ...requests },
        samples: { ...samples },
        judgeCalls,
        queue: {
          depth: gauges.queueDepth,
          inFlight: gauges.inFlight,
          concurrency: gauges.concurrency,
        },
        cache: { entries: gauges.cacheEntries },
        latencyMs: { request: requestLatency.summary(), sample: sampleLatency.summary() },
      };
    },
  };
}

/** The snapshot in the Prometheus text exposition format (version 0.0.4). */
export function prometheusText(snapshot: RewardMetricsSnapshot): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: 'counter' | 'gauge' | 'summary',
    help: string,
    values: Array<[labels: string, value: number]>,
  ): void => {
    lines.push(`# HELP overseer_reward_${name} ${help}`, `# TYPE overseer_reward_${name} ${type}`);
    for (const [labels, value] of values) lines.push(`overseer_reward_${name}${labels} ${value}`);
  };
  const summary = (latency: LatencySummary): Array<[string, number]> => [
    ['{quantile="0.5"}', latency.p50 / 1000],
    ['{quantile="0.9"}', latency.p90 / 1000],
    ['{quantile="0.99"}', latency.p99 / 1000],
  ];
  metric('uptime_seconds', 'gauge', 'Seconds since the service started.', [
    ['', snapshot.uptimeSeconds],
  ]);
  metric('requests_total', 'counter', 'Reward requests answered.', [['', snapshot.requests.total]]);
  metric('requests_failed_total', 'counter', 'Reward requests refused (4xx/5xx).', [
    ['', snapshot.requests.failed],
  ]);
  metric('samples_total', 'counter', 'Samples answered, by where the result came from.', [
    ['{source="scored"}', snapshot.samples.scored],
    ['{source="cache"}', snapshot.samples.cacheHits],
    ['{source="deduplicated"}', snapshot.samples.deduplicated],
  ]);
  metric('samples_failed_total', 'counter', 'Samples given the failure reward.', [
    ['', snapshot.samples.failed],
  ]);
  metric('judge_calls_total', 'counter', 'Calls of the overseer judge (one per step).', [
    ['', snapshot.judgeCalls],
  ]);
  metric('queue_depth', 'gauge', 'Samples waiting for a judge slot.', [['', snapshot.queue.depth]]);
  metric('in_flight', 'gauge', 'Samples being scored.', [['', snapshot.queue.inFlight]]);
  metric('cache_entries', 'gauge', 'Finished results remembered.', [['', snapshot.cache.entries]]);
  metric(
    'request_latency_seconds',
    'summary',
    'Request latency over the recent window.',
    summary(snapshot.latencyMs.request),
  );
  metric(
    'sample_latency_seconds',
    'summary',
    'Scoring time of one sample over the recent window.',
    summary(snapshot.latencyMs.sample),
  );
  return `${lines.join('\n')}\n`;
}
