import type { Database } from '../db/Database.js';
import { DatabaseError, PgtelError } from '../errors.js';
import type { DecodedMetrics, DecodedTraces } from '../otlp/otlpModel.js';
import { otlpSpanToRow } from '../tracing/otlpSpanToRow.js';
import { writeSpanRows } from '../tracing/writeSpanRows.js';
import type { OtlpSinks } from './otlpHandlers.js';

/** Where OTLP/HTTP requests land: the same tables the library writes. */
export function createOtlpSinks(db: Database): OtlpSinks {
  return {
    async traces(decoded: DecodedTraces) {
      const result = await writeSpanRows(db, decoded.spans.map(otlpSpanToRow));
      if (result.retryable.length > 0) {
        // Answer 503: the exporter retries the whole request; rows already stored are skipped as duplicates.
        throw new DatabaseError('span storage unavailable', {
          cause: result.transientError,
          sqlState: '08006',
        });
      }
      if (result.rejected.length > 0) {
        decoded.rejected += result.rejected.length;
        const reason = `${result.rejected.length} span(s) refused by the database`;
        decoded.errorMessage = decoded.errorMessage ? `${decoded.errorMessage}; ${reason}` : reason;
      }
    },
    async metrics(_decoded: DecodedMetrics) {
      throw Object.assign(
        new PgtelError('PGTEL_INVALID', 'OTLP metrics ingest is not available in this build'),
        { httpStatus: 501 },
      );
    },
  };
}
