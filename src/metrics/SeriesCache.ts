import type { StoredSeries } from './StoredSeries.js';

/**
 * Stored series by a key of what they were made from, so a series seen before costs a map lookup
 * rather than its labels, cleaning and hash. Bounded: past `limit` entries it starts over.
 */
export class SeriesCache {
  private readonly entries = new Map<string, StoredSeries>();

  constructor(private readonly limit = 100_000) {}

  get(key: string, make: () => StoredSeries): StoredSeries {
    let series = this.entries.get(key);
    if (series === undefined) {
      if (this.entries.size >= this.limit) this.entries.clear();
      series = make();
      this.entries.set(key, series);
    }
    return series;
  }
}
