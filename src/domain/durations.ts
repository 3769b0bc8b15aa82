/** Median and 90th percentile of a set of durations: the report's response times, for alerts and incidents. */
export interface Durations {
  /** How many durations (groups, incidents) the figures are over. */
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/** Median and 90th percentile by the nearest-rank method (an actual observed value, no interpolation). */
export function durations(values: readonly number[]): Durations {
  if (values.length === 0) return { count: 0, medianMs: null, p90Ms: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { count: sorted.length, medianMs: rank(0.5), p90Ms: rank(0.9) };
}
