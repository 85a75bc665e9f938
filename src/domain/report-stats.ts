/** Small statistics for reports: quantiles by the nearest-rank method. Pure. */

/** The q-quantile (0 < q <= 1) of `values` by nearest rank, or null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Median and 90th percentile, with how many values they are of. */
export function spread(values: readonly number[]): { median: number; p90: number; n: number } | null {
  const median = quantile(values, 0.5);
  const p90 = quantile(values, 0.9);
  return median === null || p90 === null ? null : { median, p90, n: values.length };
}

/** "37%" of part in whole, or "—" for nothing. */
export function share(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;
}
