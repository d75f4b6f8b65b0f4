import type { Labels } from './SampleSource.js';

/** The label names of a set of series, sorted: what every `SampleSource.labelNames` answers. */
export function labelNamesOf(series: readonly Labels[]): string[] {
  const names = new Set<string>();
  for (const labels of series) for (const name of Object.keys(labels)) names.add(name);
  return [...names].sort();
}

/** The values one label takes over a set of series, sorted: what every `SampleSource.labelValues` answers. */
export function labelValuesOf(series: readonly Labels[], name: string): string[] {
  const values = new Set<string>();
  for (const labels of series) {
    const value = labels[name];
    if (value !== undefined) values.add(value);
  }
  return [...values].sort();
}
