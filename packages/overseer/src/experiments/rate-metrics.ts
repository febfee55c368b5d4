/**
 * Which metrics are fractions (accuracy, hackRate, traceError, the control game's safety and usefulness …): shown as percentages on a 0–1
 * axis by the report and the viewer alike. Imports nothing, so the viewer can bundle it.
 */

/** Whether a metric is a fraction best shown as a percentage (accuracy, hackRate, traceError …). */
export function isRate(metric: string): boolean {
  return /^(accuracy(@d\d+|InDistribution|OutOfDistribution)?|safety|usefulness|.*Rate|.*Error)$/.test(
    metric,
  );
}
