import type { DatabaseSession } from '../db/Database.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parseLinkAlertId } from './linkInput.js';

/** Error spans of one service and operation while an alert fired. */
export interface ErrorSpanOperation {
  serviceName: string;
  operationName: string;
  errorCount: number;
  maxDurationMs: number;
  /** Up to 5 of the traces, the most recent first. */
  traceIds: string[];
  firstAt: Date;
  lastAt: Date;
}

/** The spans that failed while an alert episode fired, grouped by operation. */
export interface AlertErrorSpans {
  /** The window searched: the alert's trigger time less `beforeMs`, to its resolution (or now). */
  from: Date;
  to: Date;
  /** Most errors first, at most 50. */
  operations: ErrorSpanOperation[];
}

/** Options of `alertErrorSpans`. */
export interface AlertErrorSpansOptions {
  /** How long before the trigger time to search too, in ms, 0 to 1 day. Default: 300000 (5 minutes). */
  beforeMs?: number;
  /** The end of the window of an alert still firing. Default: the current time. */
  now?: Date;
}

const MAX_BEFORE_MS = 86_400_000;
const MAX_OPERATIONS = 50;

/**
 * What failed while an alert episode (`alerts.id`) fired: error spans (status 'error') that started
 * in [triggered_at - beforeMs, coalesce(resolved_at, now)], grouped by service and operation, most
 * errors first. Served by the partial index `spans_error_time_idx`. NotFoundError for an unknown alert.
 */
export async function alertErrorSpans(
  db: DatabaseSession,
  alertId: number,
  options: AlertErrorSpansOptions = {},
): Promise<AlertErrorSpans> {
  const id = parseLinkAlertId(alertId);
  const beforeMs = options.beforeMs ?? 300_000;
  if (!Number.isInteger(beforeMs) || beforeMs < 0 || beforeMs > MAX_BEFORE_MS)
    throw new ValidationError(`beforeMs must be a whole number from 0 to ${MAX_BEFORE_MS} (got ${beforeMs})`);
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new ValidationError('now must be a valid Date');
  const window = await db.query<{ from: Date; to: Date }>(
    `SELECT triggered_at - $2 * interval '1 millisecond' AS "from", coalesce(resolved_at, $3) AS "to"
       FROM ${db.table('alerts')} WHERE id = $1`,
    [id, beforeMs, now],
  );
  const bounds = window.rows[0];
  if (!bounds) throw new NotFoundError(`alert ${id} not found`);
  const { rows } = await db.query<Omit<ErrorSpanOperation, 'traceIds'> & { recent: string[] }>(
    `SELECT service_name AS "serviceName", operation_name AS "operationName", count(*)::int AS "errorCount",
            max(duration_ms) AS "maxDurationMs", min(start_time) AS "firstAt", max(start_time) AS "lastAt",
            (array_agg(trace_id ORDER BY start_time DESC))[1:20] AS recent
       FROM ${db.table('spans')}
      WHERE status = 'error' AND start_time >= $1 AND start_time <= $2
      GROUP BY service_name, operation_name
      ORDER BY count(*) DESC, service_name, operation_name LIMIT ${MAX_OPERATIONS}`,
    [bounds.from, bounds.to],
  );
  return {
    from: bounds.from,
    to: bounds.to,
    operations: rows.map(({ recent, ...op }) => ({
      ...op,
      traceIds: [...new Set(recent)].slice(0, 5),
    })),
  };
}
