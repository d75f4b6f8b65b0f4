import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { timeWindow } from '../otlp/timeWindow.js';
import { storeRemoteWrite } from '../prometheus/storeRemoteWrite.js';
import { tableRetentionDays } from '../schema/tableRetentionDays.js';
import type { RemoteWriteSink } from './remoteWriteHandler.js';
import type { ServiceMetrics } from './ServiceMetrics.js';

/**
 * Where remote write requests land: the `metrics` table, samples outside its retention refused.
 * `retentionDays` overrides the table's registered retention (configuration `retentionDays`).
 */
export function createRemoteWriteSink(
  db: Database,
  clock: Clock,
  metrics?: ServiceMetrics,
  retentionDays?: Record<string, number>,
): RemoteWriteSink {
  let retention: Promise<number> | undefined;
  return async (request) => {
    const started = performance.now();
    if (!retention) {
      retention = tableRetentionDays(db, 'metrics', retentionDays);
      retention.catch(() => {
        retention = undefined;
      });
    }
    const now = clock.now();
    const result = await storeRemoteWrite(db, request, now, timeWindow(now, await retention));
    metrics?.recordIngest(
      'metrics',
      result.written + result.duplicates,
      { invalid: 0, refused: 0 },
      performance.now() - started,
    );
  };
}
