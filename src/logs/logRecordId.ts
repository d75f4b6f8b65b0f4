import { hash } from 'node:crypto';
import { type LogRow, storedJson } from './LogRow.js';

/**
 * The `record_id` of a log record: the first 8 bytes of the MD5 of its identity (time in exact
 * nanoseconds, service, resource, scope, trace context, severity, body, attributes), as decimal
 * text of a signed 64-bit integer. Computed over the values as stored (texts cleaned and cut), so a
 * resent record gets the same id in any process and is stored once. Pure.
 *
 * @param timeUnixNano the record's time (else its observed time) in epoch nanoseconds
 */
export function logRecordId(timeUnixNano: bigint, row: Omit<LogRow, 'recordId'>): string {
  const identity = [
    timeUnixNano.toString(),
    row.serviceName,
    storedJson(row.resource),
    storedJson(row.scope),
    row.traceId ?? '',
    row.spanId ?? '',
    String(row.severityNumber),
    row.severityText ?? '',
    // A string body and a JSON body of the same text are different records.
    row.bodyJson === null ? `s${row.body}` : `j${row.body}`,
    storedJson(row.attributes),
  ].join('\x1f');
  // One-shot hashing: no Hash object per record.
  return hash('md5', identity, 'buffer').readBigInt64BE(0).toString();
}
