import type { DatabaseSession } from '../db/Database.js';
import { checkKeysetCursor, type KeysetCursor } from '../db/keysetCursor.js';
import { ValidationError } from '../errors.js';
import { type LogFilter, logFilterSql } from './logFilterSql.js';
import { severityNameSql } from './logSeverity.js';

/** One stored log record as every reader shows it. */
export interface LogRecord {
  timestamp: Date;
  observedTimestamp: Date | null;
  /** 0 (unspecified) to 24. */
  severityNumber: number;
  severityText: string | null;
  body: string;
  attributes: Record<string, unknown>;
  /** Resource attributes other than `service.name`. */
  resource: Record<string, unknown>;
  serviceName: string;
  traceId: string | null;
  spanId: string | null;
}

/**
 * Keyset position of a record in time order: its time in microseconds since the epoch and its
 * `record_id` as decimal text (the one keyset cursor of every paged read).
 */
export type LogCursor = KeysetCursor;

/** A record with its keyset position. */
export type PositionedLogRecord = LogRecord & { cursor: LogCursor };

/** A search: the filter, how many records at most, and where the previous page ended. */
export interface LogSearch extends LogFilter {
  /** Page size, 1 to 1,000. Default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  after?: LogCursor | undefined;
}

/** One page of a search, newest first, with the cursor of the next page (absent on the last). */
export interface LogPage {
  /** Newest first (time, then record id). */
  logs: LogRecord[];
  /** Pass it as `after` for the next page; null on the last page. */
  nextCursor: LogCursor | null;
}

/** The default window of a search without `from`: the hour before `to` (default now). */
export const DEFAULT_LOG_WINDOW_MS = 3_600_000;

const COLUMNS = `time AS "timestamp", observed_time AS "observedTimestamp", severity_number AS "severityNumber",
  severity_text AS "severityText", body, attributes, resource, service_name AS "serviceName",
  trace_id AS "traceId", span_id AS "spanId",
  (extract(epoch FROM time) * 1000000)::int8 AS "cursorAt", record_id::text AS "cursorId"`;

type Row = LogRecord & { cursorAt: number; cursorId: string };

function positioned({ cursorAt, cursorId, ...record }: Row): PositionedLogRecord {
  return { ...record, cursor: { at: cursorAt, id: cursorId } };
}

function withoutCursor({ cursor: _, ...record }: PositionedLogRecord): LogRecord {
  return record;
}

function checkLimit(limit: number, max = 1000): void {
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= max))
    throw new ValidationError(`limit must be a whole number from 1 to ${max}`);
}

const isRecordId = (id: string) => /^-?\d{1,19}$/.test(id);

function conditions(filter: LogFilter, params: unknown[]) {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { where: logFilterSql(filter, param), param };
}

const keyset = (param: (v: unknown) => string, cursor: LogCursor, op: '<' | '>') =>
  `(time, record_id) ${op} ('epoch'::timestamptz + ${param(cursor.at)}::int8 * interval '1 microsecond', ${param(cursor.id)}::int8)`;

/**
 * Log records matching every filter, newest first, one page at a time (keyset on time and record
 * id, so inserts between pages neither repeat nor skip a record). Without `from` the window is the
 * hour before `to` (default now). Throws ValidationError naming the filter at fault.
 */
export async function searchLogs(db: DatabaseSession, search: LogSearch = {}): Promise<LogPage> {
  const limit = search.limit ?? 100;
  checkLimit(limit);
  if (search.after !== undefined) checkKeysetCursor(search.after, isRecordId);
  const to = search.to ?? (search.from ? undefined : new Date());
  const from = search.from ?? (to ? new Date(to.getTime() - DEFAULT_LOG_WINDOW_MS) : undefined);
  const params: unknown[] = [];
  const { where, param } = conditions({ ...search, from, to }, params);
  if (search.after) where.push(keyset(param, search.after, '<'));
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ${db.table('logs')}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY time DESC, record_id DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  const page = rows.slice(0, limit).map(positioned);
  return {
    logs: page.map(withoutCursor),
    nextCursor: rows.length > limit ? page.at(-1)!.cursor : null,
  };
}

/**
 * Records matching `filter` at or after `sinceMicros` (epoch microseconds), oldest first, at most
 * `limit`: what a live tail polls for. Each carries its cursor.
 */
export async function logsSince(
  db: DatabaseSession,
  filter: LogFilter,
  sinceMicros: number,
  limit = 1000,
): Promise<PositionedLogRecord[]> {
  checkLimit(limit, 10_000);
  const params: unknown[] = [];
  const { where, param } = conditions(filter, params);
  where.push(`time >= 'epoch'::timestamptz + ${param(sinceMicros)}::int8 * interval '1 microsecond'`);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ${db.table('logs')} WHERE ${where.join(' AND ')}
      ORDER BY time, record_id LIMIT ${param(limit)}`,
    params,
  );
  return rows.map(positioned);
}

/**
 * The log records of one trace, oldest first (at most `limit`, default 1,000), whatever their time:
 * served by the index on trace_id.
 */
export async function logsOfTrace(db: DatabaseSession, traceId: string, limit = 1000): Promise<LogRecord[]> {
  checkLimit(limit, 10_000);
  const params: unknown[] = [];
  const { where, param } = conditions({ traceId }, params);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ${db.table('logs')} WHERE ${where.join(' AND ')}
      ORDER BY time, record_id LIMIT ${param(limit)}`,
    params,
  );
  return rows.map((row) => withoutCursor(positioned(row)));
}

/** The services that wrote records in [from, to), sorted (records of no known service left out). */
export async function listLogServices(
  db: DatabaseSession,
  window: { from: Date; to: Date },
): Promise<string[]> {
  const params: unknown[] = [];
  const { where } = conditions(window, params);
  const { rows } = await db.query<{ service_name: string }>(
    `SELECT DISTINCT service_name FROM ${db.table('logs')}
      WHERE ${where.join(' AND ')} AND service_name <> '' ORDER BY 1`,
    params,
  );
  return rows.map((r) => r.service_name);
}

export interface SeverityHistogram {
  /** Bucket width in milliseconds. */
  stepMs: number;
  /** One series per severity name present, each `[bucket start (epoch ms), count]` in time order. */
  series: { severity: string; points: [number, number][] }[];
}

/** Counts of the matching records per severity name and time bucket of `stepMs` over [from, to). */
export async function logSeverityHistogram(
  db: DatabaseSession,
  filter: LogFilter & { from: Date; to: Date },
  stepMs: number,
): Promise<SeverityHistogram> {
  if (!(Number.isInteger(stepMs) && stepMs >= 1))
    throw new ValidationError('step must be a whole number of ms >= 1');
  const params: unknown[] = [];
  const { where, param } = conditions(filter, params);
  const step = param(stepMs);
  const { rows } = await db.query<{ bucket: number; severity: string; n: number }>(
    `SELECT (floor(extract(epoch FROM time) * 1000 / ${step}::int8) * ${step}::int8)::int8 AS bucket,
            ${severityNameSql('severity_number')} AS severity, count(*)::int8 AS n
       FROM ${db.table('logs')} WHERE ${where.join(' AND ')}
      GROUP BY 1, 2 ORDER BY 1`,
    params,
  );
  const bySeverity = new Map<string, [number, number][]>();
  for (const r of rows) {
    const points = bySeverity.get(r.severity) ?? [];
    points.push([Number(r.bucket), Number(r.n)]);
    bySeverity.set(r.severity, points);
  }
  return { stepMs, series: [...bySeverity].map(([severity, points]) => ({ severity, points })) };
}
