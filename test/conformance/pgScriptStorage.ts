/**
 * The conformance scripts' data in pgtel's own storage: each set of loads is written as one remote
 * write request through `storeRemoteWrite` (the path `POST /api/v1/write` takes) into a test schema,
 * and evaluated through PgSampleSource, on PostgreSQL or PGlite.
 */
import type { Database } from '../../src/db/Database.js';
import type { RemoteSeries, RemoteWriteRequest } from '../../src/prometheus/RemoteWrite.js';
import { storeRemoteWrite } from '../../src/prometheus/storeRemoteWrite.js';
import { PgSampleSource } from '../../src/promql/PgSampleSource.js';
import type { SampleSource } from '../../src/promql/SampleSource.js';
import { labelsKey } from '../../src/promql/values.js';
import type { LoadCommand } from './promqlScript.js';
import { forEachSample, type ScriptStorage } from './promqlScriptStorage.js';

/** The loads as one request: each series once, its samples in time order. */
export function loadsAsRequest(loads: readonly LoadCommand[]): RemoteWriteRequest {
  const series = new Map<
    string,
    {
      name: string;
      labels: Record<string, string>;
      samples: RemoteSeries['samples'][number][];
      /** Index in `samples` of each timestamp. */
      at: Map<number, number>;
    }
  >();
  let sampleCount = 0;
  forEachSample(loads, (labels, timestampMs, value, stale) => {
    const key = labelsKey(labels);
    let s = series.get(key);
    if (!s) {
      const { __name__: name = '', ...rest } = labels;
      s = { name, labels: rest, samples: [], at: new Map() };
      series.set(key, s);
    }
    // A later sample at a stored time replaces it, as in the in-memory source.
    const same = s.at.get(timestampMs);
    if (same !== undefined) s.samples[same] = { timestampMs, value, stale };
    else {
      s.at.set(timestampMs, s.samples.push({ timestampMs, value, stale }) - 1);
      sampleCount++;
    }
  });
  for (const s of series.values()) s.samples.sort((a, b) => a.timestampMs - b.timestampMs);
  return {
    series: [...series.values()].map(({ name, labels, samples }) => ({
      name,
      labels,
      samples,
      exemplars: [],
    })),
    metadata: [],
    sampleCount,
    skippedHistograms: 0,
  };
}

export class PgScriptStorage implements ScriptStorage {
  private current: readonly LoadCommand[] | undefined;

  constructor(private readonly db: () => Database) {}

  async sourceFor(loads: readonly LoadCommand[]): Promise<SampleSource> {
    const db = this.db();
    if (this.current !== loads) {
      this.current = undefined;
      await db.exec(
        `TRUNCATE ${db.table('metrics')}, ${db.table('metric_series')}, ${db.table('metric_cumulative_state')}`,
      );
      await storeRemoteWrite(db, loadsAsRequest(loads), Date.now());
      this.current = loads;
    }
    return new PgSampleSource(db);
  }
}
