import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { DatabaseError } from '../errors.js';
import type { Logger } from '../logger.js';
import { storeReceivedMetrics } from '../metrics/storeReceivedMetrics.js';
import type { DecodedMetrics, DecodedTraces, OtlpRejections } from '../otlp/otlpModel.js';
import { otlpSpanToRow } from '../tracing/otlpSpanToRow.js';
import { writeSpanRows } from '../tracing/writeSpanRows.js';
import type { OtlpSinks } from './otlpHandlers.js';
import type { ServiceMetrics } from './ServiceMetrics.js';

/** Adds refused items to what the OTLP partial-success answer reports. */
function reject(result: OtlpRejections, count: number, reason: string): void {
  result.rejected += count;
  result.errorMessage = result.errorMessage ? `${result.errorMessage}; ${reason}` : reason;
}

/** Refusals logged, at most this many distinct ones per process (each once). */
const LOGGED_REFUSALS = 1000;

/** Where OTLP/HTTP requests land: the same tables the library writes. Each kind of refusal is logged once. */
export function createOtlpSinks(
  db: Database,
  clock: Clock,
  metrics?: ServiceMetrics,
  logger?: Logger,
): OtlpSinks {
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
  return {
    async traces(decoded: DecodedTraces) {
      const started = performance.now();
      const result = await writeSpanRows(db, decoded.spans.map(otlpSpanToRow));
      if (result.retryable.length > 0) {
        // Answer 503: the exporter retries the whole request; spans already stored are skipped as duplicates.
        throw new DatabaseError('span storage unavailable', {
          cause: result.transientError,
          sqlState: '08006',
        });
      }
      if (result.rejected.length > 0) {
        reject(decoded, result.rejected.length, `${result.rejected.length} span(s) refused by the database`);
      }
      metrics?.recordIngest(
        'traces',
        result.written + result.duplicates,
        decoded.rejected,
        performance.now() - started,
      );
    },
    async metrics(decoded: DecodedMetrics) {
      const started = performance.now();
      // One transaction, all or nothing: after a 503 the exporter resends, and no point is stored twice.
      const result = await storeReceivedMetrics(db, decoded.metrics, clock.now());
      for (const { name, reason, points } of result.skipped) {
        reject(decoded, points, `${name}: ${reason}`);
        logOnce(name, reason);
      }
      metrics?.recordIngest(
        'metrics',
        result.written + result.duplicates,
        decoded.rejected,
        performance.now() - started,
      );
    },
  };
}
