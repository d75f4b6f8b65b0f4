import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { DatabaseError } from '../errors.js';
import type { Logger } from '../logger.js';
import { storeOtlpLogs } from '../logs/storeOtlpLogs.js';
import { storeReceivedMetrics } from '../metrics/storeReceivedMetrics.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces, OtlpRejections } from '../otlp/otlpModel.js';
import { timeWindow } from '../otlp/timeWindow.js';
import { tableRetentionDays } from '../schema/tableRetentionDays.js';
import { type StoreOtlpSpansResult, storeOtlpSpans } from '../tracing/storeOtlpSpans.js';
import type { OtlpSinks } from './otlpHandlers.js';
import type { ServiceMetrics } from './ServiceMetrics.js';

/** Adds refused items to what the OTLP partial-success answer reports. */
function reject(result: OtlpRejections, count: number, reason: string): void {
  result.rejected += count;
  result.errorMessage = result.errorMessage ? `${result.errorMessage}; ${reason}` : reason;
}

/** Refusals logged, at most this many distinct ones per process (each once). */
const LOGGED_REFUSALS = 1000;

export interface OtlpSinkOptions {
  /** Per-table retention overrides in days (configuration `retentionDays`); default: each table's registered default. */
  retentionDays?: Record<string, number>;
}

/** Where OTLP/HTTP requests land: the same tables the library writes. Each kind of refusal is logged once. */
export function createOtlpSinks(
  db: Database,
  clock: Clock,
  metrics?: ServiceMetrics,
  logger?: Logger,
  options: OtlpSinkOptions = {},
): OtlpSinks {
  // Read once per table: items older than its retention are refused, not stored for maintenance to drop.
  const retentions = new Map<string, Promise<number>>();
  const windowOf = async (table: string) => {
    let retention = retentions.get(table);
    if (!retention) {
      retention = tableRetentionDays(db, table, options.retentionDays);
      retentions.set(table, retention);
      retention.catch(() => retentions.delete(table));
    }
    return timeWindow(clock.now(), await retention);
  };
  const logged = new Set<string>();
  const logOnce = (name: string, reason: string) => {
    const key = `${name}\0${reason}`;
    if (!logger || logged.has(key) || logged.size >= LOGGED_REFUSALS) return;
    logged.add(key);
    logger.warn('OTLP metric points refused (logged once; the sender is told in each answer)', {
      metric: name,
      reason,
    });
  };
  /** Stores spans or log records: one transaction, refusals told in the partial success. */
  const storeItems = async <T extends OtlpRejections>(
    signal: 'traces' | 'logs',
    decoded: T,
    store: (decoded: T) => Promise<StoreOtlpSpansResult>,
  ) => {
    const started = performance.now();
    const result = await store(decoded);
    if (result.transientError !== undefined) {
      // Answer 503: the exporter retries the whole request; nothing of it is stored, nothing twice.
      throw new DatabaseError(`${signal === 'traces' ? 'span' : 'log'} storage unavailable`, {
        cause: result.transientError,
        sqlState: '08006',
      });
    }
    const invalid = decoded.rejected;
    if (result.refused.count > 0) reject(decoded, result.refused.count, result.refused.message());
    metrics?.recordIngest(
      signal,
      result.written + result.duplicates,
      { invalid, refused: result.refused.count },
      performance.now() - started,
    );
  };
  return {
    traces: (decoded: DecodedTraces) =>
      storeItems('traces', decoded, async (d) => storeOtlpSpans(db, d.spans, await windowOf('spans'))),
    logs: (decoded: DecodedLogs) =>
      storeItems('logs', decoded, async (d) => storeOtlpLogs(db, d.logRecords, await windowOf('logs'))),
    async metrics(decoded: DecodedMetrics) {
      const started = performance.now();
      // One transaction, all or nothing: after a 503 the exporter resends, and no point is stored twice.
      const result = await storeReceivedMetrics(db, decoded.metrics, clock.now(), await windowOf('metrics'));
      const invalid = decoded.rejected;
      for (const { name, reason, points } of result.skipped) {
        reject(decoded, points, `${name}: ${reason}`);
        logOnce(name, reason);
      }
      metrics?.recordIngest(
        'metrics',
        result.written + result.duplicates,
        { invalid, refused: decoded.rejected - invalid },
        performance.now() - started,
      );
    },
  };
}
