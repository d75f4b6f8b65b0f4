/**
 * Explicit-bucket histograms as Prometheus's cumulative `_bucket` series: a row stores the
 * observations of its interval per bucket; a `_bucket{le}` sample counts every observation up to
 * `le`, from the series' start up to the row. Pure.
 */

/** The `le` label of an upper bound, as Prometheus writes it (`+Inf` for the overflow bucket). */
export function leLabel(bound: number): string {
  return bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound);
}

/** Every `le` of a set of stored bound lists (each implicitly ending in +Inf), ascending. */
export function leBounds(boundLists: Iterable<readonly number[]>): number[] {
  const all = new Set<number>([Number.POSITIVE_INFINITY]);
  for (const bounds of boundLists) for (const b of bounds) all.add(b);
  return [...all].sort((a, b) => a - b);
}

/**
 * Observations of one stored row at or below `le`: the buckets whose upper bound is at most `le`
 * (the last bucket's bound is +Inf).
 */
export function countAtOrBelow(bounds: readonly number[], counts: readonly number[], le: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const upper = i < bounds.length ? bounds[i]! : Number.POSITIVE_INFINITY;
    if (upper > le) break;
    total += counts[i]!;
  }
  return total;
}
