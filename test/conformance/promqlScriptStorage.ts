/**
 * Where the conformance runner loads script data: any SampleSource that can be filled. The
 * in-memory one is the default; a PostgreSQL-backed one can implement the same interface.
 */
import { MemorySampleSource } from '../../src/promql/MemorySampleSource.js';
import type { SampleSource } from '../../src/promql/SampleSource.js';
import type { LoadCommand } from './promqlScript.js';

export interface ScriptStorage {
  /** A source holding exactly the samples of `loads` (staleness markers included). */
  sourceFor(loads: readonly LoadCommand[]): Promise<SampleSource>;
}

/** Visits every sample of the loads: labels, time, value, stale. */
export function forEachSample(
  loads: readonly LoadCommand[],
  visit: (labels: Record<string, string>, t: number, v: number, stale: boolean) => void,
): void {
  for (const load of loads) {
    for (const s of load.series) {
      s.points.forEach((p, i) => {
        if (p.kind === 'blank') return;
        visit(
          { ...s.labels },
          i * load.intervalMs,
          p.kind === 'value' ? p.value : Number.NaN,
          p.kind === 'stale',
        );
      });
    }
  }
}

export class MemoryScriptStorage implements ScriptStorage {
  private readonly cache = new Map<readonly LoadCommand[], MemorySampleSource>();

  async sourceFor(loads: readonly LoadCommand[]): Promise<SampleSource> {
    let source = this.cache.get(loads);
    if (!source) {
      source = new MemorySampleSource();
      const s = source;
      forEachSample(loads, (labels, t, v, stale) => s.add(labels, t, v, stale));
      this.cache.set(loads, source);
    }
    return source;
  }
}
