/**
 * Which metrics are fractions (accuracy, hackRate, traceError …): shown as percentages on a 0–1
 * axis by the report and the viewer alike. Imports nothing, so the viewer can bundle it.
 */

/** Whether a metric is a fraction best shown as a percentage (accuracy, hackRate, traceError …). */
export function isRate(metric: string): boolean {
  return /^(accuracy(@d\d+|InDistribution|OutOfDistribution)?|.*Rate|.*Error)$/.test(metric);
}
