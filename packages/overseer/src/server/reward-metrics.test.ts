import { describe, expect, it } from 'vitest';
import { prometheusText, rewardMetrics } from './reward-metrics.ts';

const gauges = { queueDepth: 3, inFlight: 2, concurrency: 4, cacheEntries: 5 };

describe('rewardMetrics', () => {
  it('gives nearest-rank percentiles over the most recent window', () => {
    let clock = 1000;
    const metrics = rewardMetrics({ window: 100, now: () => clock });
    // 200 observations: only the last 100 (101…200) are in the window.
    for (let value = 1; value <= 200; value += 1) metrics.request(value, value % 50 === 0);
    clock = 3500;
    const snapshot = metrics.snapshot(gauges);
    expect(snapshot.latencyMs.request).toEqual({
      count: 100,
      p50: 150,
      p90: 190,
      p99: 199,
      max: 200,
    });
    expect(snapshot.latencyMs.sample).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(snapshot.requests).toEqual({ total: 200, failed: 4 });
    expect(snapshot.uptimeSeconds).toBe(2.5);
    expect(snapshot.queue).toEqual({ depth: 3, inFlight: 2, concurrency: 4 });
  });

  it('counts samples by source and judge calls, and writes Prometheus text', () => {
    const metrics = rewardMetrics();
    metrics.sample('computed', false);
    metrics.sample('computed', true);
    metrics.sample('cached', false);
    metrics.sample('joined', false);
    for (let call = 0; call < 8; call += 1) metrics.judgeCall();
    metrics.scored(250);
    const snapshot = metrics.snapshot(gauges);
    expect(snapshot.samples).toEqual({
      total: 4,
      scored: 2,
      cacheHits: 1,
      deduplicated: 1,
      failed: 1,
    });
    expect(snapshot.judgeCalls).toBe(8);
    const text = prometheusText(snapshot);
    expect(text).toContain(
      '# TYPE overseer_reward_judge_calls_total counter\noverseer_reward_judge_calls_total 8\n',
    );
    expect(text).toContain('overseer_reward_samples_total{source="cache"} 1\n');
    expect(text).toContain('overseer_reward_queue_depth 3\n');
    expect(text).toContain('overseer_reward_sample_latency_seconds{quantile="0.99"} 0.25\n');
    // Every sample line is `name{labels} number`.
    for (const line of text
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('#'))) {
      expect(line).toMatch(/^overseer_reward_[a-z_]+(\{[a-z]+="[^"]*"\})? -?[0-9.e+-]+$/);
    }
  });
});
