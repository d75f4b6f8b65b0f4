import { createHash } from 'node:crypto';
import type { DatabaseSession } from '../../src/db/Database.js';
import { toJsonText } from '../../src/db/jsonText.js';

/** One log record as the `logs` table stores it, for tests that read logs. */
export interface LogRowInput {
  at: Date;
  body: string;
  /** Default 9 (info). */
  severityNumber?: number;
  /** Default the range's name in capitals (INFO). */
  severityText?: string | null;
  /** Default 'shop-api'. */
  service?: string;
  attributes?: Record<string, unknown>;
  resource?: Record<string, unknown>;
  traceId?: string | null;
  spanId?: string | null;
}

const NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** Inserts log rows with plain SQL (one statement); record ids hash each row's content. */
export async function insertLogRows(db: DatabaseSession, rows: readonly LogRowInput[]): Promise<void> {
  const records = rows.map((r) => {
    const severity = r.severityNumber ?? 9;
    const record = {
      time: r.at.toISOString(),
      severity_number: severity,
      severity_text:
        r.severityText === undefined ? NAMES[Math.min(5, Math.floor((severity - 1) / 4))] : r.severityText,
      body: r.body,
      attributes: r.attributes ?? {},
      service_name: r.service ?? 'shop-api',
      resource: r.resource ?? {},
      trace_id: r.traceId ?? null,
      span_id: r.spanId ?? null,
    };
    const id = createHash('md5').update(toJsonText(record)).digest().readBigInt64BE(0).toString();
    return { record_id: id, observed_time: record.time, ...record };
  });
  await db.query(
    `INSERT INTO ${db.table('logs')} (record_id, time, observed_time, severity_number, severity_text, body,
       attributes, service_name, resource, trace_id, span_id)
     SELECT record_id, time, observed_time, severity_number, severity_text, body, attributes, service_name,
            resource, trace_id, span_id
       FROM jsonb_to_recordset($1::jsonb) AS r(record_id bigint, time timestamptz, observed_time timestamptz,
            severity_number smallint, severity_text text, body text, attributes jsonb, service_name text,
            resource jsonb, trace_id text, span_id text)
     ON CONFLICT DO NOTHING`,
    [toJsonText(records)],
  );
}
